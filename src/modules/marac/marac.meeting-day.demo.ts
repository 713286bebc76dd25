import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { HarbourError } from '../../platform/errors.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { userActor, type Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { insertItem, nextPosition } from './agenda.repository.js';
import { addAction, completeAction } from './action.service.js';
import { confirmConfidentiality, recordAttendance } from './attendance.service.js';
import { amendMinute, saveMinute } from './minutes.service.js';
import { inviteAgencies } from './publish.repository.js';

/** The demo's MARAC roles, by the demo users' e-mails. */
const COORDINATOR = 'coordinator@demo.harbour.example';
const CHAIR = 'chair@demo.harbour.example';
const ATTENDEES = [COORDINATOR, CHAIR, 'idva@demo.harbour.example', 'rep@demo.harbour.example'];
const APOLOGIES = 'practitioner@demo.harbour.example';
/** Who marks each agency's actions done. */
const DOERS: Record<string, string> = { HOUSING: 'rep@demo.harbour.example', POLICE: CHAIR, IDVA: 'idva@demo.harbour.example' };
const INVITED = ['POLICE', 'CSC', 'HOUSING', 'HEALTH', 'IDVA', 'COUNCIL'];

type DemoAction = { agency: string; description: string; due: (meeting: string, today: string) => string; doneOn?: (meeting: string) => string };

/**
 * Per case heard: minutes and actions. Across the two meetings the actions are in every state the pages show — open,
 * overdue, due tomorrow (tonight's reminder), done on time, done late — whatever day the demo is loaded on (the
 * older meeting is 7 to 13 days back, the later 1 to 6).
 */
const OLDER: DemoAction[][] = [
  [
    {
      agency: 'HOUSING',
      description: 'Change the locks at the victim’s home and fit a door camera',
      due: (m) => shiftDays(m, 5),
      doneOn: (m) => shiftDays(m, 1),
    },
    { agency: 'POLICE', description: 'Put a priority response marker on the victim’s address', due: (m) => shiftDays(m, 2), doneOn: (m) => shiftDays(m, 4) },
  ],
  [{ agency: 'IDVA', description: 'Offer a refuge space out of area and support with the move', due: (m) => shiftDays(m, 3) }],
  [{ agency: 'HEALTH', description: 'Share A&E attendances of the last twelve months with the IDVA', due: (_m, today) => shiftDays(today, 10) }],
];
const LATER: DemoAction[][] = [
  [{ agency: 'POLICE', description: 'Review the perpetrator’s bail conditions with the CPS', due: (_m, today) => shiftDays(today, 1) }],
  [{ agency: 'CSC', description: 'Visit the children at school and update the child protection plan', due: (_m, today) => shiftDays(today, 14) }],
];

const MINUTES = {
  idvaView: 'She wants to stay in her home with the children and is frightened of what he will do when his bail ends.',
  summary: 'Police shared three call-outs in six months and one breach of bail. Housing confirmed a joint tenancy. Agencies agreed the actions below.',
  risks: 'Threats to kill; strangulation in the last incident; separation within the last year; children in the household.',
};

/** A step the demo skips when the rules refuse it (a case someone may not see), as the pages would. */
const unlessRefused = <T>(work: Promise<T>) =>
  work.catch((error: unknown) => {
    if (error instanceof HarbourError && error.status < 500) return undefined;
    throw error;
  });

/**
 * The MARAC meeting day in the demo (issue 5, steps 4 and 5), on the two meetings the MARAC demo has already held:
 * cases heard, agencies invited, an attendance register (four present, one apology, each confirming the
 * confidentiality statement), minutes (the older meeting's final, one of them amended; the later one's one final,
 * one draft) and actions in every state. Made through the services, so every rule applies; only the times are moved
 * back to when things happened.
 */
export async function seedMeetingDayDemo(db: Db, partnershipId: string): Promise<void> {
  const today = londonToday();
  const actors = new Map<string, Actor>();
  for (const email of [...ATTENDEES, APOLOGIES]) actors.set(email, await userActor(db, partnershipId, email, 'demo seed'));
  const coordinator = actors.get(COORDINATOR)!;
  const viewer = coordinator.principal as UserPrincipal;
  const agencies = new Map(
    (await db.selectFrom('agencies').select(['id', 'code']).where('partnership_id', '=', partnershipId).execute()).map((a) => [a.code, a.id]),
  );

  const held = await db
    .selectFrom('marac_meetings')
    .select(['id', 'meeting_date'])
    .where('partnership_id', '=', partnershipId)
    .where('status', '=', 'held')
    .where('meeting_date', '<', today)
    .orderBy('meeting_date', 'desc')
    .limit(2)
    .execute();
  if (held.length < 2) return;
  const [later, older] = held as [(typeof held)[number], (typeof held)[number]];
  const { rows: heard } = await sql<{ case_id: string }>`
    select r.case_id from referrals r where r.partnership_id = ${partnershipId} and r.destination = 'marac' and r.status = 'accepted'
    group by r.case_id order by min(r.referred_on), r.case_id`.execute(db);
  const caseIds = heard.map((r) => r.case_id);

  for (const [meeting, plan, cases] of [
    [older, OLDER, caseIds.slice(0, OLDER.length)],
    [later, LATER, caseIds.slice(OLDER.length, OLDER.length + LATER.length)],
  ] as const) {
    const items = await hear(
      db,
      coordinator,
      viewer,
      meeting.id,
      cases,
      INVITED.map((code) => agencies.get(code)!),
    );
    for (const email of ATTENDEES) await unlessRefused(confirmConfidentiality(db, actors.get(email)!, meeting.id));
    const apologies = (await db.selectFrom('users').select('id').where('email', '=', APOLOGIES).executeTakeFirstOrThrow()).id;
    await unlessRefused(recordAttendance(db, coordinator, meeting.id, { userId: apologies, status: 'apologies' }, 0));
    await sql`update marac_attendance set confidentiality_confirmed_at = ${new Date(`${meeting.meeting_date}T09:55:00Z`)}
      where meeting_id = ${meeting.id} and confidentiality_confirmed_at is not null`.execute(db);

    for (const [i, item] of items.entries()) {
      const chair = actors.get(CHAIR)!;
      await unlessRefused(saveMinute(db, chair, meeting.id, item.id, MINUTES, false, 0));
      for (const action of plan[i] ?? []) {
        const input = {
          agencyId: agencies.get(action.agency)!,
          assignedUserId: null,
          description: action.description,
          dueOn: action.due(meeting.meeting_date, today),
        };
        const id = await unlessRefused(addAction(db, coordinator, meeting.id, item.id, input));
        if (!id || !action.doneOn) continue;
        await unlessRefused(completeAction(db, actors.get(DOERS[action.agency]!)!, id, 'Done as agreed at the MARAC; the victim was told.', 1));
        await sql`update marac_actions set completed_at = ${new Date(`${action.doneOn(meeting.meeting_date)}T15:00:00Z`)} where id = ${id}`.execute(db);
      }
      // The later meeting's last case is still being written up.
      const final = meeting === older || i < items.length - 1;
      if (final) await unlessRefused(saveMinute(db, chair, meeting.id, item.id, MINUTES, true, 1));
    }
    if (meeting === older && items[0]) {
      await unlessRefused(
        amendMinute(db, coordinator, meeting.id, items[0].id, 'Correction: the breach of bail was in March, not April. Police confirmed after the meeting.'),
      );
    }
  }
}

/** Puts the cases on a held meeting's agenda (after any already there), invites the agencies (who then see the meeting's content: marac.access.ts). */
async function hear(db: Db, coordinator: Actor, viewer: UserPrincipal, meetingId: string, caseIds: readonly string[], agencyIds: string[]) {
  await actingTransaction(db, coordinator, async (trx) => {
    const on = new Set((await trx.selectFrom('marac_agenda_items').select('case_id').where('meeting_id', '=', meetingId).execute()).map((i) => i.case_id));
    for (const caseId of caseIds.filter((id) => !on.has(id))) {
      const position = await nextPosition(trx, viewer.partnershipId, meetingId);
      await insertItem(trx, {
        partnership_id: viewer.partnershipId,
        meeting_id: meetingId,
        case_id: caseId,
        referral_id: null,
        position,
        kind: 'new',
        added_by: null,
      });
    }
    await inviteAgencies(trx, viewer.partnershipId, meetingId, agencyIds, viewer.userId);
  });
  return db.selectFrom('marac_agenda_items').select(['id', 'case_id']).where('meeting_id', '=', meetingId).orderBy('position').execute();
}
