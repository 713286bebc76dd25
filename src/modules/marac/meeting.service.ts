import type { Db, DbOrTx, Tx } from '../../db/database.js';
import { SYSTEM_VIEWER, withinTransactionAs, withViewer } from '../../db/viewer.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { listAgreementAgencies } from '../people/case.repository.js';
import { maracErrors } from './marac.errors.js';
import { caseworker, coordinator, isCoordinator, type MeetingAccess } from './marac.policy.js';
import type { Recurrence } from './marac.table.js';
import { updateAtVersion } from './marac.repository.js';
import * as repo from './meeting.repository.js';
import { addMonths, GENERATE_MONTHS, meetingDates } from './schedule.recurrence.js';

/**
 * MARAC schedules and meetings (issue 5, step 1): the coordinator sets up a MARAC per area with a recurrence and a
 * case limit; meetings for the next GENERATE_MONTHS months are generated from it, idempotently (one meeting per
 * slot, wherever it has since been moved); the coordinator adds a meeting or moves one.
 */

export type ScheduleInput = {
  areaId: string;
  recurrence: Recurrence;
  weekday: number | null;
  weekOfMonth: number | null;
  startsOn: string;
  startsAt: string;
  place: string;
  caseLimit: number;
};

export type MeetingInput = { meetingDate: string; startsAt: string; place: string; caseLimit: number };

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

const scheduleColumns = (input: ScheduleInput) => ({
  area_id: input.areaId,
  recurrence: input.recurrence,
  weekday: input.weekday,
  week_of_month: input.weekOfMonth,
  starts_on: input.startsOn,
  starts_at: input.startsAt,
  place: input.place,
  case_limit: input.caseLimit,
});

/** The meetings one schedule's slots call for from today to GENERATE_MONTHS ahead; those already made stay as they are. */
async function generateFor(trx: Tx, viewer: UserPrincipal, schedule: repo.ScheduleRow, today: string): Promise<number> {
  const rhythm = { recurrence: schedule.recurrence, weekday: schedule.weekday, weekOfMonth: schedule.week_of_month, startsOn: schedule.starts_on };
  const rows = meetingDates(rhythm, today, addMonths(today, GENERATE_MONTHS)).map((date) => ({
    partnership_id: viewer.partnershipId,
    area_id: schedule.area_id,
    schedule_id: schedule.id,
    scheduled_for: date,
    meeting_date: date,
    starts_at: schedule.starts_at,
    place: schedule.place,
    case_limit: schedule.case_limit,
    created_by: viewer.userId,
    agenda_published_at: null,
    agenda_published_by: null,
    agenda_published_version: null,
  }));
  return repo.insertGeneratedMeetings(trx, rows);
}

async function areaName(db: DbOrTx, partnershipId: string, areaId: string): Promise<string> {
  const area = await repo.findArea(db, partnershipId, areaId);
  if (!area) throw errors.validation([{ field: 'areaId', message: 'Select the area' }]);
  return area.name;
}

export async function createSchedule(db: Db, actor: Actor, input: ScheduleInput): Promise<{ id: string; generated: number }> {
  const viewer = coordinator(actor);
  const area = await areaName(db, viewer.partnershipId, input.areaId);
  try {
    return await actingTransaction(db, actor, async (trx) => {
      const id = await repo.insertSchedule(trx, { partnership_id: viewer.partnershipId, ...scheduleColumns(input), created_by: viewer.userId });
      const generated = await generateFor(trx, viewer, (await repo.findSchedule(trx, viewer.partnershipId, id))!, londonToday());
      await actor.record(trx, {
        action: 'marac.schedule.create',
        outcome: 'success',
        subjectType: 'marac_schedule',
        subjectId: id,
        details: { ...input, generated },
      });
      return { id, generated };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw maracErrors.scheduleExists(area);
    throw error;
  }
}

/**
 * Changes a schedule (only the version the editor saw). Meetings already generated keep their dates and places:
 * the coordinator moves any that should change. A stopped schedule generates nothing more.
 */
export async function updateSchedule(db: Db, actor: Actor, id: string, version: number, input: ScheduleInput & { active: boolean }): Promise<number> {
  const viewer = coordinator(actor);
  const area = await areaName(db, viewer.partnershipId, input.areaId);
  try {
    return await actingTransaction(db, actor, async (trx) => {
      const before = await repo.findSchedule(trx, viewer.partnershipId, id);
      if (!before) throw errors.notFound('Schedule');
      if (!(await updateAtVersion(trx, 'marac_schedules', viewer.partnershipId, id, version, { ...scheduleColumns(input), active: input.active })))
        throw errors.conflict();
      const generated = input.active ? await generateFor(trx, viewer, (await repo.findSchedule(trx, viewer.partnershipId, id))!, londonToday()) : 0;
      await actor.record(trx, {
        action: 'marac.schedule.update',
        outcome: 'success',
        subjectType: 'marac_schedule',
        subjectId: id,
        details: { before: { ...before, area_name: undefined }, after: input, generated },
      });
      return generated;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw maracErrors.scheduleExists(area);
    throw error;
  }
}

/** Generates the coming meetings of every active schedule; running it again makes nothing new. */
export async function generateMeetings(db: Db, actor: Actor, today = londonToday()): Promise<number> {
  const viewer = coordinator(actor);
  return actingTransaction(db, actor, async (trx) => {
    let generated = 0;
    for (const schedule of await repo.listActiveSchedules(trx, viewer.partnershipId)) generated += await generateFor(trx, viewer, schedule, today);
    await actor.record(trx, { action: 'marac.meetings.generate', outcome: 'success', details: { generated, today } });
    return generated;
  });
}

export async function listSchedules(db: Db, actor: Actor) {
  return repo.listSchedules(db, coordinator(actor).partnershipId);
}

export async function findSchedule(db: Db, actor: Actor, id: string) {
  const found = await repo.findSchedule(db, coordinator(actor).partnershipId, id);
  if (!found) throw errors.notFound('Schedule');
  return found;
}

export async function listAreas(db: Db, actor: Actor) {
  return repo.listAreas(db, caseworker(actor).partnershipId);
}

/** Case limits count every case on an agenda, including any the viewer may not see: counts only, read as the system. */
export function countItems(db: DbOrTx, partnershipId: string, meetingIds: string[]) {
  return asSystem(db, () => repo.itemCounts(db, partnershipId, meetingIds));
}

/** Runs `work` past the viewer's sight, inside the caller's transaction when there is one. Only for counts and order. */
export function asSystem<T>(db: DbOrTx, work: () => Promise<T>): Promise<T> {
  return db.isTransaction ? withinTransactionAs(db as Tx, SYSTEM_VIEWER, work) : withViewer(SYSTEM_VIEWER, work);
}

/** A meeting added by hand, for an area, on a day of the coordinator's choosing. */
export async function addMeeting(db: Db, actor: Actor, input: MeetingInput & { areaId: string }): Promise<string> {
  const viewer = coordinator(actor);
  await areaName(db, viewer.partnershipId, input.areaId);
  if (input.meetingDate < londonToday()) throw maracErrors.dateInPast('meetingDate');
  return actingTransaction(db, actor, async (trx) => {
    const id = await repo.insertMeeting(trx, {
      partnership_id: viewer.partnershipId,
      area_id: input.areaId,
      schedule_id: null,
      scheduled_for: null,
      meeting_date: input.meetingDate,
      starts_at: input.startsAt,
      place: input.place,
      case_limit: input.caseLimit,
      created_by: viewer.userId,
      agenda_published_at: null,
      agenda_published_by: null,
      agenda_published_version: null,
    });
    await actor.record(trx, { action: 'marac.meeting.create', outcome: 'success', subjectType: 'marac_meeting', subjectId: id, details: input });
    return id;
  });
}

/** Moves a meeting or changes its place or case limit (never below the cases already on its agenda). */
export async function moveMeeting(db: Db, actor: Actor, id: string, version: number, input: MeetingInput): Promise<void> {
  const viewer = coordinator(actor);
  await actingTransaction(db, actor, async (trx) => {
    const before = await repo.lockMeeting(trx, viewer.partnershipId, id);
    if (!before) throw errors.notFound('Meeting');
    if (before.version !== version) throw errors.conflict();
    if (before.status !== 'scheduled') throw maracErrors.meetingNotOpen('meetingDate');
    if (input.meetingDate < londonToday()) throw maracErrors.dateInPast('meetingDate');
    const count = (await countItems(trx, viewer.partnershipId, [id])).get(id) ?? 0;
    if (input.caseLimit < count) throw maracErrors.limitBelowAgenda(count);
    const change = { meeting_date: input.meetingDate, starts_at: input.startsAt, place: input.place, case_limit: input.caseLimit };
    if (!(await updateAtVersion(trx, 'marac_meetings', viewer.partnershipId, id, version, change))) throw errors.conflict();
    await actor.record(trx, {
      action: 'marac.meeting.update',
      outcome: 'success',
      subjectType: 'marac_meeting',
      subjectId: id,
      details: {
        before: { meetingDate: before.meeting_date, startsAt: before.starts_at, place: before.place, caseLimit: before.case_limit },
        after: input,
      },
    });
  });
}

export async function findMeeting(db: DbOrTx, partnershipId: string, id: string): Promise<repo.MeetingRow> {
  const found = await repo.findMeeting(db, partnershipId, id);
  if (!found) throw errors.notFound('Meeting');
  return found;
}

/** What the viewer's agency may do with this meeting (marac.policy.ts). */
export async function meetingAccess(db: DbOrTx, viewer: UserPrincipal, meeting: repo.MeetingRow): Promise<MeetingAccess> {
  const today = londonToday();
  // One after the other: `db` may be a transaction, whose one connection runs one query at a time.
  const agreements = await listAgreementAgencies(db, viewer.partnershipId, today);
  const invited = await repo.isInvited(db, viewer.partnershipId, meeting.id, viewer.agencyId);
  return {
    coordinator: isCoordinator(viewer),
    agreementInForce: agreements.some((a) => a.id === viewer.agencyId),
    invited,
    published: meeting.agenda_published_at !== null,
    open: meeting.status === 'scheduled' && meeting.meeting_date >= today,
  };
}

/** The meetings list: what is coming (soonest first) and the latest held, each with how many cases it has. */
export async function meetingsPage(db: Db, actor: Actor) {
  const viewer = caseworker(actor);
  const today = londonToday();
  const [upcoming, past] = await Promise.all([
    repo.listMeetings(db, viewer.partnershipId, { from: today, limit: 200 }),
    repo.listMeetings(db, viewer.partnershipId, { before: today, limit: 20 }),
  ]);
  const counts = await countItems(
    db,
    viewer.partnershipId,
    [...upcoming, ...past].map((m) => m.id),
  );
  return { upcoming, past, counts, coordinator: isCoordinator(viewer) };
}
