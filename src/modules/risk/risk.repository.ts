import { sql, type Updateable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { caseVisible, personVisible, type Viewer } from '../people/people.policy.js';
import type { BandThresholds, InstrumentDefinition } from './risk.instrument.js';
import type { RiskAssessmentsTable } from './risk.table.js';

/** Instrument versions the partnership does not hold yet are added; versions it holds are left exactly as they are. */
export async function insertInstrumentVersions(
  db: DbOrTx,
  partnershipId: string,
  definitions: InstrumentDefinition[],
  source: 'shipped' | 'imported',
  importedBy: string | null,
): Promise<number> {
  if (definitions.length === 0) return 0;
  const result = await db
    .insertInto('risk_instruments')
    .values(
      definitions.map((d) => ({
        partnership_id: partnershipId,
        instrument_id: d.id,
        version: d.version,
        title: d.title,
        definition: JSON.stringify(d),
        source,
        imported_by: importedBy,
      })),
    )
    .onConflict((oc) => oc.columns(['partnership_id', 'instrument_id', 'version']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Every version the partnership holds, newest first within each instrument. */
export function listInstrumentVersions(db: DbOrTx, partnershipId: string, instrumentId?: string) {
  let query = db
    .selectFrom('risk_instruments')
    .select(['instrument_id', 'version', 'title', 'definition', 'source', 'imported_at', 'imported_by'])
    .where('partnership_id', '=', partnershipId);
  if (instrumentId) query = query.where('instrument_id', '=', instrumentId);
  return query.orderBy('instrument_id').orderBy('version', 'desc').execute();
}

/** One version of an instrument, or the latest the partnership holds. */
export function findInstrument(db: DbOrTx, partnershipId: string, instrumentId: string, version?: number) {
  let query = db
    .selectFrom('risk_instruments')
    .select(['instrument_id', 'version', 'title', 'definition', 'source'])
    .where('partnership_id', '=', partnershipId)
    .where('instrument_id', '=', instrumentId);
  if (version !== undefined) query = query.where('version', '=', version);
  return query.orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function findThresholds(db: DbOrTx, partnershipId: string, instrumentId: string): Promise<BandThresholds | null> {
  const row = await db
    .selectFrom('risk_band_thresholds')
    .select('thresholds')
    .where('partnership_id', '=', partnershipId)
    .where('instrument_id', '=', instrumentId)
    .executeTakeFirst();
  return row?.thresholds ?? null;
}

export async function saveThresholds(db: DbOrTx, partnershipId: string, instrumentId: string, thresholds: BandThresholds, userId: string | null) {
  await db
    .insertInto('risk_band_thresholds')
    .values({ partnership_id: partnershipId, instrument_id: instrumentId, thresholds: JSON.stringify(thresholds), updated_by: userId })
    .onConflict((oc) =>
      oc.columns(['partnership_id', 'instrument_id']).doUpdateSet({ thresholds: JSON.stringify(thresholds), updated_by: userId, updated_at: new Date() }),
    )
    .execute();
}

export async function deleteThresholds(db: DbOrTx, partnershipId: string, instrumentId: string): Promise<void> {
  await db.deleteFrom('risk_band_thresholds').where('partnership_id', '=', partnershipId).where('instrument_id', '=', instrumentId).execute();
}

/** Each case with its victim, the person a DASH is about. */
function caseVictims(db: DbOrTx) {
  return db
    .selectFrom('cases as c')
    .innerJoin('case_people as cp', (join) => join.onRef('cp.partnership_id', '=', 'c.partnership_id').onRef('cp.case_id', '=', 'c.id'))
    .innerJoin('people as p', (join) => join.onRef('p.partnership_id', '=', 'cp.partnership_id').onRef('p.id', '=', 'cp.person_id'))
    .select(['c.id as case_id', 'p.id as person_id'])
    .where('cp.role', '=', 'victim');
}

/** The victim of a case the viewer may see, if the viewer may see them too. */
export function findCaseVictim(db: DbOrTx, viewer: Viewer, caseId: string) {
  return caseVictims(db).where('c.id', '=', caseId).where(caseVisible(viewer, 'c')).where(personVisible(viewer, 'p')).executeTakeFirst();
}

/** Every case of the partnership with its victim's family name: the demo seed knows its cases by their victims. */
export function listCaseVictimNames(db: DbOrTx, partnershipId: string) {
  return caseVictims(db)
    .innerJoin('person_names as n', (join) => join.onRef('n.partnership_id', '=', 'p.partnership_id').onRef('n.person_id', '=', 'p.id'))
    .select('n.family_name')
    .where('c.partnership_id', '=', partnershipId)
    .where('n.is_primary', '=', true)
    .execute();
}

export async function insertAssessment(
  db: DbOrTx,
  row: {
    partnershipId: string;
    caseId: string;
    personId: string;
    instrumentId: string;
    instrumentVersion: number;
    assessorUserId: string | null;
    assessorAgencyId: string;
    assessedOn: string;
    victimParticipated: boolean | null;
  },
): Promise<string> {
  const { id } = await db
    .insertInto('risk_assessments')
    .values({
      partnership_id: row.partnershipId,
      case_id: row.caseId,
      person_id: row.personId,
      instrument_id: row.instrumentId,
      instrument_version: row.instrumentVersion,
      score: null,
      score_band: null,
      level: null,
      judgement_rationale: null,
      assessor_user_id: row.assessorUserId,
      assessor_agency_id: row.assessorAgencyId,
      assessed_on: row.assessedOn,
      victim_participated: row.victimParticipated,
      submitted_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Assessments of cases the viewer may see, with the instrument's title and who assessed. */
function visibleAssessments(db: DbOrTx, viewer: Viewer) {
  return db
    .selectFrom('risk_assessments as ra')
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'ra.partnership_id').onRef('c.id', '=', 'ra.case_id'))
    .innerJoin('risk_instruments as i', (join) =>
      join
        .onRef('i.partnership_id', '=', 'ra.partnership_id')
        .onRef('i.instrument_id', '=', 'ra.instrument_id')
        .onRef('i.version', '=', 'ra.instrument_version'),
    )
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'ra.partnership_id').onRef('a.id', '=', 'ra.assessor_agency_id'))
    .leftJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 'ra.partnership_id').onRef('u.id', '=', 'ra.assessor_user_id'))
    .select([
      'ra.id',
      'ra.case_id',
      'ra.person_id',
      'ra.instrument_id',
      'ra.instrument_version',
      'i.title as instrument_title',
      'ra.status',
      'ra.score',
      'ra.score_band',
      'ra.level',
      'ra.raised_by_judgement',
      'ra.judgement_rationale',
      'ra.assessor_user_id',
      'u.display_name as assessor_name',
      'ra.assessor_agency_id',
      'a.name as assessor_agency_name',
      'ra.assessed_on',
      'ra.victim_participated',
      'ra.submitted_at',
      'ra.version',
      'ra.created_at',
      'ra.updated_at',
    ])
    .where('ra.partnership_id', '=', viewer.partnershipId)
    .where(caseVisible(viewer, 'c'));
}

export function findVisibleAssessment(db: DbOrTx, viewer: Viewer, id: string) {
  return visibleAssessments(db, viewer).select(['ra.answers', 'ra.bands', 'i.definition']).where('ra.id', '=', id).executeTakeFirst();
}

export type AssessmentRow = NonNullable<Awaited<ReturnType<typeof findVisibleAssessment>>>;
export type AssessmentSummaryRow = Omit<AssessmentRow, 'answers' | 'bands' | 'definition'>;

/** A case's assessments, newest first: its risk history, drafts included. */
export function listCaseAssessments(db: DbOrTx, viewer: Viewer, caseId: string): Promise<AssessmentSummaryRow[]> {
  return visibleAssessments(db, viewer).where('ra.case_id', '=', caseId).orderBy('ra.assessed_on', 'desc').orderBy('ra.created_at', 'desc').execute();
}

/** The case's most recent submitted assessment (by date assessed, then by when it was submitted). */
export function findLatestSubmitted(db: DbOrTx, viewer: Viewer, caseId: string, instrumentId?: string) {
  let query = visibleAssessments(db, viewer)
    .select(['ra.answers', 'ra.bands', 'i.definition'])
    .where('ra.case_id', '=', caseId)
    .where('ra.status', '=', 'submitted');
  if (instrumentId) query = query.where('ra.instrument_id', '=', instrumentId);
  return query.orderBy('ra.assessed_on', 'desc').orderBy('ra.submitted_at', 'desc').limit(1).executeTakeFirst();
}

/** Optimistic lock: changes only a draft, at the version the assessor saw, of a case the assessor may still see. */
export async function updateDraft(
  db: DbOrTx,
  viewer: Viewer,
  id: string,
  version: number,
  change: Omit<Updateable<RiskAssessmentsTable>, 'version' | 'updated_at'>,
): Promise<number | null> {
  const row = await db
    .updateTable('risk_assessments as ra')
    .set((eb) => ({ ...change, updated_at: new Date(), version: eb('ra.version', '+', 1) }))
    .where('ra.partnership_id', '=', viewer.partnershipId)
    .where('ra.id', '=', id)
    .where('ra.version', '=', version)
    .where('ra.status', '=', 'draft')
    .where(sql<boolean>`exists (select 1 from cases c where c.partnership_id = ra.partnership_id and c.id = ra.case_id and ${caseVisible(viewer, 'c')})`)
    .returning('ra.version')
    .executeTakeFirst();
  return row?.version ?? null;
}
