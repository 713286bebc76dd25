import type { Db } from '../../db/database.js';
import { formatDate, londonToday } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import type { Mailer } from '../../platform/mail.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { listAgreementAgencies } from '../people/case.repository.js';
import { refreshSnapshots } from './agenda.repository.js';
import { changeableAgenda } from './agenda.service.js';
import { maracErrors } from './marac.errors.js';
import { coordinator } from './marac.policy.js';
import { meetingAgencies, type MeetingRow } from './meeting.repository.js';
import { countItems, findMeeting } from './meeting.service.js';
import * as repo from './publish.repository.js';

/**
 * Publishing an agenda (issue 5, step 2): the coordinator invites agencies with an agreement in force; their staff then
 * see the meeting's content (marac.access.ts), not the cases themselves, and its meeting staff are e-mailed a link. E-mails carry the meeting's
 * area, date, time and a link — never a case reference, a name or a date of birth (DOMAIN.md §6) — and every one is
 * kept in marac_notifications with exactly what it said and whether it went.
 */

export type PublishDeps = { db: Db; baseUrl: string; mailer: Mailer };

/** The publish page: every active agency, whether it may be invited (agreement in force) and whether it already is. */
export async function publishForm(db: Db, actor: Actor, meetingId: string) {
  const viewer = coordinator(actor);
  const meeting = await findMeeting(db, viewer.partnershipId, meetingId);
  const [agencies, inForce, invited, notifications, counts] = await Promise.all([
    repo.listActiveAgencies(db, viewer.partnershipId),
    listAgreementAgencies(db, viewer.partnershipId, londonToday()),
    meetingAgencies(db, viewer.partnershipId, meetingId),
    repo.listNotifications(db, viewer.partnershipId, meetingId),
    countItems(db, viewer.partnershipId, [meetingId]),
  ]);
  const may = new Set(inForce.map((a) => a.id));
  const already = new Set(invited.map((a) => a.id));
  return {
    meeting,
    count: counts.get(meetingId) ?? 0,
    agencies: agencies.map((a) => ({ ...a, inForce: may.has(a.id), invited: already.has(a.id) })),
    notifications,
  };
}

/** The e-mail: where and when, and a link. Nothing about any case. */
export function agendaEmail(baseUrl: string, meeting: Pick<MeetingRow, 'id' | 'area_name' | 'meeting_date' | 'starts_at'>) {
  const params = {
    area: meeting.area_name,
    date: formatDate(meeting.meeting_date),
    time: meeting.starts_at.slice(0, 5),
    link: `${baseUrl}/marac/meetings/${meeting.id}`,
  };
  return { subject: translate('en', 'marac.email.agendaSubject', params), body: translate('en', 'marac.email.agendaBody', params) };
}

export type Published = { invited: number; recipients: number; sent: number; failed: number; mailConfigured: boolean };

/** Publishes (or publishes again) the agenda as it is now, then sends the e-mails it recorded. */
export async function publishAgenda(deps: PublishDeps, actor: Actor, meetingId: string, agendaVersion: number, agencyIds: string[]): Promise<Published> {
  const viewer = coordinator(actor);
  const { db, mailer } = deps;
  const queued = await actingTransaction(db, actor, async (trx) => {
    const meeting = await changeableAgenda(trx, viewer, meetingId, agendaVersion);
    if (((await countItems(trx, viewer.partnershipId, [meetingId])).get(meetingId) ?? 0) === 0) throw maracErrors.agendaEmpty();
    if (agencyIds.length === 0) throw maracErrors.noAgencies();
    const inForce = new Set((await listAgreementAgencies(trx, viewer.partnershipId, londonToday())).map((a) => a.id));
    if (!agencyIds.every((id) => inForce.has(id))) throw maracErrors.agencyNotInvitable();
    await repo.inviteAgencies(trx, viewer.partnershipId, meetingId, agencyIds, viewer.userId);
    const invited = (await meetingAgencies(trx, viewer.partnershipId, meetingId)).map((a) => a.id);
    // The agencies now see the agenda as it is: what it shows of each case is taken again (marac.access.ts).
    await refreshSnapshots(trx, viewer.partnershipId, meetingId);
    await repo.markPublished(trx, viewer.partnershipId, meetingId, agendaVersion, viewer.userId);
    const email = agendaEmail(deps.baseUrl, meeting);
    const staff = await repo.meetingStaff(trx, viewer.partnershipId, invited);
    const rows = await repo.insertNotifications(
      trx,
      staff.map((user) => ({
        partnership_id: viewer.partnershipId,
        meeting_id: meetingId,
        action_id: null,
        kind: 'agenda_published' as const,
        agency_id: user.agency_id,
        user_id: user.id,
        email: user.email,
        subject: email.subject,
        body: email.body,
        agenda_version: agendaVersion + 1,
        status: mailer.configured ? ('queued' as const) : ('not_configured' as const),
        error: null,
        sent_by: viewer.userId,
        sent_at: null,
      })),
    );
    await actor.record(trx, {
      action: 'marac.agenda.publish',
      outcome: 'success',
      subjectType: 'marac_meeting',
      subjectId: meetingId,
      details: { agencyIds, invited: invited.length, recipients: rows.length, agendaVersion: agendaVersion + 1 },
    });
    return { rows, invited: invited.length };
  });
  let sent = 0;
  let failed = 0;
  for (const row of queued.rows.filter((r) => r.status === 'queued')) {
    try {
      await mailer.send({ to: row.email, subject: row.subject, text: row.body });
      await repo.setNotificationStatus(db, viewer.partnershipId, row.id, 'sent', null);
      sent += 1;
    } catch (error) {
      await repo.setNotificationStatus(db, viewer.partnershipId, row.id, 'failed', String((error as Error).message ?? error).slice(0, 500));
      failed += 1;
    }
  }
  return { invited: queued.invited, recipients: queued.rows.length, sent, failed, mailConfigured: mailer.configured };
}
