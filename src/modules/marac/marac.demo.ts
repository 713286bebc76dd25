import type { Db } from '../../db/database.js';
import { HarbourError } from '../../platform/errors.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import type { Mailer } from '../../platform/mail.js';
import { userActor, type Actor } from '../../platform/request-context.js';
import { decideReferral } from '../referrals/screening.service.js';
import * as agendaRepo from './agenda.repository.js';
import { placeReferral, placeWaiting, planningPage } from './agenda.service.js';
import { HISTORY_DAYS, seedMaracHistoryDemo, type HistoryStaff } from './marac.history.demo.js';
import { seedMeetingDayDemo } from './marac.meeting-day.demo.js';
import { seedTransferInDemo, seedTransferOutDemo } from './marac.transfer.demo.js';
import * as meetings from './meeting.repository.js';
import { createSchedule } from './meeting.service.js';
import { publishAgenda } from './publish.service.js';
import { saveResearch } from './research.service.js';
import { meetingDates } from './schedule.recurrence.js';

/** The demo has no e-mail server: publishing records who should have been told, as a real partnership without SMTP would. */
const NO_MAIL: Mailer = {
  configured: false,
  async send() {
    throw new Error('E-mail is not configured');
  },
};

const DEMO_SCHEDULES = [
  {
    area: 'NORTHFIELD',
    recurrence: 'weekly' as const,
    weekday: 2,
    weekOfMonth: null,
    startsAt: '10:00',
    place: 'Northfield Police Station, Conference Room 1',
  },
  { area: 'RIVERSIDE', recurrence: 'fortnightly' as const, weekday: 4, weekOfMonth: null, startsAt: '13:30', place: 'Riverside Civic Centre, Room 4' },
  { area: 'EASTVALE', recurrence: 'monthly' as const, weekday: 3, weekOfMonth: 2, startsAt: '09:30', place: 'Eastvale Community Hub (or online)' },
];

/** Invited to the demo's published agenda: every agency with an agreement in force but the prosecutors. */
const INVITED = ['POLICE', 'PROBATION', 'CSC', 'ASC', 'HOUSING', 'HEALTH', 'MH', 'IDVA', 'REFUGE', 'COUNCIL'];

/** Research from several agencies on the published agenda: who records it, and what their agency holds. */
const RESEARCHERS = [
  { email: 'rep@demo.harbour.example', known: true, open: true, risks: true, notes: 'Joint tenancy; perpetrator has keys. Emergency lock change requested.' },
  {
    email: 'chair@demo.harbour.example',
    known: true,
    open: false,
    risks: true,
    notes: 'Three call-outs in six months; bail conditions not to contact, breached once.',
  },
  {
    email: 'idva@demo.harbour.example',
    known: true,
    open: true,
    risks: true,
    notes: 'Engaged with the IDVA service; safety plan agreed, wants to stay at home.',
  },
  { email: 'practitioner@demo.harbour.example', known: false, open: false, risks: false, notes: null },
];

/**
 * MARAC schedules for the three demo areas (weekly, fortnightly, monthly), their meetings for the coming months, two
 * Northfield meetings already held (one heard a case that has since been referred again as a repeat), a case
 * transferred in from a neighbouring MARAC, agendas built from the referrals demo's accepted MARAC referrals, the
 * next Northfield agenda published, and research on it from several agencies; then about eleven months of meetings
 * before those (marac.history.demo.ts) and a case transferred out. Runs after the referrals demo.
 */
export async function seedMaracDemo(db: Db, partnershipId: string): Promise<void> {
  const today = londonToday();
  const coordinator = await userActor(db, partnershipId, 'coordinator@demo.harbour.example', 'demo seed');
  const areas = new Map((await db.selectFrom('areas').select(['id', 'code']).where('partnership_id', '=', partnershipId).execute()).map((a) => [a.code, a.id]));
  const agencies = new Map(
    (await db.selectFrom('agencies').select(['id', 'code']).where('partnership_id', '=', partnershipId).execute()).map((a) => [a.code, a.id]),
  );

  const schedules = new Map<string, string>();
  for (const s of DEMO_SCHEDULES) {
    const made = await createSchedule(db, coordinator, {
      areaId: areas.get(s.area)!,
      recurrence: s.recurrence,
      weekday: s.weekday,
      weekOfMonth: s.weekOfMonth,
      startsOn: shiftDays(today, -HISTORY_DAYS - 7),
      startsAt: s.startsAt,
      place: s.place,
      caseLimit: 16,
    });
    schedules.set(s.area, made.id);
  }
  await heldMeetings(db, coordinator, partnershipId, areas.get('NORTHFIELD')!, schedules.get('NORTHFIELD')!, today);
  await seedTransferInDemo(db, partnershipId, coordinator);

  // Cases referred by agencies that have an area go to that area's next meeting; the rest the coordinator places.
  await placeWaiting(db, coordinator);
  const { proposals, choices } = await planningPage(db, coordinator);
  const nextByArea = DEMO_SCHEDULES.map((s) => choices.find((m) => m.area_id === areas.get(s.area) && m.meeting_date > today)).filter((m) => m !== undefined);
  for (const [i, { referral }] of proposals.entries()) {
    // In turn across the areas; a meeting that already hears the case (or is full) passes it to the next.
    for (let turn = 0; turn < nextByArea.length; turn += 1) {
      const meeting = nextByArea[(i + turn) % nextByArea.length]!;
      const placed = await placeReferral(db, coordinator, referral.id, meeting.id).then(
        () => true,
        (error: unknown) => {
          if (error instanceof HarbourError && error.status < 500) return false;
          throw error;
        },
      );
      if (placed) break;
    }
  }
  await seedMeetingDayDemo(db, partnershipId);
  await publishNextNorthfield(db, partnershipId, coordinator, agencies, nextByArea[0]?.id);
  // The months before: after the recent meetings, whose meeting-day demo hears the oldest accepted referrals' cases.
  await seedMaracHistoryDemo(db, partnershipId, [...schedules.values()], today, await demoStaff(db, partnershipId));
  await seedTransferOutDemo(db, partnershipId, coordinator);
}

/** The next Northfield agenda published to its agencies, with research from several of them. */
async function publishNextNorthfield(db: Db, partnershipId: string, coordinator: Actor, agencies: Map<string, string>, meetingId: string | undefined) {
  if (!meetingId) return;
  const current = (await meetings.findMeeting(db, partnershipId, meetingId))!;
  const items = await db.selectFrom('marac_agenda_items').select('id').where('meeting_id', '=', current.id).orderBy('position').execute();
  if (items.length === 0) return;
  await publishAgenda(
    { db, baseUrl: 'http://localhost:3000', mailer: NO_MAIL },
    coordinator,
    current.id,
    current.agenda_version,
    INVITED.map((code) => agencies.get(code)!),
  );
  for (const [r, who] of RESEARCHERS.entries()) {
    const actor = await userActor(db, partnershipId, who.email, 'demo seed');
    // Each agency researches most of the agenda; the later ones have not finished, so the coordinator's grid has gaps.
    for (const item of items.slice(0, Math.max(1, items.length - r))) {
      const input = { knownToAgency: who.known, openCase: who.open, risksIdentified: who.risks, notes: who.notes };
      // A researcher on the case's "must not see" list does not find it, here as on the page.
      await saveResearch(db, actor, current.id, item.id, input, 0).catch((error: unknown) => {
        if (!(error instanceof HarbourError && error.code === 'not_found')) throw error;
      });
    }
  }
}

/** The demo's MARAC staff for the history: the register's members, and who works for which agency. */
async function demoStaff(db: Db, partnershipId: string): Promise<HistoryStaff> {
  const users = new Map(
    (await db.selectFrom('users').select(['id', 'email', 'agency_id']).where('partnership_id', '=', partnershipId).execute()).map((u) => [
      u.email,
      { id: u.id, agencyId: u.agency_id },
    ]),
  );
  const user = (email: string) => users.get(`${email}@demo.harbour.example`)!;
  const byAgency = new Map<string, string>(
    (
      [
        ['COUNCIL', 'coordinator'],
        ['POLICE', 'chair'],
        ['IDVA', 'idva'],
        ['HOUSING', 'rep'],
        ['CSC', 'practitioner'],
      ] as const
    ).map(([code, email]) => [code, user(email).id]),
  );
  return {
    coordinator: user('coordinator'),
    byAgency,
    attendees: ['coordinator', 'chair', 'idva', 'rep'].map(user),
    apologies: user('practitioner'),
  };
}

/**
 * Two Northfield meetings already held, from the schedule's own past slots. The later one heard an accepted
 * referral whose case has since been referred again; the coordinator accepts that repeat, so it goes back to
 * Northfield (the MARAC that knows the case) marked as a repeat.
 */
async function heldMeetings(db: Db, coordinator: Actor, partnershipId: string, areaId: string, scheduleId: string, today: string): Promise<void> {
  const schedule = (await meetings.findSchedule(db, partnershipId, scheduleId))!;
  const dates = meetingDates(
    { recurrence: 'weekly', weekday: schedule.weekday, weekOfMonth: null, startsOn: schedule.starts_on },
    shiftDays(today, -14),
    shiftDays(today, -1),
  );
  await meetings.insertGeneratedMeetings(
    db,
    dates.map((date) => ({
      partnership_id: partnershipId,
      area_id: areaId,
      schedule_id: scheduleId,
      scheduled_for: date,
      meeting_date: date,
      starts_at: schedule.starts_at,
      place: schedule.place,
      case_limit: schedule.case_limit,
      status: 'held' as const,
      created_by: null,
      agenda_published_at: new Date(`${date}T09:00:00Z`),
      agenda_published_by: null,
      agenda_published_version: 1,
    })),
  );
  const held = await db
    .selectFrom('marac_meetings')
    .select(['id', 'meeting_date'])
    .where('partnership_id', '=', partnershipId)
    .where('schedule_id', '=', scheduleId)
    .where('status', '=', 'held')
    .orderBy('meeting_date', 'desc')
    .executeTakeFirst();
  const repeat = await db
    .selectFrom('referrals as again')
    .innerJoin('referrals as first', (join) =>
      join.onRef('first.partnership_id', '=', 'again.partnership_id').onRef('first.case_id', '=', 'again.case_id').on('first.status', '=', 'accepted'),
    )
    .select(['again.id', 'again.version', 'first.id as first_id', 'first.case_id', 'first.referred_on'])
    .where('again.partnership_id', '=', partnershipId)
    .where('again.status', '=', 'awaiting_screening')
    .where('again.is_repeat', '=', true)
    .orderBy('first.referred_on')
    .executeTakeFirst();
  if (!held || !repeat || repeat.referred_on >= held.meeting_date) return;
  await agendaRepo.insertItem(db, {
    partnership_id: partnershipId,
    meeting_id: held.id,
    case_id: repeat.case_id,
    referral_id: repeat.first_id,
    position: 1,
    kind: 'new',
    added_by: null,
  });
  await decideReferral(db, coordinator, repeat.id, repeat.version, { decision: 'accept' });
}
