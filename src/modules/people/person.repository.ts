import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { nameKey } from './name-keys.js';
import { personVisible, type Viewer } from './people.policy.js';
import type { PersonForm, PersonName } from './person.schemas.js';

export const PAGE_SIZE = 50;

/** The parts of a person kept in their own tables; their history rows carry the person's id in old_row. */
export const PERSON_PART_TABLES = ['person_names', 'person_addresses', 'person_contacts'] as const;
export type PersonPartTable = (typeof PERSON_PART_TABLES)[number];

/**
 * Search keys for one name. Search (and duplicate checks) match on these columns, so every insert of a name
 * goes through here: the key folds case, accents and punctuation; the metaphone is PostgreSQL's
 * fuzzystrmatch dmetaphone() over the key, so the same phonetic code is used wherever names are compared.
 */
export function nameSearchColumns(givenName: string, familyName: string) {
  const givenKey = nameKey(givenName);
  const familyKey = nameKey(familyName);
  return {
    given_key: givenKey,
    family_key: familyKey,
    given_metaphone: sql<string>`dmetaphone(${givenKey})`,
    family_metaphone: sql<string>`dmetaphone(${familyKey})`,
  };
}

export type PersonColumns = Omit<PersonForm, 'names' | 'estimatedAge'> & { estimatedAge: number | null; estimatedAgeOn: string | null };

/** Form values → the columns they are stored in. */
export function personColumns(c: PersonColumns) {
  return {
    date_of_birth: c.dateOfBirth,
    estimated_age: c.estimatedAge,
    estimated_age_on: c.estimatedAgeOn,
    gender: c.gender,
    preferred_language: c.preferredLanguage,
    interpreter_needed: c.interpreterNeeded,
    gp_practice: c.gpPractice,
    safe_times: c.safeTimes,
    voicemail_allowed: c.voicemailAllowed,
    do_not_write_home: c.doNotWriteHome,
    code_word: c.codeWord,
    sex: c.sex,
    gender_identity: c.genderIdentity,
    ethnicity: c.ethnicity,
    disability: c.disability,
    disability_types: c.disabilityTypes,
    religion: c.religion,
    sexual_orientation: c.sexualOrientation,
    pregnancy: c.pregnancy,
    marital_status: c.maritalStatus,
    immigration_status: c.immigrationStatus,
    nrpf: c.nrpf,
  };
}

export async function insertPerson(
  db: DbOrTx,
  owner: { partnershipId: string; agencyId: string; userId: string | null },
  columns: PersonColumns,
  names: PersonName[],
): Promise<string> {
  const { id } = await db
    .insertInto('people')
    .values({ partnership_id: owner.partnershipId, owning_agency_id: owner.agencyId, created_by: owner.userId, ...personColumns(columns) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await insertNames(db, owner.partnershipId, id, names);
  return id;
}

export async function insertNames(db: DbOrTx, partnershipId: string, personId: string, names: PersonName[]): Promise<void> {
  await db
    .insertInto('person_names')
    .values(
      names.map((n) => ({
        partnership_id: partnershipId,
        person_id: personId,
        kind: n.kind,
        given_name: n.givenName,
        family_name: n.familyName,
        is_primary: n.isPrimary,
        ...nameSearchColumns(n.givenName, n.familyName),
      })),
    )
    .execute();
}

/** Names have no identity of their own: a changed set replaces the old one, and the trigger keeps the old rows. */
export async function replaceNames(db: DbOrTx, partnershipId: string, personId: string, names: PersonName[]): Promise<void> {
  await db.deleteFrom('person_names').where('partnership_id', '=', partnershipId).where('person_id', '=', personId).execute();
  await insertNames(db, partnershipId, personId, names);
}

export function listNames(db: DbOrTx, partnershipId: string, personId: string) {
  return db
    .selectFrom('person_names')
    .select(['kind', 'given_name', 'family_name', 'is_primary'])
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .orderBy('is_primary', 'desc')
    .orderBy('kind')
    .orderBy('family_name')
    .orderBy('given_name')
    .execute();
}

/** The person if the viewer may see them; otherwise nothing, exactly as if they did not exist. */
export function findVisiblePerson(db: DbOrTx, viewer: Viewer, id: string) {
  return db
    .selectFrom('people as p')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'p.partnership_id').onRef('a.id', '=', 'p.owning_agency_id'))
    .leftJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 'p.partnership_id').onRef('u.id', '=', 'p.created_by'))
    .selectAll('p')
    .select(['a.name as agency_name', 'u.display_name as created_by_name'])
    .where('p.id', '=', id)
    .where(personVisible(viewer, 'p'))
    .executeTakeFirst();
}

export type PersonRow = NonNullable<Awaited<ReturnType<typeof findVisiblePerson>>>;

/** Optimistic lock: the update applies only to the version the editor saw. */
export async function updatePerson(db: DbOrTx, partnershipId: string, id: string, version: number, columns: PersonColumns): Promise<boolean> {
  const result = await db
    .updateTable('people')
    .set((eb) => ({ ...personColumns(columns), updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * A change to a person's names, addresses or contacts is a change to the person: their version moves on, so one
 * version guards every form about them, and the person's history shows when and by whom the change was made.
 */
export async function touchPerson(db: DbOrTx, partnershipId: string, id: string, version: number): Promise<boolean> {
  const result = await db
    .updateTable('people')
    .set((eb) => ({ updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Newest first, only people the viewer may see, with the primary name and the owning agency. */
export async function listVisiblePeople(db: DbOrTx, viewer: Viewer, page: number) {
  const visible = db.selectFrom('people as p').where(personVisible(viewer, 'p'));
  const [rows, total] = await Promise.all([
    visible
      .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'p.partnership_id').onRef('a.id', '=', 'p.owning_agency_id'))
      .leftJoin('person_names as n', (join) =>
        join.onRef('n.partnership_id', '=', 'p.partnership_id').onRef('n.person_id', '=', 'p.id').on('n.is_primary', '=', true),
      )
      .select(['p.id', 'p.date_of_birth', 'p.estimated_age', 'p.estimated_age_on', 'p.created_at', 'a.name as agency_name', 'n.given_name', 'n.family_name'])
      .orderBy('p.created_at', 'desc')
      .orderBy('p.id', 'desc')
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE)
      .execute(),
    visible.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: total.count };
}

/** The person's row as record_history stores rows (to_jsonb), so past and present compare like for like. */
export async function currentRowAsJson(db: DbOrTx, partnershipId: string, id: string): Promise<Record<string, unknown>> {
  const row = await db
    .selectFrom('people as p')
    .select(sql<Record<string, unknown>>`to_jsonb(p)`.as('row'))
    .where('p.partnership_id', '=', partnershipId)
    .where('p.id', '=', id)
    .executeTakeFirstOrThrow();
  return row.row;
}

/** The person's row as it was at a version, and when it stopped being that version. */
export function historyAtVersion(db: DbOrTx, partnershipId: string, id: string, version: number) {
  return db
    .selectFrom('record_history')
    .select(['old_row', 'changed_at'])
    .where('partnership_id', '=', partnershipId)
    .where('table_name', '=', 'people')
    .where('record_id', '=', id)
    .where(sql<boolean>`old_row->>'version' = ${String(version)}`)
    .executeTakeFirst();
}

/**
 * Every kept row for the person and their parts, oldest first, with who made each change. Rows written in one
 * transaction share changed_at (PostgreSQL's now() is the transaction's start), which groups them into one change.
 */
export function listHistory(db: DbOrTx, partnershipId: string, id: string, since?: Date) {
  let query = db
    .selectFrom('record_history as h')
    .leftJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 'h.partnership_id').onRef('u.id', '=', 'h.changed_by'))
    .leftJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'u.partnership_id').onRef('a.id', '=', 'u.agency_id'))
    .select(['h.id', 'h.table_name', 'h.operation', 'h.changed_at', 'h.changed_by', 'h.old_row', 'u.display_name', 'a.name as agency_name'])
    .where('h.partnership_id', '=', partnershipId)
    .where((eb) =>
      eb.or([
        eb.and([eb('h.table_name', '=', 'people'), eb('h.record_id', '=', id)]),
        eb.and([eb('h.table_name', 'in', PERSON_PART_TABLES), eb(sql`h.old_row->>'person_id'`, '=', id)]),
      ]),
    );
  if (since) query = query.where('h.changed_at', '>=', since);
  return query.orderBy('h.id').execute();
}

export type HistoryRow = Awaited<ReturnType<typeof listHistory>>[number];
