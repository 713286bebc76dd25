import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { caseVisible, personVisible, type Viewer } from './people.policy.js';
import type { PersonRole } from './case.schemas.js';
import { nameSearchColumns } from './person.repository.js';

export const PAGE_SIZE = 50;

export type PersonRow = {
  id: string;
  owning_agency_id: string;
  date_of_birth: string | null;
  estimated_age: number | null;
  estimated_age_on: string | null;
  given_name: string;
  family_name: string;
};

export type CasePersonRow = PersonRow & { role: PersonRole; relationship: string | null; lives_with: string | null };

type NewPersonRow = {
  partnershipId: string;
  owningAgencyId: string;
  createdBy: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  estimatedAge: number | null;
  estimatedAgeOn: string | null;
};

/** The minimal person a case needs: the person pages add the rest. Search keys as the person pages store them. */
export async function insertPerson(db: DbOrTx, person: NewPersonRow): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    insert into people (partnership_id, owning_agency_id, date_of_birth, estimated_age, estimated_age_on, created_by)
    values (${person.partnershipId}, ${person.owningAgencyId}, ${person.dateOfBirth}, ${person.estimatedAge}, ${person.estimatedAgeOn}, ${person.createdBy})
    returning id`.execute(db);
  const id = rows[0]!.id;
  await db
    .insertInto('person_names')
    .values({
      partnership_id: person.partnershipId,
      person_id: id,
      kind: 'legal',
      given_name: person.givenName,
      family_name: person.familyName,
      is_primary: true,
      ...nameSearchColumns(person.givenName, person.familyName),
    })
    .execute();
  return id;
}

function peopleWithNames(db: DbOrTx) {
  return db
    .selectFrom('people as p')
    .innerJoin('person_names as n', (join) =>
      join.onRef('n.partnership_id', '=', 'p.partnership_id').onRef('n.person_id', '=', 'p.id').on('n.is_primary', '=', true),
    )
    .select(['p.id', 'p.owning_agency_id', 'p.date_of_birth', 'p.estimated_age', 'p.estimated_age_on', 'n.given_name', 'n.family_name']);
}

export function findVisiblePerson(db: DbOrTx, viewer: Viewer, id: string): Promise<PersonRow | undefined> {
  return peopleWithNames(db).where('p.id', '=', id).where(personVisible(viewer, 'p')).executeTakeFirst();
}

/** Those of the given people the viewer may see, e.g. people a case's timeline names who are no longer on it. */
export function listVisiblePeople(db: DbOrTx, viewer: Viewer, ids: string[]): Promise<PersonRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  // = any(array): one statement text whatever the number of ids, so it is prepared once (src/db/database.ts).
  return peopleWithNames(db)
    .where('p.partnership_id', '=', viewer.partnershipId)
    .where(sql<boolean>`p.id = any(${ids}::uuid[])`)
    .where(personVisible(viewer, 'p'))
    .execute();
}

export async function deleteCasePerson(db: DbOrTx, partnershipId: string, caseId: string, personId: string): Promise<void> {
  await db.deleteFrom('case_people').where('partnership_id', '=', partnershipId).where('case_id', '=', caseId).where('person_id', '=', personId).execute();
}

/** HBR-<year opened>-<6 digits>: the year helps people read it; the sequence alone keeps it unique. */
export async function nextReference(db: DbOrTx, openedOn: string): Promise<string> {
  const { rows } = await sql<{ reference: string }>`
    select 'HBR-' || extract(year from ${openedOn}::date)::text || '-' || lpad(nextval('case_reference_seq')::text, 6, '0') as reference`.execute(db);
  return rows[0]!.reference;
}

export async function insertCase(
  db: DbOrTx,
  values: { partnershipId: string; reference: string; owningAgencyId: string; openedOn: string; flags: string[]; createdBy: string },
): Promise<string> {
  const row = await db
    .insertInto('cases')
    .values({
      partnership_id: values.partnershipId,
      reference: values.reference,
      owning_agency_id: values.owningAgencyId,
      opened_on: values.openedOn,
      closed_on: null,
      flags: values.flags,
      created_by: values.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertCasePerson(
  db: DbOrTx,
  row: { partnershipId: string; caseId: string; personId: string; role: PersonRole; relationship: string | null; livesWith: string | null },
): Promise<void> {
  await db
    .insertInto('case_people')
    .values({
      partnership_id: row.partnershipId,
      case_id: row.caseId,
      person_id: row.personId,
      role: row.role,
      relationship: row.relationship,
      lives_with: row.livesWith,
    })
    .execute();
}

export function findVisibleCase(db: DbOrTx, viewer: Viewer, id: string) {
  return db
    .selectFrom('cases as c')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'c.partnership_id').onRef('a.id', '=', 'c.owning_agency_id'))
    .select(['c.id', 'c.reference', 'c.owning_agency_id', 'c.status', 'c.flags', 'c.opened_on', 'c.closed_on', 'c.version', 'a.name as owning_agency_name'])
    .where('c.id', '=', id)
    .where(caseVisible(viewer, 'c'))
    .executeTakeFirst();
}

export type CaseRow = NonNullable<Awaited<ReturnType<typeof findVisibleCase>>>;

/** The case's people the viewer may see: someone on the person's own "must not see" list is left out. */
export function listCasePeople(db: DbOrTx, viewer: Viewer, caseId: string): Promise<CasePersonRow[]> {
  return peopleWithNames(db)
    .innerJoin('case_people as cp', (join) => join.onRef('cp.partnership_id', '=', 'p.partnership_id').onRef('cp.person_id', '=', 'p.id'))
    .select(['cp.role', 'cp.relationship', 'cp.lives_with'])
    .where('cp.partnership_id', '=', viewer.partnershipId)
    .where('cp.case_id', '=', caseId)
    .where(personVisible(viewer, 'p'))
    .orderBy('cp.added_at')
    .orderBy('n.family_name')
    .execute();
}

/** Roles of everyone on the case, seen or not, for rules that must hold whatever the viewer sees. */
export function listCaseRoles(db: DbOrTx, partnershipId: string, caseId: string) {
  return db.selectFrom('case_people').select(['person_id', 'role']).where('partnership_id', '=', partnershipId).where('case_id', '=', caseId).execute();
}

export type CaseListRow = {
  id: string;
  reference: string;
  status: 'open' | 'closed';
  opened_on: string;
  flag_count: number;
  victim_given: string | null;
  victim_family: string | null;
};

export async function listVisibleCases(db: DbOrTx, viewer: Viewer, options: { page: number; status?: 'open' | 'closed' }) {
  const status = options.status ? sql`and c.status = ${options.status}` : sql``;
  const [rows, total] = await Promise.all([
    sql<CaseListRow>`
      select c.id, c.reference, c.status, c.opened_on, cardinality(c.flags) as flag_count, n.given_name as victim_given, n.family_name as victim_family
      from cases c
      left join case_people v on v.partnership_id = c.partnership_id and v.case_id = c.id and v.role = 'victim'
      left join people p on p.partnership_id = v.partnership_id and p.id = v.person_id and ${personVisible(viewer, 'p')}
      left join person_names n on n.partnership_id = p.partnership_id and n.person_id = p.id and n.is_primary
      where ${caseVisible(viewer, 'c')} ${status}
      order by c.opened_on desc, c.reference desc
      limit ${PAGE_SIZE} offset ${(options.page - 1) * PAGE_SIZE}`.execute(db),
    sql<{ count: number }>`select count(*)::int as count from cases c where ${caseVisible(viewer, 'c')} ${status}`.execute(db),
  ]);
  return { rows: rows.rows, total: total.rows[0]?.count ?? 0 };
}

export function listCaseAgencies(db: DbOrTx, partnershipId: string, caseId: string) {
  return db
    .selectFrom('case_agencies as ca')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'ca.partnership_id').onRef('a.id', '=', 'ca.agency_id'))
    .select(['a.id', 'a.name', 'ca.added_at'])
    .where('ca.partnership_id', '=', partnershipId)
    .where('ca.case_id', '=', caseId)
    .orderBy('a.name')
    .execute();
}

/** Agencies a case may be shared with: active, with an information-sharing agreement in force today (DOMAIN.md §6). */
export function listAgreementAgencies(db: DbOrTx, partnershipId: string, today: string) {
  return db
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('partnership_id', '=', partnershipId)
    .where('active', '=', true)
    .where('isa_signed_on', '<=', today)
    .where((eb) => eb.or([eb('isa_expires_on', 'is', null), eb('isa_expires_on', '>=', today)]))
    .orderBy('name')
    .execute();
}

export async function insertCaseAgency(db: DbOrTx, row: { partnershipId: string; caseId: string; agencyId: string; addedBy: string }): Promise<void> {
  await db
    .insertInto('case_agencies')
    .values({ partnership_id: row.partnershipId, case_id: row.caseId, agency_id: row.agencyId, added_by: row.addedBy })
    .execute();
}

/** Optimistic lock: applies only to the version the editor saw, and only to a case the editor may still see. */
export async function updateCase(
  db: DbOrTx,
  viewer: Viewer,
  id: string,
  version: number,
  change: { status: 'open' | 'closed'; closed_on: string | null; flags: string[] },
): Promise<boolean> {
  const result = await db
    .updateTable('cases')
    .set((eb) => ({ ...change, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .where(caseVisible(viewer, 'cases'))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const TIMELINE_ACTIONS = ['case.create', 'case.person.add', 'case.person.remove', 'case.agency.assign', 'restriction.add', 'restriction.remove'];

/** What was done to the case, from the audit log: successful changes only, never views. */
export function listCaseEvents(db: DbOrTx, partnershipId: string, caseId: string, actions: string[]) {
  return db
    .selectFrom('audit_events as e')
    .leftJoin('users as u', 'u.id', 'e.user_id')
    .leftJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'e.partnership_id').onRef('a.id', '=', 'e.agency_id'))
    .select(['e.seq', 'e.occurred_at', 'e.action', 'e.details', 'u.display_name as user_name', 'a.name as agency_name'])
    .where('e.partnership_id', '=', partnershipId)
    .where('e.subject_type', '=', 'case')
    .where('e.subject_id', '=', caseId)
    .where('e.outcome', '=', 'success')
    .where(sql<boolean>`e.action = any(${actions}::text[])`)
    .orderBy('e.seq', 'desc')
    .execute();
}

/** Earlier versions of the case row, oldest first, kept by the record_history trigger. */
export function listCaseHistory(db: DbOrTx, partnershipId: string, caseId: string) {
  return db
    .selectFrom('record_history as h')
    .leftJoin('users as u', 'u.id', 'h.changed_by')
    .leftJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'u.partnership_id').onRef('a.id', '=', 'u.agency_id'))
    .select(['h.id', 'h.changed_at', 'h.old_row', 'u.display_name as user_name', 'a.name as agency_name'])
    .where('h.partnership_id', '=', partnershipId)
    .where('h.table_name', '=', 'cases')
    .where('h.record_id', '=', caseId)
    .orderBy('h.id')
    .execute();
}
