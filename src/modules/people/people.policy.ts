import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';

/**
 * Who may see a case or a person (DESIGN.md, access model). Each rule is an SQL condition on a table alias,
 * so lists, search, exports and single-record reads all filter in the database with the same rule; a record the
 * viewer may not see is simply not found.
 *
 * A case is visible to staff with personal-data access in the agency that owns it or an agency assigned to it,
 * unless they or their agency are on its "must not see" list. (MARAC attendees are added by the marac module.)
 * A person is visible to staff of the agency that recorded them, or through a case they may see, unless they or
 * their agency are on the person's own "must not see" list.
 */
export type Viewer = Pick<UserPrincipal, 'userId' | 'agencyId' | 'partnershipId' | 'permissions'>;

export function assertMaySeePersonalData(viewer: Viewer): void {
  if (!viewer.permissions.has('personal-data:read')) throw errors.forbidden();
}

function notRestricted(viewer: Viewer, subjectType: 'case' | 'person', idColumn: RawBuilder<unknown>): RawBuilder<SqlBool> {
  return sql<SqlBool>`not exists (
    select 1 from restrictions r
    where r.partnership_id = ${viewer.partnershipId} and r.subject_type = ${subjectType} and r.subject_id = ${idColumn}
      and r.removed_at is null
      and (r.blocked_user_id = ${viewer.userId} or r.blocked_agency_id = ${viewer.agencyId}))`;
}

/** The case behind alias `c` is visible to the viewer. */
export function caseVisible(viewer: Viewer, alias = 'c'): RawBuilder<SqlBool> {
  const id = sql.ref(`${alias}.id`);
  return sql<SqlBool>`(${sql.ref(`${alias}.partnership_id`)} = ${viewer.partnershipId}
    and (${sql.ref(`${alias}.owning_agency_id`)} = ${viewer.agencyId}
      or exists (select 1 from case_agencies ca where ca.partnership_id = ${viewer.partnershipId} and ca.case_id = ${id} and ca.agency_id = ${viewer.agencyId}))
    and ${notRestricted(viewer, 'case', id)})`;
}

/** The person behind alias `p` is visible to the viewer. */
export function personVisible(viewer: Viewer, alias = 'p'): RawBuilder<SqlBool> {
  const id = sql.ref(`${alias}.id`);
  return sql<SqlBool>`(${sql.ref(`${alias}.partnership_id`)} = ${viewer.partnershipId}
    and ${sql.ref(`${alias}.merged_into_id`)} is null
    and (${sql.ref(`${alias}.owning_agency_id`)} = ${viewer.agencyId}
      or exists (select 1 from case_people vcp join cases vc on vc.partnership_id = vcp.partnership_id and vc.id = vcp.case_id
                 where vcp.partnership_id = ${viewer.partnershipId} and vcp.person_id = ${id} and ${caseVisible(viewer, 'vc')}))
    and ${notRestricted(viewer, 'person', id)})`;
}
