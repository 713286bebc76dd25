import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { listMeetingActions, type ActionRow } from './action.repository.js';
import { listItems, type ItemRow } from './agenda.repository.js';
import { listAttendance, type AttendanceRow } from './attendance.repository.js';
import { caseworker, seesAgenda } from './marac.policy.js';
import { seesMeetingContent, type DayAccess } from './meeting-day.policy.js';
import { dayAccess } from './meeting-day.service.js';
import { meetingAgencies, type MeetingRow } from './meeting.repository.js';
import { findMeeting } from './meeting.service.js';
import { listAmendmentsOf, listMinutes, type AmendmentRow, type MinuteRow } from './minutes.repository.js';

/**
 * A meeting's documents (issue 5): the agenda, the minutes and the action plan, as PDFs and print-friendly pages.
 * Each holds what the matching page shows, to the same people:
 *
 * - the agenda: whoever sees the agenda on the meeting page (marac.policy.ts: the coordinator, and staff of the
 *   agencies invited once it is published, while their agency's information-sharing agreement is in force);
 * - the minutes and the action plan: whoever sees the meeting's case content (meeting-day.policy.ts: the same people,
 *   once they have confirmed the meeting's confidentiality statement).
 *
 * Cases the viewer may not see (the "must not see" list) are left out, as on the pages. Any refusal is a 404, like a
 * missing meeting: a document gives nothing away about what it would have held. Every document handed out is
 * audited with its kind, its format and the cases in it.
 */

export const DOCUMENT_KINDS = ['agenda', 'minutes', 'action-plan'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export type DocumentFormat = 'pdf' | 'print';

const AUDIT_ACTIONS: Record<DocumentFormat, string> = { pdf: 'marac.document.download', print: 'marac.document.print' };
export const documentAuditAction = (format: DocumentFormat) => AUDIT_ACTIONS[format];

export const mayHaveDocument = (kind: DocumentKind, access: DayAccess) => (kind === 'agenda' ? seesAgenda(access) : seesMeetingContent(access));

/** What every document names: the meeting, who was invited and who came, and who it was prepared for and when. */
export type DocumentBase = {
  viewer: UserPrincipal;
  meeting: MeetingRow;
  items: ItemRow[];
  invited: { id: string; name: string }[];
  attendance: AttendanceRow[];
  preparedAt: Date;
};

export type AgendaDocument = DocumentBase;
export type MinutesDocument = DocumentBase & { minutes: Map<string, MinuteRow>; amendments: Map<string, AmendmentRow[]> };
export type ActionPlanDocument = DocumentBase & { actions: ActionRow[] };

async function gather(db: Db, actor: Actor, meetingId: string, kind: DocumentKind): Promise<DocumentBase> {
  const viewer = caseworker(actor);
  const meeting = await findMeeting(db, viewer.partnershipId, meetingId);
  if (!mayHaveDocument(kind, await dayAccess(db, viewer, meeting))) throw errors.notFound('Meeting');
  const [items, invited, attendance] = await Promise.all([
    listItems(db, viewer, meetingId),
    meetingAgencies(db, viewer.partnershipId, meetingId),
    listAttendance(db, viewer.partnershipId, meetingId),
  ]);
  return { viewer, meeting, items, invited, attendance, preparedAt: new Date() };
}

async function recordHandedOut(db: Db, actor: Actor, kind: DocumentKind, format: DocumentFormat, document: DocumentBase): Promise<void> {
  await actor.record(db, {
    action: documentAuditAction(format),
    outcome: 'success',
    subjectType: 'marac_meeting',
    subjectId: document.meeting.id,
    details: { kind, format, caseIds: document.items.map((i) => i.case_id) },
  });
}

export async function agendaDocument(db: Db, actor: Actor, meetingId: string, format: DocumentFormat): Promise<AgendaDocument> {
  const document = await gather(db, actor, meetingId, 'agenda');
  await recordHandedOut(db, actor, 'agenda', format, document);
  return document;
}

export async function minutesDocument(db: Db, actor: Actor, meetingId: string, format: DocumentFormat): Promise<MinutesDocument> {
  const base = await gather(db, actor, meetingId, 'minutes');
  const minutes = await listMinutes(
    db,
    base.viewer,
    base.items.map((i) => i.id),
  );
  const amendments = new Map<string, AmendmentRow[]>();
  const finalIds = minutes.filter((m) => m.status === 'final').map((m) => m.id);
  for (const row of await listAmendmentsOf(db, base.viewer, finalIds)) amendments.set(row.minute_id, [...(amendments.get(row.minute_id) ?? []), row]);
  await recordHandedOut(db, actor, 'minutes', format, base);
  return { ...base, minutes: new Map(minutes.map((m) => [m.agenda_item_id, m])), amendments };
}

export async function actionPlanDocument(db: Db, actor: Actor, meetingId: string, format: DocumentFormat): Promise<ActionPlanDocument> {
  const base = await gather(db, actor, meetingId, 'action-plan');
  const actions = await listMeetingActions(db, base.viewer, meetingId);
  await recordHandedOut(db, actor, 'action-plan', format, base);
  return { ...base, actions };
}
