import type { Db, Tx } from '../../db/database.js';
import { currentViewer } from '../../db/viewer.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { assertMaySeePersonalData, type Viewer } from '../people/people.policy.js';
import type { CONSENT_STATUSES, LAWFUL_BASES } from './referral.codes.js';
import { countIncidentsInWindow, findRepeat } from './referral.detection.js';
import { referralErrors } from './referral.errors.js';
import * as repo from './referral.repository.js';
import type { Criterion, Destination } from './referrals.table.js';

export type ReferralInput = {
  caseId: string;
  destination: Destination;
  /** MARAC only. */
  criterion: Criterion | null;
  /** Other destinations: the agency that receives the referral. MARAC referrals go to the partnership's MARAC agency. */
  toAgencyId: string | null;
  reasons: string | null;
  referredOn: string;
  perpetratorIds: string[];
  riskAssessmentId: string | null;
  consent: { status: (typeof CONSENT_STATUSES)[number]; lawfulBasis: (typeof LAWFUL_BASES)[number] | null; reason: string | null };
  /** The API's Idempotency-Key header. */
  idempotencyKey?: string | null;
};

export type ReferralCreated = {
  id: string;
  reference: string;
  caseId: string;
  victimId: string;
  perpetratorIds: string[];
  destination: Destination;
  criterion: Criterion | null;
  status: string;
  repeat: boolean;
  repeatOf: string | null;
  escalationCount: number;
  score: number | null;
  band: string | null;
};

/** Checks the MARAC criterion against the data (DOMAIN.md §3); a criterion the data does not support is refused with why. */
function assertCriterion(
  input: ReferralInput,
  found: { score: number | null; band: string | null; escalationCount: number; isRepeat: boolean },
  window: { escalationIncidents: number; escalationMonths: number },
): void {
  switch (input.criterion) {
    case 'visible_high_risk':
      if (found.band !== 'high') throw referralErrors.notHighRisk(found.score);
      return;
    case 'professional_judgement':
      if (!input.reasons?.trim()) throw referralErrors.reasonsRequired();
      return;
    case 'potential_escalation':
      if (found.escalationCount < window.escalationIncidents)
        throw referralErrors.notEscalation(found.escalationCount, window.escalationIncidents, window.escalationMonths);
      return;
    case 'repeat':
      if (!found.isRepeat) throw referralErrors.notRepeat(input.referredOn);
      return;
    case null:
      return;
  }
}

/**
 * Records a referral (issue 4). A MARAC referral is checked against its criterion, flagged as a repeat when it is
 * one, and stores the escalation count and risk score it was made on; the receiving agency is given the case.
 * Everything happens in one transaction that holds the victim's lock, or nothing does.
 */
export async function createReferral(db: Db, actor: Actor, viewer: Viewer, input: ReferralInput): Promise<ReferralCreated> {
  return actingTransaction(db, actor, (trx) => createReferralIn(trx, actor, viewer, input));
}

/**
 * createReferral inside the caller's transaction, for a use case that records the case, assessment and incidents
 * first (a referral made through the API). `known` is the case as the caller has just read it in this transaction,
 * if it has (it is not read again).
 */
export async function createReferralIn(trx: Tx, actor: Actor, viewer: Viewer, input: ReferralInput, known?: repo.ReferralCase): Promise<ReferralCreated> {
  assertMaySeePersonalData(viewer);
  const today = londonToday();
  if (input.referredOn > today) throw referralErrors.futureDate('referredOn');
  if (input.consent.status !== 'given' && (!input.consent.lawfulBasis || !input.consent.reason?.trim())) throw referralErrors.lawfulBasisRequired();
  const theCase = known?.id === input.caseId ? known : await repo.caseForReferral(trx, viewer, input.caseId);
  if (!theCase) throw errors.notFound('Case');
  if (!theCase.victimId) throw referralErrors.noVictim();
  input.perpetratorIds.forEach((id, i) => {
    if (!theCase.perpetratorIds.includes(id)) throw referralErrors.perpetratorNotOnCase(`perpetratorIds.${i}`);
  });
  const marac = input.destination === 'marac';
  // The agreement checked is the referring agency's for MARAC, the receiving agency's otherwise.
  const { rules, agreementInForce } = await repo.settingsAndAgreement(trx, viewer.partnershipId, marac ? viewer.agencyId : input.toAgencyId, today);
  let toAgencyId: string;
  if (marac) {
    if (!agreementInForce) throw referralErrors.agreementNotInForce();
    if (!rules.maracAgencyId) throw referralErrors.noMaracAgency();
    toAgencyId = rules.maracAgencyId;
  } else {
    if (!input.toAgencyId || !agreementInForce) throw referralErrors.receivingAgency();
    toAgencyId = input.toAgencyId;
  }

  const assessment = await repo.scoredAssessment(trx, viewer.partnershipId, theCase.id, input.riskAssessmentId);
  if (input.riskAssessmentId && !assessment) throw referralErrors.assessmentNotFound();
  await repo.lockVictim(trx, viewer.partnershipId, theCase.victimId);
  const repeat = marac
    ? await findRepeat(trx, viewer.partnershipId, theCase.victimId, input.perpetratorIds, input.referredOn)
    : { isRepeat: false, repeatOf: null };
  const escalationCount = marac
    ? await countIncidentsInWindow(trx, currentViewer(), viewer.partnershipId, theCase.victimId, input.referredOn, rules.escalationMonths)
    : 0;
  const found = { score: assessment?.score ?? null, band: assessment?.score_band ?? null, escalationCount, isRepeat: repeat.isRepeat };
  assertCriterion(input, found, rules);

  const tokenId = actor.principal.kind === 'token' ? actor.principal.tokenId : null;
  const saved = await repo.insertReferral(trx, {
    partnership_id: viewer.partnershipId,
    reference: await repo.nextReference(trx),
    case_id: theCase.id,
    victim_id: theCase.victimId,
    perpetrator_ids: input.perpetratorIds,
    destination: input.destination,
    criterion: marac ? input.criterion : null,
    to_agency_id: toAgencyId,
    reasons: input.reasons,
    referred_on: input.referredOn,
    referring_agency_id: viewer.agencyId,
    referred_by: tokenId ? null : viewer.userId,
    api_token_id: tokenId,
    risk_assessment_id: assessment?.id ?? null,
    score: found.score,
    score_band: found.band,
    escalation_count: escalationCount,
    consent_status: input.consent.status,
    lawful_basis: input.consent.status === 'given' ? null : input.consent.lawfulBasis,
    consent_reason: input.consent.status === 'given' ? null : input.consent.reason,
    is_repeat: repeat.isRepeat,
    repeat_of_id: repeat.repeatOf,
    idempotency_key: input.idempotencyKey ?? null,
  });
  await repo.shareCase(trx, viewer.partnershipId, theCase.id, toAgencyId, tokenId ? null : viewer.userId);
  await actor.record(trx, {
    action: 'referral.create',
    outcome: 'success',
    subjectType: 'referral',
    subjectId: saved.id,
    details: { caseId: theCase.id, destination: input.destination, criterion: input.criterion, repeat: repeat.isRepeat },
  });
  return {
    id: saved.id,
    reference: saved.reference,
    caseId: theCase.id,
    victimId: theCase.victimId,
    perpetratorIds: input.perpetratorIds,
    destination: input.destination,
    criterion: marac ? input.criterion : null,
    status: saved.status,
    repeat: repeat.isRepeat,
    repeatOf: repeat.repeatOf,
    escalationCount,
    score: found.score,
    band: found.band,
  };
}
