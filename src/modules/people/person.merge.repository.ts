import type { SafeContact } from './person.merge.safe-contact.js';
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { PersonNamesTable } from './people.table.js';
import { caseVisible, type Viewer } from './people.policy.js';
import type { MergeMoved } from './person.merge.schemas.js';
import { nameSearchColumns } from './person.repository.js';

type NameKind = PersonNamesTable['kind'];

/** Locks both people rows for the rest of the transaction, in id order so two merges of one pair cannot deadlock. */
export async function lockPeople(db: DbOrTx, partnershipId: string, ids: string[]): Promise<void> {
  await db.selectFrom('people').select('id').where('partnership_id', '=', partnershipId).where('id', 'in', ids).orderBy('id').forUpdate().execute();
}

/** Cases that hold both people: the reference of each the viewer may see, null for the others. */
export async function sharedCases(db: DbOrTx, viewer: Viewer, personA: string, personB: string): Promise<(string | null)[]> {
  const { rows } = await sql<{ reference: string; visible: boolean }>`
    select c.reference, ${caseVisible(viewer, 'c')} as visible
    from case_people a
    join case_people b on b.partnership_id = a.partnership_id and b.case_id = a.case_id and b.person_id = ${personB}
    join cases c on c.partnership_id = a.partnership_id and c.id = a.case_id
    where a.partnership_id = ${viewer.partnershipId} and a.person_id = ${personA}
    order by c.reference`.execute(db);
  return rows.map((r) => (r.visible ? r.reference : null));
}

/** The cases the viewer may see that hold the person, with the person's role in each. */
export function listVisibleCaseRoles(db: DbOrTx, viewer: Viewer, personId: string) {
  return db
    .selectFrom('case_people as cp')
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'cp.partnership_id').onRef('c.id', '=', 'cp.case_id'))
    .select(['c.id', 'c.reference', 'c.status', 'cp.role'])
    .where('cp.partnership_id', '=', viewer.partnershipId)
    .where('cp.person_id', '=', personId)
    .where(caseVisible(viewer, 'c'))
    .orderBy('c.reference')
    .execute();
}

export function listNamesWithKeys(db: DbOrTx, partnershipId: string, personId: string) {
  return db
    .selectFrom('person_names')
    .select(['id', 'kind', 'given_name', 'family_name', 'is_primary', 'given_key', 'family_key'])
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .orderBy('is_primary', 'desc')
    .orderBy('id')
    .execute();
}

/** Names move to the survivor as other names; a legal name becomes a previous name. */
export async function moveNames(db: DbOrTx, partnershipId: string, ids: string[], survivorId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('person_names')
    .set({ person_id: survivorId, is_primary: false, kind: sql<NameKind>`case when kind = 'legal' then 'previous' else kind end` })
    .where('partnership_id', '=', partnershipId)
    .where('id', 'in', ids)
    .execute();
}

export function listAddressFlags(db: DbOrTx, partnershipId: string, personId: string) {
  return db.selectFrom('person_addresses').select(['id', 'is_current']).where('partnership_id', '=', partnershipId).where('person_id', '=', personId).execute();
}

export async function moveAddresses(db: DbOrTx, partnershipId: string, ids: string[], survivorId: string, keepCurrent: boolean): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('person_addresses')
    .set({ person_id: survivorId, ...(keepCurrent ? {} : { is_current: false }) })
    .where('partnership_id', '=', partnershipId)
    .where('id', 'in', ids)
    .execute();
}

export async function moveContacts(db: DbOrTx, partnershipId: string, fromId: string, toId: string): Promise<{ id: string }[]> {
  return db
    .updateTable('person_contacts')
    .set({ person_id: toId })
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', fromId)
    .returning('id')
    .execute();
}

export async function moveCaseMemberships(db: DbOrTx, partnershipId: string, fromId: string, toId: string): Promise<{ case_id: string }[]> {
  return db
    .updateTable('case_people')
    .set({ person_id: toId })
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', fromId)
    .returning('case_id')
    .execute();
}

/** Entries in force on the person's "must not see" list; removed ones stay where they were, as history. */
export async function moveRestrictions(db: DbOrTx, partnershipId: string, fromId: string, toId: string): Promise<{ id: string }[]> {
  return db
    .updateTable('restrictions')
    .set({ subject_id: toId })
    .where('partnership_id', '=', partnershipId)
    .where('subject_type', '=', 'person')
    .where('subject_id', '=', fromId)
    .where('removed_at', 'is', null)
    .returning('id')
    .execute();
}

export async function setSafeContact(db: DbOrTx, partnershipId: string, id: string, rules: SafeContact): Promise<void> {
  await db.updateTable('people').set(rules).where('partnership_id', '=', partnershipId).where('id', '=', id).execute();
}

/** Sets (or clears) where the person was merged into; the version moves on, so forms opened before are refused. */
export async function setMergedInto(db: DbOrTx, partnershipId: string, id: string, survivorId: string | null): Promise<void> {
  await db
    .updateTable('people')
    .set((eb) => ({ merged_into_id: survivorId, merged_at: survivorId ? sql<Date>`now()` : null, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .execute();
}

export async function bumpVersion(db: DbOrTx, partnershipId: string, id: string): Promise<void> {
  await db
    .updateTable('people')
    .set((eb) => ({ updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .execute();
}

export async function insertMerge(
  db: DbOrTx,
  merge: { partnershipId: string; survivorId: string; mergedId: string; moved: MergeMoved; mergedBy: string },
): Promise<string> {
  const { id } = await db
    .insertInto('person_merges')
    .values({
      partnership_id: merge.partnershipId,
      survivor_id: merge.survivorId,
      merged_id: merge.mergedId,
      moved: JSON.stringify(merge.moved),
      merged_by: merge.mergedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** The merge in force for a merged person, if any, with who made it; `lock` holds it until the transaction ends. */
export function findOpenMerge(db: DbOrTx, partnershipId: string, mergedId: string, lock = false) {
  return db
    .selectFrom('person_merges as m')
    .leftJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 'm.partnership_id').onRef('u.id', '=', 'm.merged_by'))
    .select(['m.id', 'm.survivor_id', 'm.merged_id', 'm.moved', 'm.merged_at', 'u.display_name as merged_by_name'])
    .where('m.partnership_id', '=', partnershipId)
    .where('m.merged_id', '=', mergedId)
    .where('m.reversed_at', 'is', null)
    .$if(lock, (query) => query.forUpdate('m'))
    .executeTakeFirst();
}

export type OpenMergeRow = NonNullable<Awaited<ReturnType<typeof findOpenMerge>>>;

export function listOpenMergesInto(db: DbOrTx, partnershipId: string, survivorId: string) {
  return db
    .selectFrom('person_merges')
    .select(['id', 'merged_id', 'moved', 'merged_at'])
    .where('partnership_id', '=', partnershipId)
    .where('survivor_id', '=', survivorId)
    .where('reversed_at', 'is', null)
    .orderBy('merged_at', 'desc')
    .execute();
}

export async function markReversed(db: DbOrTx, partnershipId: string, mergeId: string, userId: string): Promise<void> {
  await db
    .updateTable('person_merges')
    .set({ reversed_at: new Date(), reversed_by: userId })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', mergeId)
    .execute();
}

export async function mergedIntoOf(db: DbOrTx, partnershipId: string, id: string): Promise<string | null> {
  const row = await db.selectFrom('people').select('merged_into_id').where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
  return row?.merged_into_id ?? null;
}

/** Moves names back as they were before the merge; returns the ids found (a name replaced since is not). */
export async function restoreNames(db: DbOrTx, partnershipId: string, names: MergeMoved['person_names'], fromId: string, toId: string): Promise<string[]> {
  if (names.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    update person_names n set person_id = ${toId}, kind = x.kind, is_primary = x.is_primary
    from jsonb_to_recordset(${JSON.stringify(names)}::jsonb) as x(id uuid, kind text, is_primary boolean)
    where n.partnership_id = ${partnershipId} and n.id = x.id and n.person_id = ${fromId}
    returning n.id`.execute(db);
  return rows.map((r) => r.id);
}

/** Names have no identity of their own (an edit replaces them all): one replaced since the merge is written again. */
export async function reinsertNames(db: DbOrTx, partnershipId: string, personId: string, names: MergeMoved['person_names']): Promise<void> {
  if (names.length === 0) return;
  await db
    .insertInto('person_names')
    .values(
      names.map((n) => ({
        partnership_id: partnershipId,
        id: n.id,
        person_id: personId,
        kind: n.kind,
        given_name: n.given_name,
        family_name: n.family_name,
        is_primary: n.is_primary,
        ...nameSearchColumns(n.given_name, n.family_name),
      })),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
}

export async function restoreAddresses(
  db: DbOrTx,
  partnershipId: string,
  addresses: MergeMoved['person_addresses'],
  fromId: string,
  toId: string,
): Promise<number> {
  if (addresses.length === 0) return 0;
  const { rows } = await sql<{ id: string }>`
    update person_addresses a set person_id = ${toId}, is_current = x.is_current
    from jsonb_to_recordset(${JSON.stringify(addresses)}::jsonb) as x(id uuid, is_current boolean)
    where a.partnership_id = ${partnershipId} and a.id = x.id and a.person_id = ${fromId}
    returning a.id`.execute(db);
  return rows.length;
}

export async function restoreContacts(db: DbOrTx, partnershipId: string, ids: string[], fromId: string, toId: string): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('person_contacts')
    .set({ person_id: toId })
    .where('partnership_id', '=', partnershipId)
    .where('id', 'in', ids)
    .where('person_id', '=', fromId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function restoreCaseMemberships(db: DbOrTx, partnershipId: string, caseIds: string[], fromId: string, toId: string): Promise<number> {
  if (caseIds.length === 0) return 0;
  const result = await db
    .updateTable('case_people')
    .set({ person_id: toId })
    .where('partnership_id', '=', partnershipId)
    .where('case_id', 'in', caseIds)
    .where('person_id', '=', fromId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function restoreRestrictions(db: DbOrTx, partnershipId: string, ids: string[], fromId: string, toId: string): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('restrictions')
    .set({ subject_id: toId })
    .where('partnership_id', '=', partnershipId)
    .where('subject_type', '=', 'person')
    .where('id', 'in', ids)
    .where('subject_id', '=', fromId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
