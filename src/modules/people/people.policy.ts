import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';

/**
 * Who may see a case or a person (DESIGN.md, access model). Each rule is an SQL condition on a table alias,
 * so lists, search, exports and single-record reads all filter in the database with the same rule; a record the
 * viewer may not see is simply not found. The rule reads the access tables the row-level policies read (kept
 * exact by triggers: ADR 0003), one index probe instead of walking a person's cases and each case's agencies.
 *
 * A case is visible to staff with personal-data access in the agency that owns it or an agency assigned to it,
 * unless they or their agency are on its "must not see" list. (MARAC content has its own rule: marac.access.ts.)
 * A person is visible to staff of the agency that recorded them, or through a case they may see, unless they or
 * their agency are on the person's own "must not see" list.
 */
/** person_access's "via case" for the agency that recorded the person (migration 2026-11-23T1900). */
const NO_CASE = '00000000-0000-0000-0000-000000000000';

export type Viewer = Pick<UserPrincipal, 'userId' | 'agencyId' | 'partnershipId' | 'permissions'>;

export function assertMaySeePersonalData(viewer: Viewer): void {
  if (!viewer.permissions.has('personal-data:read')) throw errors.forbidden();
}

/** No "must not see" entry on the record blocks the viewer or their agency. */
export function notRestricted(viewer: Viewer, subjectType: 'case' | 'person', idColumn: RawBuilder<unknown>): RawBuilder<SqlBool> {
  return sql<SqlBool>`not exists (
    select 1 from restrictions r
    where r.partnership_id = ${viewer.partnershipId} and r.subject_type = ${subjectType} and r.subject_id = ${idColumn}
      and r.removed_at is null
      and (r.blocked_user_id = ${viewer.userId} or r.blocked_agency_id = ${viewer.agencyId}))`;
}

/** The case behind alias `c` is visible to the viewer: its agency owns it or it is shared with them (case_access). */
export function caseVisible(viewer: Viewer, alias = 'c'): RawBuilder<SqlBool> {
  const id = sql.ref(`${alias}.id`);
  return sql<SqlBool>`(${sql.ref(`${alias}.partnership_id`)} = ${viewer.partnershipId}
    and (${sql.ref(`${alias}.owning_agency_id`)} = ${viewer.agencyId}
      or exists (select 1 from case_access ca where ca.partnership_id = ${viewer.partnershipId} and ca.agency_id = ${viewer.agencyId} and ca.case_id = ${id}))
    and ${notRestricted(viewer, 'case', id)})`;
}

/** The case with this id (a column of another table) is visible to the viewer: case_access holds the owner too. */
export function caseIdVisible(viewer: Viewer, caseId: RawBuilder<unknown>): RawBuilder<SqlBool> {
  return sql<SqlBool>`(exists (select 1 from case_access ca where ca.partnership_id = ${viewer.partnershipId} and ca.agency_id = ${viewer.agencyId}
      and ca.case_id = ${caseId})
    and ${notRestricted(viewer, 'case', caseId)})`;
}

/**
 * The person behind alias `p` is visible to the viewer: their agency recorded them, or they are in a case the
 * viewer may see (person_access, via that case, which must not be on the viewer's "must not see" list).
 */
export function personVisible(viewer: Viewer, alias = 'p'): RawBuilder<SqlBool> {
  const id = sql.ref(`${alias}.id`);
  return sql<SqlBool>`(${sql.ref(`${alias}.partnership_id`)} = ${viewer.partnershipId}
    and ${sql.ref(`${alias}.merged_into_id`)} is null
    and (${sql.ref(`${alias}.owning_agency_id`)} = ${viewer.agencyId}
      or exists (select 1 from person_access pa where pa.partnership_id = ${viewer.partnershipId} and pa.agency_id = ${viewer.agencyId}
                 and pa.person_id = ${id} and pa.via_case_id <> ${NO_CASE} and ${notRestricted(viewer, 'case', sql.ref('pa.via_case_id'))}))
    and ${notRestricted(viewer, 'person', id)})`;
}
