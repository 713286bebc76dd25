import type { Db } from '../../db/database.js';
import type { RiskLevel } from '../risk/risk.instrument.js';
import { ensureShippedInstruments } from '../risk/risk.service.js';

export type SubmittedAssessment = {
  partnershipId: string;
  caseId: string;
  personId: string;
  agencyId: string;
  score: number;
  band: RiskLevel;
  assessedOn: string;
};

/** A submitted DASH RIC with only its score and band, straight into the table: the referral rules read nothing else. */
export async function insertSubmittedAssessment(db: Db, a: SubmittedAssessment): Promise<string> {
  const row = await db
    .insertInto('risk_assessments')
    .values({
      partnership_id: a.partnershipId,
      case_id: a.caseId,
      person_id: a.personId,
      instrument_id: 'dash-ric-24',
      instrument_version: 1,
      status: 'submitted',
      answers: '{}',
      score: a.score,
      score_band: a.band,
      level: a.band,
      judgement_rationale: null,
      bands: null,
      assessor_user_id: null,
      assessor_agency_id: a.agencyId,
      assessed_on: a.assessedOn,
      victim_participated: true,
      submitted_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * What the referral tests need beyond the demo agencies and users: the shipped risk instruments, and Council
 * Community Safety as the partnership's MARAC agency. Returns the agencies' ids by code.
 */
export async function prepareReferrals(db: Db, partnershipId: string): Promise<Record<string, string>> {
  const agencies: Record<string, string> = {};
  for (const a of await db.selectFrom('agencies').select(['id', 'code']).execute()) agencies[a.code] = a.id;
  await ensureShippedInstruments(db, partnershipId);
  await db.insertInto('referral_settings').values({ partnership_id: partnershipId, marac_agency_id: agencies.COUNCIL!, updated_by: null }).execute();
  return agencies;
}
