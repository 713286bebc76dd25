import type { FastifyRequest } from 'fastify';
import type { Db, Tx } from '../../db/database.js';
import { errors, HarbourError } from '../../platform/errors.js';
import type { TokenPrincipal } from '../../platform/principal.js';
import { actorFor, type Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { addPersonToCaseIn, openCaseIn } from '../people/case.service.js';
import { inJsonTerms } from '../people/people.api.forms.js';
import { tokenActor, type TokenActor } from '../people/people.api.token.js';
import { recordSubmittedAssessmentIn, scoreWithoutStoring } from '../risk/risk.service.js';
import { recordIncidentIn } from './incident.service.js';
import { personJsonField, perpetratorFormOf, victimForm, type Checked } from './referral.api.forms.js';
import * as apiRepo from './referral.api.repository.js';
import type { ReferralJson, ReferralOut } from './referral.api.schemas.js';
import * as repo from './referral.repository.js';
import { createReferralIn } from './referral.service.js';
import type { Criterion } from './referrals.table.js';

/**
 * POST /api/v1/referrals: an agency's own system refers a victim with their people, risk assessment and incidents
 * in one request. Each step is the pages' own service (open a case, add a perpetrator, submit an assessment, record
 * an incident, make the referral), run in one transaction, so a refused referral leaves nothing behind. Each step
 * audits itself with the token's id; when the transaction rolls back, so do those events, and the request's own
 * event records the failure.
 */

const SCOPE = 'referrals';

function refused(code: string, field: string, message: string): HarbourError {
  return new HarbourError(code, 422, message, [{ field, message }]);
}

const apiErrors = {
  personNotFound: (field: string) =>
    refused('person_not_found', field, 'No person the token’s agency may see has this id. Send their details instead to record them as a new person.'),
  caseNotFound: () => refused('case_not_found', 'caseId', 'No case the token’s agency may see has this id'),
  victimNotOnCase: () => refused('victim_not_on_case', 'victim.id', 'This person is not the victim on the case sent in caseId'),
  keyReused: () =>
    refused(
      'idempotency_key_reused',
      'Idempotency-Key',
      'This Idempotency-Key was used for a different referral. Use a new key for each new referral, and the same key only to retry one.',
    ),
  keyTaken: () =>
    new HarbourError('idempotency_key_reused', 409, 'This Idempotency-Key was used for a referral the token’s agency can no longer see. Use a new key.', [
      { field: 'Idempotency-Key', message: 'Use a new key' },
    ]),
  badKey: () => errors.validation([{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 200 printable characters' }]),
};

/** The Idempotency-Key header: optional; when sent, 1 to 200 printable ASCII characters (e.g. a UUID). */
export function idempotencyKeyOf(request: FastifyRequest): string | null {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return null;
  const key = typeof header === 'string' ? header.trim() : '';
  if (!/^[\x20-\x7e]{1,200}$/.test(key)) throw apiErrors.badKey();
  return key;
}

function formOrThrow<T>(checked: Checked<T>): T {
  if (!checked.ok) throw errors.validation(checked.errors);
  return checked.form;
}

/** Someone the token may see (checked at once for everyone the referral names by id), or a 422 on the field that named them. */
function seenOrRefused(visible: Set<string>, id: string, field: string): string {
  if (!visible.has(id)) throw apiErrors.personNotFound(field);
  return id;
}

const prefixed = (prefix: string) => (field: string) => `${prefix}.${field}`;

/**
 * The case the referral goes on: the one sent (its victim must be the victim sent, if any); else, for a victim on
 * Harbour with perpetrators all on Harbour, their most recent open case the agency owns or shares that has every
 * one of these perpetrators; else a new case owned by the agency, opened on the referral date, with the victim.
 */
async function caseFor(trx: Tx, actor: TokenActor, json: ReferralJson, visible: Set<string>): Promise<{ id: string; found?: repo.ReferralCase }> {
  const viewer = actor.principal;
  if (json.caseId) {
    const found = await repo.caseForReferral(trx, viewer, json.caseId);
    if (!found) throw apiErrors.caseNotFound();
    if (json.victim?.id && json.victim.id.toLowerCase() !== found.victimId) throw apiErrors.victimNotOnCase();
    return { id: found.id, found };
  }
  const victim = json.victim!;
  if (victim.id) {
    const victimId = seenOrRefused(visible, victim.id.toLowerCase(), 'victim.id');
    const perpetratorIds = json.perpetrators.flatMap((p) => (p.id ? [p.id.toLowerCase()] : []));
    const allOnHarbour = perpetratorIds.length === json.perpetrators.length;
    const open = allOnHarbour ? await apiRepo.findOpenCaseWith(trx, viewer, victimId, perpetratorIds) : null;
    if (open) return { id: open };
  }
  return { id: (await inJsonTerms(openCaseIn(trx, actor, formOrThrow(victimForm(victim, json.referredOn))), personJsonField('victim'))).id };
}

/**
 * The perpetrators' ids, in the order sent; anyone not yet on the case is added to it (a new person is recorded
 * first). With the case as it now stands, for the referral.
 */
async function perpetratorsOn(
  trx: Tx,
  actor: TokenActor,
  onCase: { id: string; found?: repo.ReferralCase },
  json: ReferralJson,
  visible: Set<string>,
): Promise<{ ids: string[]; theCase: repo.ReferralCase | null }> {
  const found = onCase.found ?? (await repo.caseForReferral(trx, actor.principal, onCase.id));
  const already = found?.perpetratorIds ?? [];
  const ids: string[] = [];
  for (const [i, perpetrator] of json.perpetrators.entries()) {
    const field = personJsonField(`perpetrators.${i}`);
    const known = perpetrator.id ? seenOrRefused(visible, perpetrator.id.toLowerCase(), field('personId')) : null;
    if (known && already.includes(known)) {
      ids.push(known);
      continue;
    }
    const form = formOrThrow(perpetratorFormOf(perpetrator, i));
    ids.push(await inJsonTerms(addPersonToCaseIn(trx, actor, onCase.id, { role: 'perpetrator', form }), field));
  }
  return { ids, theCase: found && { ...found, perpetratorIds: [...new Set([...already, ...ids])] } };
}

async function recordAssessment(trx: Tx, actor: TokenActor, caseId: string, json: ReferralJson): Promise<string | null> {
  const sent = json.riskAssessment;
  if (!sent) return null;
  const input = {
    instrument: sent.instrument,
    version: sent.version,
    answers: sent.answers,
    assessedOn: sent.assessedOn ?? json.referredOn,
    victimParticipated: sent.victimParticipated ?? true,
    level: sent.level ?? null,
    rationale: sent.rationale || null,
  };
  return (await inJsonTerms(recordSubmittedAssessmentIn(trx, actor, caseId, input), prefixed('riskAssessment'))).id;
}

async function recordIncidents(trx: Tx, actor: Actor, viewer: TokenActor['principal'], caseId: string, perpetratorIds: string[], json: ReferralJson) {
  for (const [i, incident] of json.incidents.entries()) {
    const input = {
      occurred_on: incident.occurredOn,
      occurred_at_time: incident.occurredAt ?? null,
      types: [...new Set(incident.types)],
      reported_to_police: incident.reportedToPolice ?? Boolean(incident.policeReference),
      police_reference: incident.policeReference || null,
      injuries: incident.injuries,
      children_present: incident.childrenPresent,
      location_type: incident.locationType,
      summary: incident.summary || null,
      perpetratorIds,
    };
    await inJsonTerms(recordIncidentIn(trx, actor, viewer, caseId, input), prefixed(`incidents.${i}`));
  }
}

function present(row: apiRepo.ApiReferralRow, made: apiRepo.Made): ReferralOut {
  return {
    id: row.id,
    reference: row.reference,
    caseId: row.case_id,
    caseOpened: made.caseOpened,
    victimId: row.victim_id,
    perpetratorIds: row.perpetrator_ids,
    destination: row.destination,
    criterion: row.criterion,
    toAgencyId: row.to_agency_id,
    referredOn: row.referred_on,
    repeat: row.is_repeat,
    repeatOf: row.repeat_of_id,
    escalationCount: row.escalation_count,
    riskAssessmentId: row.risk_assessment_id,
    score: row.score,
    band: row.score_band as ReferralOut['band'],
    incidentIds: made.incidentIds,
  };
}

/** A retry must be the same referral: a key sent again with a different one is a mistake the caller should hear about. */
function sameReferral(row: apiRepo.ApiReferralRow, json: ReferralJson): boolean {
  const criterion: Criterion | null = json.destination === 'marac' ? (json.criterion ?? null) : null;
  return (
    row.destination === json.destination &&
    row.criterion === criterion &&
    row.referred_on === json.referredOn &&
    (!json.caseId || json.caseId.toLowerCase() === row.case_id) &&
    (!json.victim?.id || json.victim.id.toLowerCase() === row.victim_id)
  );
}

const isKeyTaken = (error: unknown) => (error as { code?: string; constraint?: string }).constraint === 'referrals_idempotency';

export type Submitted = { referral: ReferralOut; replayed: boolean };

/**
 * Makes the referral and everything it brings, in one transaction. With an Idempotency-Key, requests with the same
 * key from the same token run one at a time: a retry finds the referral the first one made and answers with it.
 */
export async function submitReferral(db: Db, request: FastifyRequest, json: ReferralJson, key: string | null): Promise<Submitted> {
  const token = request.principal as TokenPrincipal;
  const actor = actorFor(request);
  const acting = tokenActor(request, SCOPE);
  const viewer = acting.principal;
  const { partnershipId } = viewer;
  // The answers are checked against the instrument before anything is written, so their problems are a 400 too;
  // not for a retry of a referral already made, which is answered as it was whatever has changed since.
  const retry = key && json.riskAssessment ? await apiRepo.referralByKey(db, partnershipId, token.tokenId, key) : undefined;
  if (json.riskAssessment && !retry) {
    const { instrument, version, answers } = json.riskAssessment;
    await inJsonTerms(scoreWithoutStoring(db, partnershipId, { instrument, version, answers }), prefixed('riskAssessment'));
  }
  try {
    return await actingTransaction(db, actor, async (trx) => {
      if (key) {
        await apiRepo.lockIdempotencyKey(trx, partnershipId, token.tokenId, key);
        const earlier = await apiRepo.referralMade(trx, partnershipId, { tokenId: token.tokenId, key });
        if (earlier) {
          if (!sameReferral(earlier.referral, json)) throw apiErrors.keyReused();
          return { referral: present(earlier.referral, earlier.made), replayed: true };
        }
      }
      const named = [json.victim?.id, ...json.perpetrators.map((p) => p.id)].flatMap((id) => (id ? [id.toLowerCase()] : []));
      const visible = await apiRepo.visiblePersonIds(trx, viewer, named);
      const onCase = await caseFor(trx, acting, json, visible);
      const caseId = onCase.id;
      const { ids: perpetratorIds, theCase } = await perpetratorsOn(trx, acting, onCase, json, visible);
      const riskAssessmentId = await recordAssessment(trx, acting, caseId, json);
      await recordIncidents(trx, actor, viewer, caseId, perpetratorIds, json);
      const marac = json.destination === 'marac';
      const made = await createReferralIn(
        trx,
        actor,
        viewer,
        {
          caseId,
          destination: json.destination,
          criterion: marac ? (json.criterion ?? null) : null,
          toAgencyId: marac ? null : (json.toAgencyId ?? null),
          reasons: json.reasons || null,
          referredOn: json.referredOn,
          perpetratorIds,
          riskAssessmentId,
          consent: { status: json.consent.status, lawfulBasis: json.consent.lawfulBasis ?? null, reason: json.consent.reason || null },
          idempotencyKey: key,
        },
        theCase ?? undefined,
      );
      const answer = (await apiRepo.referralMade(trx, partnershipId, { id: made.id }))!;
      return { referral: present(answer.referral, answer.made), replayed: false };
    });
  } catch (error) {
    // The steps' audit events were rolled back with them: the request's own event records the failure.
    request.audit.recorded = false;
    if (error instanceof HarbourError) request.audit.details = { error: error.code };
    if (isKeyTaken(error)) throw apiErrors.keyTaken();
    throw error;
  }
}
