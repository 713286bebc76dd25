import type { Viewer } from './people.policy.js';

/**
 * Which record a viewer may see is decided in SQL (people.policy.ts). What they may do to a case they can see:
 * anyone sharing it may record people and keep its flags and status current, but only the agency that owns the
 * case (or recorded the person) decides who else shares it and who must not see it, so a partner agency cannot
 * widen access or lock the owner out.
 */
export function mayManageSharing(viewer: Viewer, record: { owningAgencyId: string }): boolean {
  return viewer.agencyId === record.owningAgencyId;
}
