import type { DbOrTx } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { findItem } from './agenda.repository.js';
import { findAttendance } from './attendance.repository.js';
import { caseworker } from './marac.policy.js';
import { dayErrors } from './meeting-day.errors.js';
import { assertSeesAgenda, mayMinute, mayRunMeetings, type DayAccess } from './meeting-day.policy.js';
import type { MeetingRow } from './meeting.repository.js';
import { findMeeting, meetingAccess } from './meeting.service.js';

/**
 * What the attendance, minutes and action services share: the meeting, what the viewer may do with it
 * (meeting-day.policy.ts), and the gates in front of its case content.
 */

export type OpenMeeting = { viewer: UserPrincipal; meeting: MeetingRow; access: DayAccess };

export async function dayAccess(db: DbOrTx, viewer: UserPrincipal, meeting: MeetingRow): Promise<DayAccess> {
  const [base, own] = await Promise.all([meetingAccess(db, viewer, meeting), findAttendance(db, viewer.partnershipId, meeting.id, viewer.userId)]);
  const cancelled = meeting.status === 'cancelled';
  return {
    ...base,
    confirmed: Boolean(own?.confidentiality_confirmed_at),
    runner: mayRunMeetings(viewer),
    started: !cancelled && meeting.meeting_date <= londonToday(),
    cancelled,
  };
}

/** The meeting, for someone who may see its agenda (else 403 without an agreement, 404 for anyone else). */
export async function openMeeting(db: DbOrTx, actor: Actor, meetingId: string): Promise<OpenMeeting> {
  const viewer = caseworker(actor);
  const meeting = await findMeeting(db, viewer.partnershipId, meetingId);
  const access = await dayAccess(db, viewer, meeting);
  assertSeesAgenda(access);
  return { viewer, meeting, access };
}

/** The meeting's case content: as openMeeting, and only once the viewer has confirmed its confidentiality statement. */
export async function openContent(db: DbOrTx, actor: Actor, meetingId: string): Promise<OpenMeeting> {
  const open = await openMeeting(db, actor, meetingId);
  if (!open.access.confirmed) throw dayErrors.confirmFirst();
  return open;
}

/** One agenda case of the meeting, if the viewer may see its case (else 404). */
export async function openItem(db: DbOrTx, actor: Actor, meetingId: string, itemId: string) {
  const open = await openContent(db, actor, meetingId);
  const item = await findItem(db, open.viewer, meetingId, itemId);
  if (!item) throw errors.notFound('Agenda item');
  return { ...open, item };
}

/** Refuses a change to the meeting's record unless the viewer runs it and its day has come. */
export function assertMayMinute(open: OpenMeeting): void {
  if (open.access.cancelled) throw dayErrors.cancelled();
  if (!open.access.started) throw dayErrors.notStarted(open.meeting.meeting_date);
  if (!mayMinute(open.access)) throw errors.forbidden();
}
