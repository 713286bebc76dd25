import type { DbOrTx } from '../../db/database.js';
import type { Viewer } from '../people/people.policy.js';
import { throughItem } from './marac.access.js';
import type { MinuteInput } from './meeting-day.schemas.js';

/**
 * Minutes per agenda case and the amendments to final ones. Read with the MARAC content rule (marac.access.ts);
 * row-level security is the second wall, and the database refuses any change to a final minute and any change to an amendment.
 */

function minutes(db: DbOrTx, viewer: Viewer) {
  return db
    .selectFrom('marac_minutes as mn')
    .leftJoin('users as d', (join) => join.onRef('d.partnership_id', '=', 'mn.partnership_id').onRef('d.id', '=', 'mn.drafted_by'))
    .leftJoin('users as f', (join) => join.onRef('f.partnership_id', '=', 'mn.partnership_id').onRef('f.id', '=', 'mn.finalised_by'))
    .select([
      'mn.id',
      'mn.agenda_item_id',
      'mn.case_id',
      'mn.idva_view',
      'mn.summary',
      'mn.risks',
      'mn.status',
      'mn.version',
      'mn.updated_at',
      'mn.finalised_at',
      'd.display_name as drafted_by_name',
      'f.display_name as finalised_by_name',
    ])
    .where('mn.partnership_id', '=', viewer.partnershipId)
    .where(throughItem(viewer, 'mn'));
}

export type MinuteRow = NonNullable<Awaited<ReturnType<typeof findMinute>>>;

export function findMinute(db: DbOrTx, viewer: Viewer, itemId: string) {
  return minutes(db, viewer).where('mn.agenda_item_id', '=', itemId).executeTakeFirst();
}

/** Each agenda item's minute status ('draft' or 'final'); items without minutes are absent. */
export async function minuteStatuses(db: DbOrTx, viewer: Viewer, itemIds: string[]): Promise<Map<string, 'draft' | 'final'>> {
  if (itemIds.length === 0) return new Map();
  const rows = await minutes(db, viewer).where('mn.agenda_item_id', 'in', itemIds).execute();
  return new Map(rows.map((r) => [r.agenda_item_id, r.status]));
}

/** The minutes of the given agenda items (a meeting's documents); items without minutes are absent. */
export function listMinutes(db: DbOrTx, viewer: Viewer, itemIds: string[]) {
  if (itemIds.length === 0) return Promise.resolve([]);
  return minutes(db, viewer).where('mn.agenda_item_id', 'in', itemIds).execute();
}

const columns = (input: MinuteInput) => ({ idva_view: input.idvaView, summary: input.summary, risks: input.risks });

export async function insertMinute(db: DbOrTx, row: { partnershipId: string; itemId: string; caseId: string; input: MinuteInput; by: string }) {
  return (
    await db
      .insertInto('marac_minutes')
      .values({
        partnership_id: row.partnershipId,
        agenda_item_id: row.itemId,
        case_id: row.caseId,
        ...columns(row.input),
        drafted_by: row.by,
        finalised_by: null,
        finalised_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

/** Optimistic lock: changes the draft only at the version the editor saw; finalising makes it the record. */
export async function updateMinute(db: DbOrTx, partnershipId: string, id: string, version: number, input: MinuteInput, by: string, finalise: boolean) {
  const now = new Date();
  const result = await db
    .updateTable('marac_minutes')
    .set({
      ...columns(input),
      drafted_by: by,
      ...(finalise ? { status: 'final' as const, finalised_by: by, finalised_at: now } : {}),
      version: version + 1,
      updated_at: now,
    })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function amendments(db: DbOrTx, viewer: Viewer) {
  return db
    .selectFrom('marac_minute_amendments as am')
    .innerJoin('marac_minutes as mn', (join) => join.onRef('mn.partnership_id', '=', 'am.partnership_id').onRef('mn.id', '=', 'am.minute_id'))
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'am.partnership_id').onRef('a.id', '=', 'am.made_by_agency_id'))
    .leftJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 'am.partnership_id').onRef('u.id', '=', 'am.made_by'))
    .select(['am.id', 'am.minute_id', 'am.text', 'am.created_at', 'u.display_name as made_by_name', 'a.name as agency_name'])
    .where('am.partnership_id', '=', viewer.partnershipId)
    .where(throughItem(viewer, 'mn'))
    .orderBy('am.created_at')
    .orderBy('am.id');
}

/** The amendments to a minute, oldest first, with who made each and for which agency. */
export function listAmendments(db: DbOrTx, viewer: Viewer, minuteId: string) {
  return amendments(db, viewer).where('am.minute_id', '=', minuteId).execute();
}

/** The amendments to several minutes (a meeting's documents), oldest first. */
export function listAmendmentsOf(db: DbOrTx, viewer: Viewer, minuteIds: string[]) {
  if (minuteIds.length === 0) return Promise.resolve([]);
  return amendments(db, viewer).where('am.minute_id', 'in', minuteIds).execute();
}

export type AmendmentRow = Awaited<ReturnType<typeof listAmendments>>[number];

export async function insertAmendment(
  db: DbOrTx,
  row: { partnershipId: string; minuteId: string; caseId: string; text: string; by: string; agencyId: string },
) {
  await db
    .insertInto('marac_minute_amendments')
    .values({
      partnership_id: row.partnershipId,
      minute_id: row.minuteId,
      case_id: row.caseId,
      text: row.text,
      made_by: row.by,
      made_by_agency_id: row.agencyId,
    })
    .execute();
}
