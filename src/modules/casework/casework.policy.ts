import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';

/**
 * Who does what in IDVA casework (issue 6): an IDVA sees their own allocated cases and the team's queue; the team
 * manager (casework:allocate) allocates and sees every caseload in the team. Both only within their own service
 * (agency), and only cases they may see at all (the people module's case rule). A case of another IDVA answers 404.
 */
export function caseworker(actor: Actor): UserPrincipal {
  const p = actor.principal;
  if (p.kind !== 'user' || !p.permissions.has('casework:work')) throw errors.forbidden();
  return p;
}

export function manager(actor: Actor): UserPrincipal {
  const p = caseworker(actor);
  if (!p.permissions.has('casework:allocate')) throw errors.forbidden();
  return p;
}

export const isManager = (viewer: UserPrincipal) => viewer.permissions.has('casework:allocate');

/** An IDVA case the viewer may open: their own, or (for the manager) any in the team. */
export function mayOpen(viewer: UserPrincipal, idvaCase: { idva_id: string; agency_id: string }): boolean {
  return idvaCase.agency_id === viewer.agencyId && (idvaCase.idva_id === viewer.userId || isManager(viewer));
}
