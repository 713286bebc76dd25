import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { caseVisible, type Viewer } from '../people/people.policy.js';
import { recordVisible } from './services.policy.js';
import type { AnswerValue, EndReason, LeftReason, PersonRole, StageAnswers } from './services.table.js';

/** SQL only (docs/services.md): services, people's records in them, and aggregate activity. */

export type ServiceRow = {
  id: string;
  definition_id: string;
  definition_version: number;
  kind: 'person' | 'aggregate';
  provider_agency_id: string;
  provider_name: string;
  capacity: number | null;
  active: boolean;
  version: number;
};

function servicesQuery(db: DbOrTx, partnershipId: string) {
  return db
    .selectFrom('services as s')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 's.partnership_id').onRef('a.id', '=', 's.provider_agency_id'))
    .select([
      's.id',
      's.definition_id',
      's.definition_version',
      's.kind',
      's.provider_agency_id',
      'a.name as provider_name',
      's.capacity',
      's.active',
      's.version',
    ])
    .where('s.partnership_id', '=', partnershipId);
}

export function listServices(db: DbOrTx, partnershipId: string): Promise<ServiceRow[]> {
  return servicesQuery(db, partnershipId).orderBy('s.kind', 'desc').orderBy('s.definition_id').execute();
}

export function findService(db: DbOrTx, partnershipId: string, id: string): Promise<ServiceRow | undefined> {
  return servicesQuery(db, partnershipId).where('s.id', '=', id).executeTakeFirst();
}

export async function insertService(
  db: DbOrTx,
  row: {
    partnershipId: string;
    definitionId: string;
    version: number;
    kind: 'person' | 'aggregate';
    providerAgencyId: string;
    capacity: number | null;
    createdBy: string | null;
  },
): Promise<string> {
  const inserted = await db
    .insertInto('services')
    .values({
      partnership_id: row.partnershipId,
      definition_id: row.definitionId,
      definition_version: row.version,
      kind: row.kind,
      provider_agency_id: row.providerAgencyId,
      capacity: row.capacity,
      created_by: row.createdBy,
    })
    .onConflict((oc) => oc.columns(['partnership_id', 'definition_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? '';
}

/** Changes a service's provider, capacity and whether it takes referrals, if it is still at `version`. */
export async function updateService(
  db: DbOrTx,
  row: { partnershipId: string; id: string; version: number; providerAgencyId: string; capacity: number | null; active: boolean },
): Promise<boolean> {
  const result = await db
    .updateTable('services')
    .set({ provider_agency_id: row.providerAgencyId, capacity: row.capacity, active: row.active, version: sql`version + 1`, updated_at: new Date() })
    .where('partnership_id', '=', row.partnershipId)
    .where('id', '=', row.id)
    .where('version', '=', row.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function findAgency(db: DbOrTx, partnershipId: string, id: string) {
  return db
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('active', '=', true)
    .executeTakeFirst();
}

export function listActiveAgencies(db: DbOrTx, partnershipId: string) {
  return db.selectFrom('agencies').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('active', '=', true).orderBy('name').execute();
}

/** Per service: people referred and not yet ended, and people started and not yet ended (counts, past the viewer). */
export async function openCounts(db: DbOrTx, partnershipId: string): Promise<Map<string, { waiting: number; inService: number }>> {
  const rows = await db
    .selectFrom('service_records')
    .select((eb) => [
      'service_id',
      eb.fn.count<number>('id').filterWhere('started_on', 'is', null).as('waiting'),
      eb.fn.count<number>('id').filterWhere('started_on', 'is not', null).as('in_service'),
    ])
    .where('partnership_id', '=', partnershipId)
    .where('ended_on', 'is', null)
    .groupBy('service_id')
    .execute();
  return new Map(rows.map((r) => [r.service_id, { waiting: Number(r.waiting), inService: Number(r.in_service) }]));
}

const RECORD_COLUMNS = [
  'sr.id',
  'sr.service_id',
  'sr.person_id',
  'sr.case_id',
  'sr.person_name',
  'sr.person_date_of_birth',
  'sr.person_role',
  'sr.provider_agency_id',
  'sr.referring_agency_id',
  'sr.referred_on',
  'sr.assessed_on',
  'sr.started_on',
  'sr.ended_on',
  'sr.end_reason',
  'sr.left_reason',
  'sr.answers',
  'sr.version',
  'sr.updated_at',
] as const;

export type RecordRow = {
  id: string;
  service_id: string;
  person_id: string;
  case_id: string | null;
  person_name: string;
  person_date_of_birth: string | null;
  person_role: PersonRole;
  provider_agency_id: string;
  referring_agency_id: string;
  referring_agency_name: string;
  case_reference: string | null;
  referred_on: string;
  assessed_on: string | null;
  started_on: string | null;
  ended_on: string | null;
  end_reason: EndReason | null;
  left_reason: LeftReason | null;
  answers: StageAnswers;
  version: number;
  updated_at: Date;
};

function recordsQuery(db: DbOrTx, viewer: Viewer, serviceId: string) {
  return db
    .selectFrom('service_records as sr')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'sr.partnership_id').onRef('a.id', '=', 'sr.referring_agency_id'))
    .select([...RECORD_COLUMNS, 'a.name as referring_agency_name'])
    .select(sql<string | null>`(select c.reference from cases c where c.partnership_id = sr.partnership_id and c.id = sr.case_id)`.as('case_reference'))
    .where('sr.service_id', '=', serviceId)
    .where(recordVisible(viewer, 'sr'));
}

export function findVisibleRecord(db: DbOrTx, viewer: Viewer, serviceId: string, id: string): Promise<RecordRow | undefined> {
  return recordsQuery(db, viewer, serviceId).where('sr.id', '=', id).executeTakeFirst();
}

/** A page of the records still open that the viewer may see, oldest referral first, and how many there are. */
export async function listOpenRecords(
  db: DbOrTx,
  viewer: Viewer,
  serviceId: string,
  page: number,
  pageSize: number,
): Promise<{ rows: RecordRow[]; total: number }> {
  const open = recordsQuery(db, viewer, serviceId).where('sr.ended_on', 'is', null);
  const [rows, count] = await Promise.all([
    open
      .orderBy('sr.referred_on')
      .orderBy('sr.id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    db
      .selectFrom('service_records as sr')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sr.service_id', '=', serviceId)
      .where('sr.ended_on', 'is', null)
      .where(recordVisible(viewer, 'sr'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Whether the person has an open record in the service that the caller's viewer may see. */
export async function hasOpenRecord(db: DbOrTx, partnershipId: string, serviceId: string, personId: string): Promise<boolean> {
  const row = await db
    .selectFrom('service_records')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('service_id', '=', serviceId)
    .where('person_id', '=', personId)
    .where('ended_on', 'is', null)
    .executeTakeFirst();
  return Boolean(row);
}

export async function insertRecord(
  db: DbOrTx,
  row: {
    partnershipId: string;
    serviceId: string;
    personId: string;
    caseId: string | null;
    personName: string;
    personDateOfBirth: string | null;
    role: PersonRole;
    providerAgencyId: string;
    referringAgencyId: string;
    referredBy: string | null;
    referredOn: string;
    answers: StageAnswers;
  },
): Promise<string> {
  const inserted = await db
    .insertInto('service_records')
    .values({
      partnership_id: row.partnershipId,
      service_id: row.serviceId,
      person_id: row.personId,
      case_id: row.caseId,
      person_name: row.personName,
      person_date_of_birth: row.personDateOfBirth,
      person_role: row.role,
      provider_agency_id: row.providerAgencyId,
      referring_agency_id: row.referringAgencyId,
      referred_by: row.referredBy,
      referred_on: row.referredOn,
      assessed_on: null,
      started_on: null,
      ended_on: null,
      end_reason: null,
      left_reason: null,
      answers: JSON.stringify(row.answers),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export type StageColumns = {
  referred_on: string;
  assessed_on: string | null;
  started_on: string | null;
  ended_on: string | null;
  end_reason: EndReason | null;
  left_reason: LeftReason | null;
  answers: StageAnswers;
};

/** Saves a record's stages if it is still at `version`; false when someone changed it first. */
export async function updateRecordStages(db: DbOrTx, partnershipId: string, id: string, version: number, columns: StageColumns): Promise<boolean> {
  const result = await db
    .updateTable('service_records')
    .set({ ...columns, answers: JSON.stringify(columns.answers), version: sql`version + 1`, updated_at: new Date() })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A case by its reference, if the viewer may see it. */
export function findVisibleCaseByReference(db: DbOrTx, viewer: Viewer, reference: string) {
  return db
    .selectFrom('cases as c')
    .select(['c.id', 'c.reference'])
    .where('c.partnership_id', '=', viewer.partnershipId)
    .where(sql<boolean>`upper(c.reference) = upper(${reference})`)
    .where(caseVisible(viewer, 'c'))
    .executeTakeFirst();
}

export type ActivityRow = {
  id: string;
  occurred_on: string;
  answers: Record<string, AnswerValue | Record<string, number>>;
  entered_by_name: string | null;
  entered_at: Date;
  updated_by_name: string | null;
  updated_at: Date;
  version: number;
};

function activityQuery(db: DbOrTx, partnershipId: string, serviceId: string) {
  return db
    .selectFrom('service_activity as e')
    .leftJoin('users as eu', (join) => join.onRef('eu.partnership_id', '=', 'e.partnership_id').onRef('eu.id', '=', 'e.entered_by'))
    .leftJoin('users as uu', (join) => join.onRef('uu.partnership_id', '=', 'e.partnership_id').onRef('uu.id', '=', 'e.updated_by'))
    .select([
      'e.id',
      'e.occurred_on',
      'e.answers',
      'eu.display_name as entered_by_name',
      'e.entered_at',
      'uu.display_name as updated_by_name',
      'e.updated_at',
      'e.version',
    ])
    .where('e.partnership_id', '=', partnershipId)
    .where('e.service_id', '=', serviceId);
}

export async function listActivity(
  db: DbOrTx,
  partnershipId: string,
  serviceId: string,
  page: number,
  pageSize: number,
): Promise<{ rows: ActivityRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    activityQuery(db, partnershipId, serviceId)
      .orderBy('e.occurred_on', 'desc')
      .orderBy('e.entered_at', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    db
      .selectFrom('service_activity')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('partnership_id', '=', partnershipId)
      .where('service_id', '=', serviceId)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function findActivity(db: DbOrTx, partnershipId: string, serviceId: string, id: string): Promise<ActivityRow | undefined> {
  return activityQuery(db, partnershipId, serviceId).where('e.id', '=', id).executeTakeFirst();
}

export async function insertActivity(
  db: DbOrTx,
  row: { partnershipId: string; serviceId: string; occurredOn: string; answers: Record<string, unknown>; enteredBy: string | null },
): Promise<string> {
  const inserted = await db
    .insertInto('service_activity')
    .values({
      partnership_id: row.partnershipId,
      service_id: row.serviceId,
      occurred_on: row.occurredOn,
      answers: JSON.stringify(row.answers),
      entered_by: row.enteredBy,
      updated_by: row.enteredBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateActivity(
  db: DbOrTx,
  row: { partnershipId: string; id: string; version: number; occurredOn: string; answers: Record<string, unknown>; updatedBy: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('service_activity')
    .set({ occurred_on: row.occurredOn, answers: JSON.stringify(row.answers), updated_by: row.updatedBy, updated_at: new Date(), version: sql`version + 1` })
    .where('partnership_id', '=', row.partnershipId)
    .where('id', '=', row.id)
    .where('version', '=', row.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An entry's earlier versions, newest first (record_history keeps each row as it was before a correction). */
export function activityHistory(db: DbOrTx, partnershipId: string, id: string) {
  return db
    .selectFrom('record_history as h')
    .leftJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 'h.partnership_id').onRef('u.id', '=', 'h.changed_by'))
    .select(['h.id', 'h.changed_at', 'h.old_row', 'u.display_name as changed_by_name'])
    .where('h.partnership_id', '=', partnershipId)
    .where('h.table_name', '=', 'service_activity')
    .where('h.record_id', '=', id)
    .orderBy('h.id', 'desc')
    .execute();
}
