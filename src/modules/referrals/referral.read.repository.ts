import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { caseVisible, personVisible, type Viewer } from '../people/people.policy.js';

/**
 * What the incident and referral pages read: SQL only, every query scoped to the viewer's access (a record on a case
 * they may not see is not found), the rows mapped for pages in referral.read.service.ts.
 */

/** Which of `ids` the viewer may see. */
export async function visiblePersonIds(db: DbOrTx, viewer: Viewer, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('people as p')
    .select('p.id')
    .where('p.partnership_id', '=', viewer.partnershipId)
    .where(sql<boolean>`p.id = any(${ids}::uuid[])`) // one statement text whatever the number: prepared once (src/db/database.ts)
    .where(personVisible(viewer, 'p'))
    .execute();
  return rows.map((row) => row.id);
}

/**
 * The primary names of people already found visible. A separate query on purpose: joining people to their names
 * under row-level security makes PostgreSQL check each pair, which costs seconds on the demo data.
 */
export function primaryNames(db: DbOrTx, partnershipId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('person_names')
    .select(['person_id as id', 'given_name', 'family_name'])
    .where('partnership_id', '=', partnershipId)
    .where(sql<boolean>`person_id = any(${ids}::uuid[])`)
    .where('is_primary', '=', true)
    .execute();
}

function visibleIncidents(db: DbOrTx, viewer: Viewer) {
  return db
    .selectFrom('incidents as i')
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'i.partnership_id').onRef('c.id', '=', 'i.case_id'))
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'i.partnership_id').onRef('a.id', '=', 'i.recorded_by_agency_id'))
    .select([
      'i.id',
      'i.case_id',
      'c.reference as case_reference',
      'i.victim_id',
      'i.perpetrator_ids',
      'i.occurred_on',
      'i.occurred_at_time',
      'i.types',
      'i.reported_to_police',
      'i.police_reference',
      'i.injuries',
      'i.children_present',
      'i.location_type',
      'i.summary',
      'i.is_repeat',
      'i.repeat_of_referral_id',
      'i.created_at',
      'a.name as recorded_by_agency',
    ])
    .where('i.partnership_id', '=', viewer.partnershipId)
    .where(caseVisible(viewer, 'c'));
}

export type IncidentRow = NonNullable<Awaited<ReturnType<typeof findIncident>>>;

export function findIncident(db: DbOrTx, viewer: Viewer, id: string) {
  return visibleIncidents(db, viewer).where('i.id', '=', id).executeTakeFirst();
}

/** A case's incidents, newest first. */
export function listCaseIncidents(db: DbOrTx, viewer: Viewer, caseId: string) {
  return visibleIncidents(db, viewer).where('i.case_id', '=', caseId).orderBy('i.occurred_on', 'desc').orderBy('i.created_at', 'desc').limit(200).execute();
}

/** The victim's incidents on any case the viewer may see, on or before `on` and on or after the same day `months` earlier. */
export function listVictimIncidentsInWindow(db: DbOrTx, viewer: Viewer, victimId: string, on: string, months: number) {
  return visibleIncidents(db, viewer)
    .where('i.victim_id', '=', victimId)
    .where('i.occurred_on', '<=', on)
    .where('i.occurred_on', '>=', sql<string>`(${on}::date - make_interval(months => ${months}))::date`)
    .orderBy('i.occurred_on', 'desc')
    .limit(100)
    .execute();
}

function visibleReferrals(db: DbOrTx, viewer: Viewer) {
  return db
    .selectFrom('referrals as r')
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'r.partnership_id').onRef('c.id', '=', 'r.case_id'))
    .innerJoin('agencies as fa', (join) => join.onRef('fa.partnership_id', '=', 'r.partnership_id').onRef('fa.id', '=', 'r.referring_agency_id'))
    .innerJoin('agencies as ta', (join) => join.onRef('ta.partnership_id', '=', 'r.partnership_id').onRef('ta.id', '=', 'r.to_agency_id'))
    .select([
      'r.id',
      'r.reference',
      'r.case_id',
      'c.reference as case_reference',
      'r.victim_id',
      'r.destination',
      'r.criterion',
      'r.referred_on',
      'r.status',
      'r.is_repeat',
      'fa.name as referring_agency',
      'ta.name as to_agency',
    ])
    .where('r.partnership_id', '=', viewer.partnershipId)
    .where(caseVisible(viewer, 'c'));
}

/** A case's referrals, newest first. */
export function listCaseReferrals(db: DbOrTx, viewer: Viewer, caseId: string) {
  return visibleReferrals(db, viewer).where('r.case_id', '=', caseId).orderBy('r.referred_on', 'desc').orderBy('r.created_at', 'desc').limit(200).execute();
}

/** A referral as its page shows it: who made it, what it was made on, and how it was screened. */
export function findReferral(db: DbOrTx, viewer: Viewer, id: string) {
  return visibleReferrals(db, viewer)
    .leftJoin('users as ru', (join) => join.onRef('ru.partnership_id', '=', 'r.partnership_id').onRef('ru.id', '=', 'r.referred_by'))
    .leftJoin('users as du', (join) => join.onRef('du.partnership_id', '=', 'r.partnership_id').onRef('du.id', '=', 'r.decided_by'))
    .leftJoin('risk_assessments as ra', (join) => join.onRef('ra.partnership_id', '=', 'r.partnership_id').onRef('ra.id', '=', 'r.risk_assessment_id'))
    .leftJoin('risk_instruments as ri', (join) =>
      join
        .onRef('ri.partnership_id', '=', 'ra.partnership_id')
        .onRef('ri.instrument_id', '=', 'ra.instrument_id')
        .onRef('ri.version', '=', 'ra.instrument_version'),
    )
    .select([
      'r.perpetrator_ids',
      'r.reasons',
      'r.score',
      'r.score_band',
      'r.escalation_count',
      'r.consent_status',
      'r.lawful_basis',
      'r.consent_reason',
      'r.repeat_of_id',
      'r.decided_at',
      'r.decline_code',
      'r.decision_reason',
      'r.version',
      'r.created_at',
      'ru.display_name as referred_by_name',
      'du.display_name as decided_by_name',
      'ra.assessed_on',
      'ri.title as instrument_title',
    ])
    .where('r.id', '=', id)
    .executeTakeFirst();
}

export type ReferralRow = NonNullable<Awaited<ReturnType<typeof findReferral>>>;

/** The date of a MARAC referral, read with whatever sight the caller's database viewer has. */
export function referralDate(db: DbOrTx, partnershipId: string, id: string) {
  return db
    .selectFrom('referrals')
    .select(['referred_on', 'perpetrator_ids'])
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function agencyName(db: DbOrTx, partnershipId: string, id: string) {
  return db.selectFrom('agencies').select('name').where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}
