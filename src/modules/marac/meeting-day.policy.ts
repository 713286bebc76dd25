import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { maracErrors } from './marac.errors.js';
import { seesAgenda, type MeetingAccess } from './marac.policy.js';

/**
 * The meeting itself (issue 5, step 4), on top of marac.policy.ts's rules for the agenda:
 *
 * - Its case content (research as discussed, minutes, actions) is for those who see the agenda — the coordinator,
 *   and staff of the agencies invited, whose information-sharing agreement is in force — and only once they have
 *   confirmed the meeting's confidentiality statement (recorded on their attendance, with the time).
 * - The coordinator and the chair (marac:minute) keep the attendance register, draft and finalise minutes, amend final
 *   ones and record actions, from the meeting's day on, for a meeting that was not cancelled.
 */
export type DayAccess = MeetingAccess & {
  /** The viewer has confirmed this meeting's confidentiality statement. */
  confirmed: boolean;
  /** Holds marac:minute: the coordinator or the chair. */
  runner: boolean;
  /** The meeting's day has come, and it was not cancelled. */
  started: boolean;
  cancelled: boolean;
};

export const mayRunMeetings = (viewer: UserPrincipal) => viewer.permissions.has('marac:minute');

/** May confirm the statement (and so take part): anyone who sees the agenda of a meeting that was not cancelled. */
export const mayConfirm = (a: DayAccess) => seesAgenda(a) && !a.cancelled;

export const seesMeetingContent = (a: DayAccess) => seesAgenda(a) && a.confirmed;

export const mayKeepRegister = (a: DayAccess) => seesAgenda(a) && a.runner && a.started;

export const mayMinute = (a: DayAccess) => seesMeetingContent(a) && a.runner && a.started;

/**
 * Refuses a viewer the meeting's content: an agency without an agreement is told why (403); anyone else who may not
 * see the agenda finds nothing (404, like a missing meeting).
 */
export function assertSeesAgenda(a: DayAccess): void {
  if (!a.agreementInForce) throw maracErrors.agreementNotInForce();
  if (!seesAgenda(a)) throw errors.notFound('Meeting');
}
