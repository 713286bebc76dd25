import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { assertMaySeePersonalData } from '../people/people.policy.js';

/**
 * Who may do what with a MARAC meeting (DESIGN.md access model, DOMAIN.md §6). Which cases a viewer sees is still
 * the case rule (people.policy.ts, and row-level security): these rules decide whether the meeting's case content
 * is shown at all.
 *
 * - Only staff of an agency whose information-sharing agreement is in force see MARAC case content.
 * - The coordinator (marac:coordinate) sees every agenda and all research, published or not.
 * - Agencies take part by invitation: publishing the agenda invites them (marac_meeting_agencies) and gives them
 *   the agenda's cases, so their staff see the published agenda and the meeting's research, and record their own.
 */
export type MeetingAccess = {
  coordinator: boolean;
  agreementInForce: boolean;
  invited: boolean;
  published: boolean;
  open: boolean;
};

/** Casework staff: signed-in users with personal-data access. */
export function caseworker(actor: Actor): UserPrincipal {
  if (actor.principal.kind !== 'user') throw errors.forbidden();
  assertMaySeePersonalData(actor.principal);
  return actor.principal;
}

/** The MARAC coordinator, who runs schedules, meetings and agendas. */
export function coordinator(actor: Actor): UserPrincipal {
  const viewer = caseworker(actor);
  if (!viewer.permissions.has('marac:coordinate')) throw errors.forbidden();
  return viewer;
}

export const isCoordinator = (viewer: UserPrincipal) => viewer.permissions.has('marac:coordinate');

/**
 * The SafeLives return (reports:safelives: the coordinator and analysts): counts only, but per meeting, so a small
 * count can point at a case heard there; no personal-data access is needed to read them.
 */
export function returnReader(actor: Actor): UserPrincipal {
  if (actor.principal.kind !== 'user' || !actor.principal.permissions.has('reports:safelives')) throw errors.forbidden();
  return actor.principal;
}

/**
 * The agenda's cases (reference, initials, date of birth, area) and the research on them: the meeting's attendees
 * only — the agencies invited to it, once the agenda is out, and the coordinator.
 */
export const seesAgenda = (a: MeetingAccess) => a.agreementInForce && (a.coordinator || (a.published && a.invited));

/** An invited agency records what it holds until the meeting is held. */
export const mayResearch = (a: MeetingAccess) => seesAgenda(a) && a.invited && a.open;

export const mayChangeAgenda = (a: MeetingAccess) => a.agreementInForce && a.coordinator && a.open;
