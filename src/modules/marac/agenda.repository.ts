import { sql, type Insertable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { caseVisible, notRestricted, type Viewer } from '../people/people.policy.js';
import { itemVisible } from './marac.access.js';
import type { MaracAgendaItemsTable } from './marac.table.js';

/**
 * Agenda items and the referrals waiting for one. Reads about cases carry the case rule (row-level security is the
 * second wall); the order-keeping statements at the end (positions, renumbering) are called by the service past
 * the viewer's sight, because an agenda's order includes every case on it.
 */

/** Highest risk first: the referral's score band (on the referral, or as the agenda item keeps it) as a number (no band last). */
const bandRank = (alias: string) =>
  sql<number>`case ${sql.ref(`${alias}.score_band`)} when 'high' then 3 when 'medium' then 2 when 'standard' then 1 else 0 end`;

/** The referral was made by importing another MARAC's transfer packet (transfer.service.ts). */
const isTransferIn = (alias: string) =>
  sql<boolean>`exists (select 1 from marac_transfers t where t.partnership_id = ${sql.ref(`${alias}.partnership_id`)} and t.referral_id = ${sql.ref(`${alias}.id`)})`.as(
    'is_transfer_in',
  );

/**
 * Accepted MARAC referrals not yet on an agenda, in the default agenda order (repeats, then highest risk, then the
 * oldest), with what decides their area: the referring agency's and the case owner's.
 */
export function pendingReferrals(db: DbOrTx, viewer: Viewer) {
  return (
    db
      .selectFrom('referrals as r')
      .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'r.partnership_id').onRef('c.id', '=', 'r.case_id'))
      .innerJoin('agencies as ra', (join) => join.onRef('ra.partnership_id', '=', 'r.partnership_id').onRef('ra.id', '=', 'r.referring_agency_id'))
      .innerJoin('agencies as oa', (join) => join.onRef('oa.partnership_id', '=', 'c.partnership_id').onRef('oa.id', '=', 'c.owning_agency_id'))
      .select([
        'r.id',
        'r.reference',
        'r.case_id',
        'c.reference as case_reference',
        'r.victim_id',
        'r.criterion',
        'r.referred_on',
        'r.is_repeat',
        'r.score',
        'r.score_band',
        'ra.name as referring_agency',
        'ra.area_id as referring_area_id',
        'oa.area_id as owner_area_id',
        isTransferIn('r'),
      ])
      .where('r.partnership_id', '=', viewer.partnershipId)
      .where('r.destination', '=', 'marac')
      .where('r.status', '=', 'accepted')
      // Not yet on an agenda (kept by the database; a partial index holds just these).
      .where('r.on_agenda', '=', false)
      .where(caseVisible(viewer, 'c'))
      .orderBy('r.is_repeat', 'desc')
      .orderBy(bandRank('r'), 'desc')
      .orderBy('r.referred_on')
      .orderBy('r.created_at')
      .limit(500)
      .execute()
  );
}

export type PendingReferral = Awaited<ReturnType<typeof pendingReferrals>>[number];

export function findPendingReferral(db: DbOrTx, viewer: Viewer, referralId: string) {
  return db
    .selectFrom('referrals as r')
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'r.partnership_id').onRef('c.id', '=', 'r.case_id'))
    .select(['r.id', 'r.case_id', 'r.destination', 'r.status', 'r.is_repeat', isTransferIn('r')])
    .where('r.partnership_id', '=', viewer.partnershipId)
    .where('r.id', '=', referralId)
    .where(caseVisible(viewer, 'c'))
    .executeTakeFirst();
}

export async function referralOnAgenda(db: DbOrTx, partnershipId: string, referralId: string): Promise<boolean> {
  const row = await db
    .selectFrom('marac_agenda_items')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('referral_id', '=', referralId)
    .executeTakeFirst();
  return Boolean(row);
}

/** Where each case was last heard: a case goes back to the MARAC that knows it. */
export async function lastHeardAreas(db: DbOrTx, partnershipId: string, caseIds: string[]): Promise<Map<string, string>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('marac_agenda_items as i')
    .innerJoin('marac_meetings as m', (join) => join.onRef('m.partnership_id', '=', 'i.partnership_id').onRef('m.id', '=', 'i.meeting_id'))
    .select(['i.case_id', 'm.area_id'])
    .distinctOn('i.case_id')
    .where('i.partnership_id', '=', partnershipId)
    .where('i.case_id', 'in', caseIds)
    .orderBy('i.case_id')
    .orderBy('m.meeting_date', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.case_id, r.area_id]));
}

/** The meetings on or after `from` already holding each case, as "meeting:case" keys. */
export async function casesOnMeetings(db: DbOrTx, partnershipId: string, caseIds: string[], from: string): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('marac_agenda_items as i')
    .innerJoin('marac_meetings as m', (join) => join.onRef('m.partnership_id', '=', 'i.partnership_id').onRef('m.id', '=', 'i.meeting_id'))
    .select(['i.meeting_id', 'i.case_id'])
    .where('i.partnership_id', '=', partnershipId)
    .where('i.case_id', 'in', caseIds)
    .where('m.meeting_date', '>=', from)
    .execute();
  return new Set(rows.map((r) => `${r.meeting_id}:${r.case_id}`));
}

function items(db: DbOrTx, viewer: Viewer, meetingId: string) {
  return db
    .selectFrom('marac_agenda_items as i')
    .select([
      'i.id',
      'i.meeting_id',
      'i.position',
      'i.kind',
      'i.version',
      'i.case_id',
      'i.case_reference',
      'i.referral_id',
      'i.referral_reference',
      'i.referred_on',
      'i.score',
      'i.score_band',
      'i.criterion',
      // A victim on the viewer's own "must not see" list is not named even by initials.
      sql<string | null>`case when ${notRestricted(viewer, 'person', sql.ref('i.victim_person_id'))} then i.victim_initials end`.as('victim_initials'),
      sql<string | null>`case when ${notRestricted(viewer, 'person', sql.ref('i.victim_person_id'))} then i.victim_date_of_birth end`.as('date_of_birth'),
    ])
    .where('i.partnership_id', '=', viewer.partnershipId)
    .where('i.meeting_id', '=', meetingId)
    .where(itemVisible(viewer, 'i'));
}

/** The agenda as the viewer may see it: cases they may not see are left out. */
export function listItems(db: DbOrTx, viewer: Viewer, meetingId: string) {
  return items(db, viewer, meetingId).orderBy('i.position').execute();
}

export type ItemRow = Awaited<ReturnType<typeof listItems>>[number];

export function findItem(db: DbOrTx, viewer: Viewer, meetingId: string, itemId: string) {
  return items(db, viewer, meetingId).where('i.id', '=', itemId).executeTakeFirst();
}

export async function insertItem(db: DbOrTx, row: Insertable<MaracAgendaItemsTable>): Promise<string> {
  return (await db.insertInto('marac_agenda_items').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/* Order keeping: called past the viewer's sight (ids and positions only). */

export async function nextPosition(db: DbOrTx, partnershipId: string, meetingId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select coalesce(max(position), 0)::int + 1 as n from marac_agenda_items
    where partnership_id = ${partnershipId} and meeting_id = ${meetingId}`.execute(db);
  return rows[0]!.n;
}

/** The item just before (up) or after (down) a position on an agenda. */
export function neighbour(db: DbOrTx, partnershipId: string, meetingId: string, position: number, direction: 'up' | 'down') {
  return db
    .selectFrom('marac_agenda_items')
    .select(['id', 'position'])
    .where('partnership_id', '=', partnershipId)
    .where('meeting_id', '=', meetingId)
    .where('position', direction === 'up' ? '<' : '>', position)
    .orderBy('position', direction === 'up' ? 'desc' : 'asc')
    .limit(1)
    .executeTakeFirst();
}

export async function setPosition(db: DbOrTx, partnershipId: string, itemId: string, position: number, meetingId?: string): Promise<void> {
  await db
    .updateTable('marac_agenda_items')
    .set({ position, updated_at: new Date(), ...(meetingId ? { meeting_id: meetingId } : {}) })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', itemId)
    .execute();
}

/**
 * Numbers an agenda 1, 2, 3…: in the default order (repeats, then highest risk, then the oldest referral), or
 * keeping the order it has (after an item leaves it). Only items whose number changes are written.
 */
export async function renumber(db: DbOrTx, partnershipId: string, meetingId: string, order: 'default' | 'current'): Promise<void> {
  const by = order === 'default' ? sql`(i.kind = 'repeat') desc, ${bandRank('i')} desc, i.referred_on nulls last, i.created_at, i.id` : sql`i.position, i.id`;
  await sql`
    with ordered as (
      select i.id, row_number() over (order by ${by})::int as n
      from marac_agenda_items i
      where i.partnership_id = ${partnershipId} and i.meeting_id = ${meetingId})
    update marac_agenda_items i set position = ordered.n, updated_at = now()
    from ordered where i.partnership_id = ${partnershipId} and i.id = ordered.id and i.position <> ordered.n`.execute(db);
}

/** Takes again what the agenda shows of each of its cases (on publishing: corrections made since are sent out). */
export async function refreshSnapshots(db: DbOrTx, partnershipId: string, meetingId: string): Promise<void> {
  await db
    .updateTable('marac_agenda_items')
    .set({ snapshot_taken_at: new Date() })
    .where('partnership_id', '=', partnershipId)
    .where('meeting_id', '=', meetingId)
    .execute();
}

/** Records a change to the agenda's order or contents: its version moves on, so an editor working from the old one is refused. */
export async function touchAgenda(db: DbOrTx, partnershipId: string, meetingId: string, customOrder?: boolean): Promise<void> {
  await db
    .updateTable('marac_meetings')
    .set((eb) => ({ agenda_version: eb('agenda_version', '+', 1), ...(customOrder === undefined ? {} : { agenda_custom_order: customOrder }) }))
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', meetingId)
    .execute();
}

/** Agenda changes across the partnership happen one at a time (placing a case weighs every meeting's room). */
export async function lockAgendas(db: DbOrTx, partnershipId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`marac-agenda:${partnershipId}`}, 0))`.execute(db);
}

/** The meetings a case is on (latest first), for the case page: the case is already found visible. */
export function caseMeetings(db: DbOrTx, viewer: Viewer, caseId: string) {
  return db
    .selectFrom('marac_agenda_items as i')
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'i.partnership_id').onRef('c.id', '=', 'i.case_id'))
    .innerJoin('marac_meetings as m', (join) => join.onRef('m.partnership_id', '=', 'i.partnership_id').onRef('m.id', '=', 'i.meeting_id'))
    .innerJoin('areas as a', (join) => join.onRef('a.partnership_id', '=', 'm.partnership_id').onRef('a.id', '=', 'm.area_id'))
    .select(['i.id', 'i.kind', 'm.id as meeting_id', 'm.meeting_date', 'm.starts_at', 'm.status', 'a.name as area_name'])
    .where('i.partnership_id', '=', viewer.partnershipId)
    .where('i.case_id', '=', caseId)
    .where(caseVisible(viewer, 'c'))
    .orderBy('m.meeting_date', 'desc')
    .limit(50)
    .execute();
}
