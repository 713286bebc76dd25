import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { Viewer } from '../people/people.policy.js';
import { actionVisible } from './marac.access.js';
import type { ActionInput } from './meeting-day.schemas.js';

/** MARAC actions: read with the MARAC content rule (marac.access.ts; row-level security is the second wall). */

export const ACTIONS_PAGE_SIZE = 50;

function actions(db: DbOrTx, viewer: Viewer) {
  return db
    .selectFrom('marac_actions as ac')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'ac.partnership_id').onRef('a.id', '=', 'ac.agency_id'))
    .innerJoin('marac_meetings as m', (join) => join.onRef('m.partnership_id', '=', 'ac.partnership_id').onRef('m.id', '=', 'ac.meeting_id'))
    .innerJoin('areas as ar', (join) => join.onRef('ar.partnership_id', '=', 'm.partnership_id').onRef('ar.id', '=', 'm.area_id'))
    .leftJoin('users as au', (join) => join.onRef('au.partnership_id', '=', 'ac.partnership_id').onRef('au.id', '=', 'ac.assigned_user_id'))
    .leftJoin('users as cu', (join) => join.onRef('cu.partnership_id', '=', 'ac.partnership_id').onRef('cu.id', '=', 'ac.completed_by'))
    .select([
      'ac.id',
      'ac.agenda_item_id',
      'ac.meeting_id',
      'ac.meeting_date',
      'ac.case_id',
      'ac.case_reference',
      'ac.agency_id',
      'a.name as agency_name',
      'ac.assigned_user_id',
      'au.display_name as assigned_name',
      'ac.description',
      'ac.due_on',
      'ac.status',
      'ac.completion_note',
      'ac.completed_at',
      'cu.display_name as completed_by_name',
      'ac.version',
      'ac.created_at',
      'ar.name as area_name',
    ])
    .where('ac.partnership_id', '=', viewer.partnershipId)
    .where(actionVisible(viewer, 'ac'));
}

export type ActionRow = NonNullable<Awaited<ReturnType<typeof findAction>>>;

export function findAction(db: DbOrTx, viewer: Viewer, id: string) {
  return actions(db, viewer).where('ac.id', '=', id).executeTakeFirst();
}

/** The actions agreed on one agenda case, in the order they were recorded. */
export function listItemActions(db: DbOrTx, viewer: Viewer, itemId: string) {
  return actions(db, viewer).where('ac.agenda_item_id', '=', itemId).orderBy('ac.created_at').orderBy('ac.id').execute();
}

/** Every action agreed at a meeting (its action plan), in the order they were recorded. */
export function listMeetingActions(db: DbOrTx, viewer: Viewer, meetingId: string) {
  return actions(db, viewer).where('ac.meeting_id', '=', meetingId).orderBy('ac.created_at').orderBy('ac.id').execute();
}

/** How many actions each agenda item has. */
export async function itemActionCounts(db: DbOrTx, viewer: Viewer, itemIds: string[]): Promise<Map<string, number>> {
  if (itemIds.length === 0) return new Map();
  const rows = await actions(db, viewer)
    .clearSelect()
    .select(['ac.agenda_item_id', sql<number>`count(*)::int`.as('n')])
    .where('ac.agenda_item_id', 'in', itemIds)
    .groupBy('ac.agenda_item_id')
    .execute();
  return new Map(rows.map((r) => [r.agenda_item_id, r.n]));
}

/** One agency's open actions across every meeting, soonest due first (index marac_actions_agency_open_idx). */
export async function listAgencyOpenActions(db: DbOrTx, viewer: Viewer, agencyId: string, page: number, today: string) {
  const open = actions(db, viewer).where('ac.agency_id', '=', agencyId).where('ac.status', '=', 'open');
  const [rows, counts] = await Promise.all([
    open
      .orderBy('ac.due_on')
      .orderBy('ac.created_at')
      .orderBy('ac.id')
      .limit(ACTIONS_PAGE_SIZE)
      .offset((page - 1) * ACTIONS_PAGE_SIZE)
      .execute(),
    // Counted on the actions alone (the list's joins only name things), with the same rule.
    db
      .selectFrom('marac_actions as ac')
      .select([sql<number>`count(*)::int`.as('total'), sql<number>`(count(*) filter (where ac.due_on < ${today}))::int`.as('overdue')])
      .where('ac.partnership_id', '=', viewer.partnershipId)
      .where('ac.agency_id', '=', agencyId)
      .where('ac.status', '=', 'open')
      .where(actionVisible(viewer, 'ac'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, ...counts };
}

export async function insertAction(
  db: DbOrTx,
  row: { partnershipId: string; itemId: string; meetingId: string; meetingDate: string; caseId: string; input: ActionInput; by: string },
): Promise<string> {
  return (
    await db
      .insertInto('marac_actions')
      .values({
        partnership_id: row.partnershipId,
        agenda_item_id: row.itemId,
        meeting_id: row.meetingId,
        meeting_date: row.meetingDate,
        case_id: row.caseId,
        agency_id: row.input.agencyId,
        assigned_user_id: row.input.assignedUserId,
        description: row.input.description,
        due_on: row.input.dueOn,
        completion_note: null,
        completed_by: null,
        completed_at: null,
        reminder_sent_at: null,
        last_chased_on: null,
        created_by: row.by,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

/** Marks an open action done at the version the agency saw (optimistic lock). */
export async function completeAction(db: DbOrTx, partnershipId: string, id: string, version: number, done: { note: string; by: string; at: Date }) {
  const result = await db
    .updateTable('marac_actions')
    .set({ status: 'done', completion_note: done.note, completed_by: done.by, completed_at: done.at, version: version + 1, updated_at: done.at })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
