import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { notRestricted, type Viewer } from '../people/people.policy.js';

/**
 * Who may do what with a service (docs/services.md, DESIGN.md access model):
 * - its figures: anyone with aggregate access (analysts see only these);
 * - a person's record in it: staff of the provider agency, and staff who may see the person or the case it came
 *   from; never anyone a "must not see" entry on the person or case names. The same rule is the row-level policy
 *   (migration 2026-11-23T2500_services);
 * - recording progress, outcomes and aggregate entries: staff of the provider agency;
 * - which services the partnership runs: those who manage its settings.
 */

export function reportReader(actor: Actor): UserPrincipal {
  const p = actor.principal;
  if (p.kind !== 'user' || !p.permissions.has('aggregates:read')) throw errors.forbidden();
  return p;
}

export function staffViewer(actor: Actor): UserPrincipal {
  const p = actor.principal;
  if (p.kind !== 'user' || !p.permissions.has('personal-data:read')) throw errors.forbidden();
  return p;
}

export function maySeePeople(principal: UserPrincipal): boolean {
  return principal.permissions.has('personal-data:read');
}

export function mayConfigureServices(actor: Actor): UserPrincipal | null {
  const p = actor.principal;
  if (p.kind === 'system') return null;
  if (p.kind !== 'user' || !p.permissions.has('settings:manage')) throw errors.forbidden();
  return p;
}

/** Works the service's records and enters its activity: staff of its provider agency. */
export function isProvider(viewer: UserPrincipal, service: { providerAgencyId: string }): boolean {
  return viewer.permissions.has('personal-data:read') && viewer.agencyId === service.providerAgencyId;
}

/** The service record behind alias `sr` (not `r`: the restriction check's own alias) is visible to the viewer (the rule above, as an SQL condition). */
export function recordVisible(viewer: Viewer, alias = 'sr'): RawBuilder<SqlBool> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<SqlBool>`(${col('partnership_id')} = ${viewer.partnershipId}
    and ${notRestricted(viewer, 'person', col('person_id'))}
    and (${col('case_id')} is null or ${notRestricted(viewer, 'case', col('case_id'))})
    and (${col('provider_agency_id')} = ${viewer.agencyId}
      or exists (select 1 from person_access pa where pa.partnership_id = ${viewer.partnershipId} and pa.agency_id = ${viewer.agencyId}
        and pa.person_id = ${col('person_id')}
        and (pa.via_case_id = '00000000-0000-0000-0000-000000000000' or ${notRestricted(viewer, 'case', sql.ref('pa.via_case_id'))}))
      or exists (select 1 from case_access ca where ca.partnership_id = ${viewer.partnershipId} and ca.agency_id = ${viewer.agencyId}
        and ca.case_id = ${col('case_id')})))`;
}
