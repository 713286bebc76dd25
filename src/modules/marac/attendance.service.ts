import type { Db, DbOrTx } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { listAgreementAgencies } from '../people/case.repository.js';
import { listItems } from './agenda.repository.js';
import * as repo from './attendance.repository.js';
import { itemActionCounts } from './action.repository.js';
import { dayErrors } from './meeting-day.errors.js';
import { mayKeepRegister, seesMeetingContent } from './meeting-day.policy.js';
import type { AttendanceStatus } from './meeting-day.schemas.js';
import { openMeeting, type OpenMeeting } from './meeting-day.service.js';
import { meetingAgencies } from './meeting.repository.js';
import { minuteStatuses } from './minutes.repository.js';

/**
 * The attendance register and the confidentiality statement (issue 5, step 4). Every attendee — the coordinator and
 * the chair too — confirms the statement before any case content of the meeting is shown to them; confirming puts
 * them on the register as present, with the time. The coordinator and the chair keep the register: who came, who
 * sent apologies.
 */

/**
 * The meeting page: until the viewer has confirmed the statement, nothing but the meeting and the statement; then
 * the register and the agenda's cases with how far their minutes and actions have got.
 */
export async function meetingDayPage(db: Db, actor: Actor, meetingId: string) {
  const open = await openMeeting(db, actor, meetingId);
  const { viewer, access } = open;
  if (!seesMeetingContent(access)) return { ...open, attendance: [], items: [], minutes: new Map(), actions: new Map() };
  const [attendance, items] = await Promise.all([repo.listAttendance(db, viewer.partnershipId, meetingId), listItems(db, viewer, meetingId)]);
  const itemIds = items.map((i) => i.id);
  const [minutes, actions] = await Promise.all([minuteStatuses(db, viewer, itemIds), itemActionCounts(db, viewer, itemIds)]);
  return { ...open, attendance, items, minutes, actions };
}

/** Confirms the meeting's confidentiality statement for the viewer (once; confirming again changes nothing). */
export async function confirmConfidentiality(db: Db, actor: Actor, meetingId: string): Promise<void> {
  await actingTransaction(db, actor, async (trx) => {
    const { viewer, access } = await openMeeting(trx, actor, meetingId);
    if (access.cancelled) throw dayErrors.cancelled();
    const first = !access.confirmed;
    if (first)
      await repo.confirmAttendance(trx, { partnershipId: viewer.partnershipId, meetingId, userId: viewer.userId, agencyId: viewer.agencyId, at: new Date() });
    await actor.record(trx, {
      action: 'marac.confidentiality.confirm',
      outcome: 'success',
      subjectType: 'marac_meeting',
      subjectId: meetingId,
      details: { first },
    });
  });
}

/** Who may be on the register: casework staff of the invited agencies and of the viewer's own, whose agreement is in force. */
async function eligibleStaff(db: DbOrTx, open: OpenMeeting) {
  const { viewer, meeting } = open;
  const [invited, inForce] = await Promise.all([
    meetingAgencies(db, viewer.partnershipId, meeting.id),
    listAgreementAgencies(db, viewer.partnershipId, londonToday()),
  ]);
  const allowed = new Set(inForce.map((a) => a.id));
  const agencies = [...new Set([viewer.agencyId, ...invited.map((a) => a.id)])].filter((id) => allowed.has(id));
  return repo.activeStaff(db, viewer.partnershipId, agencies);
}

function assertMayKeepRegister(open: OpenMeeting): void {
  if (open.access.cancelled) throw dayErrors.cancelled();
  if (!open.access.started) throw dayErrors.notStarted(open.meeting.meeting_date);
  if (!mayKeepRegister(open.access)) throw errors.forbidden();
}

/** The register page: everyone recorded, and whom the coordinator or chair may add. */
export async function registerPage(db: Db, actor: Actor, meetingId: string) {
  const open = await openMeeting(db, actor, meetingId);
  if (!open.access.runner) throw errors.forbidden();
  const [attendance, staff] = await Promise.all([repo.listAttendance(db, open.viewer.partnershipId, meetingId), eligibleStaff(db, open)]);
  const listed = new Set(attendance.map((a) => a.user_id));
  return { ...open, attendance, addable: staff.filter((s) => !listed.has(s.id)), mayKeep: mayKeepRegister(open.access) };
}

/**
 * Adds someone to the register (version 0) or changes their entry at the version the editor saw. Apologies clear
 * a confirmation: someone marked as absent who then comes confirms the statement again.
 */
export async function recordAttendance(db: Db, actor: Actor, meetingId: string, input: { userId: string; status: AttendanceStatus }, version: number) {
  await actingTransaction(db, actor, async (trx) => {
    const open = await openMeeting(trx, actor, meetingId);
    assertMayKeepRegister(open);
    const { viewer } = open;
    const existing = await repo.findAttendance(trx, viewer.partnershipId, meetingId, input.userId);
    if (version === 0) {
      if (existing) throw errors.duplicate('userId', `${existing.display_name} is already on the register: change their entry in the list`);
      const person = (await eligibleStaff(trx, open)).find((s) => s.id === input.userId);
      if (!person) throw dayErrors.notAttendee();
      await repo.insertAttendance(trx, {
        partnershipId: viewer.partnershipId,
        meetingId,
        userId: person.id,
        agencyId: person.agency_id,
        status: input.status,
        recordedBy: viewer.userId,
      });
    } else {
      if (!existing) throw errors.notFound('Attendee');
      if (!(await repo.updateAttendanceStatus(trx, viewer.partnershipId, existing.id, version, input.status, viewer.userId))) throw errors.conflict();
    }
    await actor.record(trx, {
      action: 'marac.attendance.record',
      outcome: 'success',
      subjectType: 'marac_meeting',
      subjectId: meetingId,
      details: { userId: input.userId, status: input.status, added: version === 0 },
    });
  });
}
