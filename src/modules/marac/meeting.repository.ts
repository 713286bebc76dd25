import { sql, type Insertable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { MaracMeetingsTable, MaracSchedulesTable } from './marac.table.js';

/** Schedules and meetings: no case content, so no row-level security; every query names its partnership. */

export function listAreas(db: DbOrTx, partnershipId: string) {
  return db.selectFrom('areas').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export function findArea(db: DbOrTx, partnershipId: string, id: string) {
  return db.selectFrom('areas').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

const scheduleColumns = [
  's.id',
  's.area_id',
  'a.name as area_name',
  's.recurrence',
  's.weekday',
  's.week_of_month',
  's.starts_on',
  's.starts_at',
  's.place',
  's.case_limit',
  's.active',
  's.version',
] as const;

function schedules(db: DbOrTx, partnershipId: string) {
  return db
    .selectFrom('marac_schedules as s')
    .innerJoin('areas as a', (join) => join.onRef('a.partnership_id', '=', 's.partnership_id').onRef('a.id', '=', 's.area_id'))
    .select(scheduleColumns)
    .where('s.partnership_id', '=', partnershipId);
}

export function listSchedules(db: DbOrTx, partnershipId: string) {
  return schedules(db, partnershipId).orderBy('s.active', 'desc').orderBy('a.name').execute();
}

export function listActiveSchedules(db: DbOrTx, partnershipId: string) {
  return schedules(db, partnershipId).where('s.active', '=', true).execute();
}

export function findSchedule(db: DbOrTx, partnershipId: string, id: string) {
  return schedules(db, partnershipId).where('s.id', '=', id).executeTakeFirst();
}

export type ScheduleRow = NonNullable<Awaited<ReturnType<typeof findSchedule>>>;

export async function insertSchedule(db: DbOrTx, row: Insertable<MaracSchedulesTable>): Promise<string> {
  return (await db.insertInto('marac_schedules').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Inserts the meetings a schedule's slots call for; a slot that already has its meeting is left alone. */
export async function insertGeneratedMeetings(db: DbOrTx, rows: Insertable<MaracMeetingsTable>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const made = await db
    .insertInto('marac_meetings')
    .values(rows)
    .onConflict((oc) => oc.columns(['partnership_id', 'schedule_id', 'scheduled_for']).doNothing())
    .returning('id')
    .execute();
  return made.length;
}

export async function insertMeeting(db: DbOrTx, row: Insertable<MaracMeetingsTable>): Promise<string> {
  return (await db.insertInto('marac_meetings').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

function meetings(db: DbOrTx, partnershipId: string) {
  return db
    .selectFrom('marac_meetings as m')
    .innerJoin('areas as a', (join) => join.onRef('a.partnership_id', '=', 'm.partnership_id').onRef('a.id', '=', 'm.area_id'))
    .select([
      'm.id',
      'm.area_id',
      'a.name as area_name',
      'm.schedule_id',
      'm.meeting_date',
      'm.starts_at',
      'm.place',
      'm.case_limit',
      'm.status',
      'm.agenda_version',
      'm.agenda_custom_order',
      'm.agenda_published_at',
      'm.agenda_published_version',
      'm.version',
    ])
    .where('m.partnership_id', '=', partnershipId);
}

export type MeetingRow = NonNullable<Awaited<ReturnType<typeof findMeeting>>>;

export function findMeeting(db: DbOrTx, partnershipId: string, id: string) {
  return meetings(db, partnershipId).where('m.id', '=', id).executeTakeFirst();
}

/** The meeting, locked until the transaction ends: agenda changes to one meeting happen one at a time. */
export function lockMeeting(db: DbOrTx, partnershipId: string, id: string) {
  return meetings(db, partnershipId).where('m.id', '=', id).forUpdate('m').executeTakeFirst();
}

/** Meetings on or after `from` (soonest first), or before it (latest first). */
export function listMeetings(db: DbOrTx, partnershipId: string, options: { from?: string; before?: string; limit: number; openOnly?: boolean }) {
  let query = meetings(db, partnershipId);
  if (options.from) query = query.where('m.meeting_date', '>=', options.from).orderBy('m.meeting_date').orderBy('m.starts_at');
  if (options.before) query = query.where('m.meeting_date', '<', options.before).orderBy('m.meeting_date', 'desc').orderBy('m.starts_at', 'desc');
  if (options.openOnly) query = query.where('m.status', '=', 'scheduled');
  return query.orderBy('a.name').limit(options.limit).execute();
}

/** How many cases each meeting's agenda holds: counts only, read by the caller past the viewer's sight (the case limit counts every case). */
export async function itemCounts(db: DbOrTx, partnershipId: string, meetingIds: string[]): Promise<Map<string, number>> {
  if (meetingIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('marac_agenda_items')
    .select(['meeting_id', sql<number>`count(*)::int`.as('n')])
    .where('partnership_id', '=', partnershipId)
    .where('meeting_id', 'in', meetingIds)
    .groupBy('meeting_id')
    .execute();
  return new Map(rows.map((r) => [r.meeting_id, r.n]));
}

export async function isInvited(db: DbOrTx, partnershipId: string, meetingId: string, agencyId: string): Promise<boolean> {
  const row = await db
    .selectFrom('marac_meeting_agencies')
    .select('agency_id')
    .where('partnership_id', '=', partnershipId)
    .where('meeting_id', '=', meetingId)
    .where('agency_id', '=', agencyId)
    .executeTakeFirst();
  return Boolean(row);
}

/** The agencies invited to a meeting, by name. */
export function meetingAgencies(db: DbOrTx, partnershipId: string, meetingId: string) {
  return db
    .selectFrom('marac_meeting_agencies as ma')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'ma.partnership_id').onRef('a.id', '=', 'ma.agency_id'))
    .select(['a.id', 'a.name', 'a.code', 'ma.invited_at'])
    .where('ma.partnership_id', '=', partnershipId)
    .where('ma.meeting_id', '=', meetingId)
    .orderBy('a.name')
    .execute();
}
