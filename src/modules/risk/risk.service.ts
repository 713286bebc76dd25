import type { Db, DbOrTx, Tx } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { findCase, viewerOf } from '../people/case.service.js';
import { NO_USER } from '../people/people.api.token.js';
import { riskErrors } from './risk.errors.js';
import {
  applyThresholds,
  questionsOf,
  SHIPPED_INSTRUMENTS,
  triggeredInstruments,
  type Band,
  type InstrumentDefinition,
  type RiskLevel,
} from './risk.instrument.js';
import * as repo from './risk.repository.js';
import type { DraftDetailsInput, ScoreRequest, SectionAnswersInput, StartDraftInput, SubmitInput } from './risk.schemas.js';
import { assess, bandFor, checkAnswers, scoreAnswers, type Answers, type Assessed } from './risk.scoring.js';

/**
 * Risk assessments: a draft is started on a case, answered section by section, then submitted, when it is scored,
 * banded and judged (risk.scoring.ts) and becomes final. Only people who may see the case may see or change its
 * assessments; every change is audited against the case in the transaction that makes it.
 */

export type Assessment = {
  id: string;
  caseId: string;
  personId: string;
  instrument: { id: string; version: number; title: string };
  status: 'draft' | 'submitted';
  score: number | null;
  scoreBand: RiskLevel | null;
  level: RiskLevel | null;
  raisedByJudgement: boolean;
  rationale: string | null;
  assessor: { userId: string | null; name: string | null; agencyId: string; agencyName: string };
  assessedOn: string;
  victimParticipated: boolean | null;
  submittedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
};

export type AssessmentDetail = Assessment & {
  answers: Answers;
  /** The bands the score was banded with, once submitted. */
  bands: Band[] | null;
  definition: InstrumentDefinition;
  /** Supplementary checklists the answers call for, e.g. ["s-dash"]. */
  triggered: string[];
};

function toAssessment(row: repo.AssessmentSummaryRow): Assessment {
  return {
    id: row.id,
    caseId: row.case_id,
    personId: row.person_id,
    instrument: { id: row.instrument_id, version: row.instrument_version, title: row.instrument_title },
    status: row.status,
    score: row.score,
    scoreBand: row.score_band,
    level: row.level,
    raisedByJudgement: row.raised_by_judgement,
    rationale: row.judgement_rationale,
    assessor: { userId: row.assessor_user_id, name: row.assessor_name, agencyId: row.assessor_agency_id, agencyName: row.assessor_agency_name },
    assessedOn: row.assessed_on,
    victimParticipated: row.victim_participated,
    submittedAt: row.submitted_at,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDetail(row: repo.AssessmentRow): AssessmentDetail {
  return {
    ...toAssessment(row),
    answers: row.answers,
    bands: row.bands,
    definition: row.definition,
    triggered: triggeredInstruments(row.definition, row.answers),
  };
}

/** Partnerships whose copies of the shipped instruments this process has already put in place. */
const shippedInPlace = new Set<string>();

/**
 * Each partnership holds its own copy of every instrument version Harbour ships, added at its first use of risk
 * (or by the demo seed). Versions already held are never touched, so assessments keep the exact wording they used.
 */
export async function ensureShippedInstruments(db: DbOrTx, partnershipId: string): Promise<void> {
  if (shippedInPlace.has(partnershipId)) return;
  await repo.insertInstrumentVersions(db, partnershipId, SHIPPED_INSTRUMENTS, 'shipped', null);
  // Inside a transaction the rows exist only if it commits, so only an outright insert is remembered.
  if (!db.isTransaction) shippedInPlace.add(partnershipId);
}

async function instrumentOrRefuse(db: DbOrTx, partnershipId: string, id: string, version?: number) {
  const found = await repo.findInstrument(db, partnershipId, id, version);
  if (!found) throw riskErrors.unknownInstrument(id, version);
  return found;
}

/** The instrument's bands as this partnership uses them: moved to its own thresholds, if it has set any. */
export async function bandsInUse(db: DbOrTx, partnershipId: string, definition: InstrumentDefinition): Promise<Band[] | null> {
  const bands = definition.scoring.bands;
  if (!bands) return null;
  const thresholds = await repo.findThresholds(db, partnershipId, definition.id);
  if (!thresholds) return bands;
  const applied = applyThresholds(bands, thresholds, questionsOf(definition).length);
  if (!applied.ok) throw riskErrors.invalidThresholds(applied.problems);
  return applied.bands;
}

function assertAssessedOn(date: string): void {
  if (date > londonToday()) throw riskErrors.assessedInFuture();
  if (date < '1900-01-01') throw riskErrors.assessedTooEarly();
}

/** An API token has no user: its assessments name its agency only. */
const assessorUserId = (viewer: UserPrincipal) => (viewer.userId === NO_USER ? null : viewer.userId);

/** The latest version of each instrument the partnership holds, for choosing which to start. */
export async function listInstruments(db: Db, partnershipId: string): Promise<{ id: string; version: number; title: string; purpose: string }[]> {
  await ensureShippedInstruments(db, partnershipId);
  const rows = await repo.listInstrumentVersions(db, partnershipId);
  const latest = rows.filter((row, i) => rows[i - 1]?.instrument_id !== row.instrument_id);
  return latest.map((row) => ({ id: row.instrument_id, version: row.version, title: row.title, purpose: row.definition.purpose }));
}

/** A new draft about the case's victim, of the version named or else the latest, by the viewer's agency (and user, if a person). */
async function insertDraft(
  trx: Tx,
  viewer: UserPrincipal,
  caseId: string,
  input: { instrument: string; version?: number; assessedOn: string; victimParticipated: boolean | null },
) {
  const victim = await repo.findCaseVictim(trx, viewer, caseId);
  if (!victim) throw errors.notFound('Case');
  const instrument = await instrumentOrRefuse(trx, viewer.partnershipId, input.instrument, input.version);
  const id = await repo.insertAssessment(trx, {
    partnershipId: viewer.partnershipId,
    caseId,
    personId: victim.person_id,
    instrumentId: instrument.instrument_id,
    instrumentVersion: instrument.version,
    assessorUserId: assessorUserId(viewer),
    assessorAgencyId: viewer.agencyId,
    assessedOn: input.assessedOn,
    victimParticipated: input.victimParticipated,
  });
  return { id, instrument };
}

/** Starts a draft of the latest version of an instrument, about the case's victim. */
export async function startDraft(db: Db, actor: Actor, caseId: string, input: StartDraftInput): Promise<{ id: string; version: number }> {
  const viewer = viewerOf(actor);
  assertAssessedOn(input.assessedOn);
  await ensureShippedInstruments(db, viewer.partnershipId);
  return actingTransaction(db, actor, async (trx) => {
    const { id, instrument } = await insertDraft(trx, viewer, caseId, input);
    await actor.record(trx, {
      action: 'risk.assessment.start',
      outcome: 'success',
      subjectType: 'case',
      subjectId: caseId,
      details: { assessmentId: id, instrument: instrument.instrument_id, version: instrument.version },
    });
    return { id, version: 1 };
  });
}

/** An assessment the viewer may see; one they may not is not found, exactly like one that does not exist. */
export async function findAssessment(db: DbOrTx, viewer: UserPrincipal, id: string): Promise<AssessmentDetail> {
  const row = await repo.findVisibleAssessment(db, viewer, id);
  if (!row) throw errors.notFound('Risk assessment');
  return toDetail(row);
}

/** A draft at the version the assessor saw: a submitted assessment is final, a stale version is refused. */
async function draftAt(trx: Tx, viewer: UserPrincipal, id: string, version: number): Promise<AssessmentDetail> {
  const found = await findAssessment(trx, viewer, id);
  if (found.status === 'submitted') throw riskErrors.alreadySubmitted();
  if (found.version !== version) throw errors.conflict();
  return found;
}

async function applyToDraft(trx: Tx, viewer: UserPrincipal, id: string, version: number, change: Parameters<typeof repo.updateDraft>[4]): Promise<number> {
  const next = await repo.updateDraft(trx, viewer, id, version, change);
  if (next === null) throw errors.conflict();
  return next;
}

/** The date and whether the victim took part, while the assessment is a draft. */
export async function saveDraftDetails(db: Db, actor: Actor, id: string, input: DraftDetailsInput): Promise<{ version: number }> {
  const viewer = viewerOf(actor);
  assertAssessedOn(input.assessedOn);
  return actingTransaction(db, actor, async (trx) => {
    const draft = await draftAt(trx, viewer, id, input.version);
    const version = await applyToDraft(trx, viewer, id, input.version, { assessed_on: input.assessedOn, victim_participated: input.victimParticipated });
    await actor.record(trx, {
      action: 'risk.assessment.update',
      outcome: 'success',
      subjectType: 'case',
      subjectId: draft.caseId,
      details: {
        assessmentId: id,
        before: { assessedOn: draft.assessedOn, victimParticipated: draft.victimParticipated },
        after: { assessedOn: input.assessedOn, victimParticipated: input.victimParticipated },
      },
    });
    return { version };
  });
}

/**
 * Saves one section's answers to a draft: they replace what the draft held for that section, so a cleared answer
 * is cleared. Answers need not be complete until the assessment is submitted, but each must be a real answer.
 */
export async function saveSection(db: Db, actor: Actor, id: string, input: SectionAnswersInput): Promise<{ version: number }> {
  const viewer = viewerOf(actor);
  return actingTransaction(db, actor, async (trx) => {
    const draft = await draftAt(trx, viewer, id, input.version);
    const section = draft.definition.sections.find((s) => s.id === input.section);
    if (!section) throw riskErrors.unknownSection(input.section);
    const ids = section.questions.map((q) => q.id);
    const { answers, problems } = checkAnswers(draft.definition, input.answers, { questions: ids, requireAll: false });
    if (problems.length) throw riskErrors.answers(problems);
    const kept = Object.fromEntries(Object.entries(draft.answers).filter(([question]) => !ids.includes(question)));
    const version = await applyToDraft(trx, viewer, id, input.version, { answers: JSON.stringify({ ...kept, ...answers }) });
    await actor.record(trx, {
      action: 'risk.assessment.save',
      outcome: 'success',
      subjectType: 'case',
      subjectId: draft.caseId,
      details: { assessmentId: id, section: section.id, answered: Object.keys(answers).length, of: ids.length },
    });
    return { version };
  });
}

export type ScorePreview = {
  score: number;
  questions: number;
  answered: number;
  /** The band the score gives once every question is answered (null before then, or with no cut-off). */
  scoreBand: RiskLevel | null;
  /** Whether the instrument has a score cut-off; without one the assessor decides the level. */
  hasCutOff: boolean;
};

/**
 * What "check your answers" shows of a draft before it is submitted: the score so far and, once every question is
 * answered, the band it gives under the partnership's thresholds, exactly as submitting would work it out.
 */
export async function previewScore(db: DbOrTx, partnershipId: string, assessment: AssessmentDetail): Promise<ScorePreview> {
  const bands = await bandsInUse(db, partnershipId, assessment.definition);
  const { score, answered } = scoreAnswers(assessment.answers);
  const questions = questionsOf(assessment.definition).length;
  return { score, questions, answered, scoreBand: answered === questions ? bandFor(bands, score) : null, hasCutOff: bands !== null };
}

export type Submitted = { id: string; score: number; scoreBand: RiskLevel | null; level: RiskLevel; raisedByJudgement: boolean; triggered: string[] };

/**
 * Submits a draft: every question must be answered and the victim's part recorded (all problems listed together);
 * then score, band and professional judgement decide the level. A refused judgement (lowering a score-based level,
 * raising without reasons) saves nothing and says why. Once submitted the assessment is final.
 */
export async function submitAssessment(db: Db, actor: Actor, id: string, input: SubmitInput): Promise<Submitted> {
  const viewer = viewerOf(actor);
  return actingTransaction(db, actor, async (trx) => {
    const draft = await draftAt(trx, viewer, id, input.version);
    const bands = await bandsInUse(trx, viewer.partnershipId, draft.definition);
    const outcome = assess(draft.definition, draft.answers, { bands, level: input.level, rationale: input.rationale });
    const participation = draft.victimParticipated === null ? riskErrors.participationMissing().fieldErrors : [];
    if ('problems' in outcome) throw errors.validation([...participation, ...riskErrors.answers(outcome.problems).fieldErrors]);
    if (participation.length) throw errors.validation(participation);
    if ('refusal' in outcome) throw riskErrors.judgement(outcome.refusal);
    return markSubmitted(trx, actor, { ...draft, id, version: input.version }, outcome.result, bands);
  });
}

/** Makes a draft final with the result it was assessed to, audited as risk.assessment.submit against its case. */
async function markSubmitted(
  trx: Tx,
  actor: Actor,
  draft: { id: string; caseId: string; version: number; instrument: { id: string; version: number }; definition: InstrumentDefinition },
  result: Assessed,
  bands: Band[] | null,
  details: Record<string, unknown> = {},
): Promise<Submitted> {
  const { id } = draft;
  await applyToDraft(trx, viewerOf(actor), id, draft.version, {
    status: 'submitted',
    answers: JSON.stringify(result.answers),
    score: result.score,
    score_band: result.scoreBand,
    level: result.level,
    judgement_rationale: result.rationale,
    bands: bands ? JSON.stringify(bands) : null,
    submitted_at: new Date(),
  });
  const triggered = triggeredInstruments(draft.definition, result.answers);
  await actor.record(trx, {
    action: 'risk.assessment.submit',
    outcome: 'success',
    subjectType: 'case',
    subjectId: draft.caseId,
    details: {
      assessmentId: id,
      instrument: draft.instrument.id,
      version: draft.instrument.version,
      score: result.score,
      scoreBand: result.scoreBand,
      level: result.level,
      raisedByJudgement: result.raised,
      triggered,
      ...details,
    },
  });
  return { id, score: result.score, scoreBand: result.scoreBand, level: result.level, raisedByJudgement: result.raised, triggered };
}

export type CompleteAssessmentInput = {
  instrument: string;
  /** By default the latest version the partnership holds. */
  version?: number;
  answers: Record<string, unknown>;
  assessedOn: string;
  victimParticipated: boolean;
  level: RiskLevel | null;
  rationale: string | null;
};

/**
 * Records an assessment whose answers are all known at once (an agency's own system sends them with a referral:
 * POST /api/v1/referrals), submitted at once, inside the caller's transaction, so a referral refused afterwards
 * leaves no assessment behind. The checks are startDraft's and submitAssessment's: every question answered, the
 * score banded with the partnership's thresholds, and professional judgement may raise the level but not lower it.
 */
export async function recordSubmittedAssessmentIn(trx: Tx, actor: Actor, caseId: string, input: CompleteAssessmentInput): Promise<Submitted> {
  const viewer = viewerOf(actor);
  assertAssessedOn(input.assessedOn);
  // The draft is written first and refused answers throw: the caller's transaction then keeps nothing.
  const { id, instrument } = await insertDraft(trx, viewer, caseId, input);
  const bands = await bandsInUse(trx, viewer.partnershipId, instrument.definition);
  const outcome = assess(instrument.definition, input.answers, { bands, level: input.level, rationale: input.rationale });
  if ('problems' in outcome) throw riskErrors.answers(outcome.problems);
  if ('refusal' in outcome) throw riskErrors.judgement(outcome.refusal);
  const draft = { id, caseId, version: 1, instrument: { id: instrument.instrument_id, version: instrument.version }, definition: instrument.definition };
  return markSubmitted(trx, actor, draft, outcome.result, bands, { allAnswersAtOnce: true });
}

/** A case's assessments, newest first (its risk history, drafts included); a case the viewer may not see is not found. */
export async function listCaseAssessments(db: DbOrTx, viewer: UserPrincipal, caseId: string): Promise<Assessment[]> {
  await findCase(db, viewer, caseId);
  return (await repo.listCaseAssessments(db, viewer, caseId)).map(toAssessment);
}

/** The case's most recent submitted assessment, of one instrument if named (e.g. the DASH for a MARAC referral). */
export async function latestSubmittedAssessment(
  db: DbOrTx,
  viewer: UserPrincipal,
  caseId: string,
  options: { instrumentId?: string } = {},
): Promise<AssessmentDetail | null> {
  await findCase(db, viewer, caseId);
  const row = await repo.findLatestSubmitted(db, viewer, caseId, options.instrumentId);
  return row ? toDetail(row) : null;
}

/** Score and band for a complete set of answers, stored nowhere (POST /api/v1/risk-assessments/score). */
export async function scoreWithoutStoring(
  db: Db,
  partnershipId: string,
  request: ScoreRequest,
): Promise<{ instrument: string; version: number; score: number; band: RiskLevel | null }> {
  await ensureShippedInstruments(db, partnershipId);
  const instrument = await instrumentOrRefuse(db, partnershipId, request.instrument, request.version);
  const { answers, problems } = checkAnswers(instrument.definition, request.answers, { requireAll: true });
  if (problems.length) throw riskErrors.answers(problems);
  const { score } = scoreAnswers(answers);
  const band = bandFor(await bandsInUse(db, partnershipId, instrument.definition), score);
  return { instrument: instrument.instrument_id, version: instrument.version, score, band };
}
