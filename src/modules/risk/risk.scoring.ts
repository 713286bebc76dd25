import { ANSWER_VALUES, levelRank, questionsOf, type AnswerValue, type Band, type InstrumentDefinition, type RiskLevel } from './risk.instrument.js';

/**
 * Scoring and banding (DOMAIN.md §2), with no database and no clock: the same answers always give the same result.
 * Score = number of "yes" answers; the band is the one the score falls in; professional judgement may raise the
 * level, with written reasons, and nothing may set it below the band the score gives.
 */

export const NOTE_MAX = 1000;
export const RATIONALE_MAX = 5000;

export type AnswerEntry = { answer: AnswerValue; note?: string };
export type Answers = Record<string, AnswerEntry>;

export type AnswerProblemCode = 'unknown_question' | 'not_in_section' | 'invalid_answer' | 'missing_answer' | 'invalid_note';
/** One problem with a set of answers; `field` is the JSON path the API reports (answers.q5). */
export type AnswerProblem = { field: string; code: AnswerProblemCode; message: string };

const ANSWER_WORDS: Record<AnswerValue, string> = { yes: 'yes', no: 'no', not_known: 'not known' };

/** "yes, no or not known" for the instrument's answer set. */
function answerChoices(instrument: InstrumentDefinition): string {
  const words = instrument.answers.map((a) => ANSWER_WORDS[a]);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}` : words.join('');
}

function isAnswerValue(value: unknown): value is AnswerValue {
  return typeof value === 'string' && (ANSWER_VALUES as readonly string[]).includes(value);
}

/** An answer arrives as "yes" (the API) or as { answer, note } (the form); a blank answer is no answer. */
function readEntry(raw: unknown): { answer: unknown; note: unknown } {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const entry = raw as Record<string, unknown>;
    return { answer: entry.answer === '' ? undefined : entry.answer, note: entry.note };
  }
  return { answer: raw === '' ? undefined : raw, note: undefined };
}

export type AnswerCheck = {
  /** `questions`: only these may be answered (one section's page); `requireAll`: each of them must be (submitting). */
  questions?: readonly string[];
  requireAll: boolean;
};

/**
 * Checks a set of answers against an instrument and returns the clean answers and every problem, in question
 * order (then unknown ids), so a form's error summary and the API's problem list name each one at once.
 */
export function checkAnswers(
  instrument: InstrumentDefinition,
  raw: Record<string, unknown>,
  check: AnswerCheck,
): { answers: Answers; problems: AnswerProblem[] } {
  const all = questionsOf(instrument);
  const numberOf = new Map(all.map((q, i) => [q.id, i + 1]));
  const asked = check.questions ? new Set(check.questions) : new Set(numberOf.keys());
  const choices = answerChoices(instrument);
  const answers: Answers = {};
  const problems: AnswerProblem[] = [];

  for (const question of all) {
    if (!asked.has(question.id)) continue;
    const n = numberOf.get(question.id)!;
    const field = `answers.${question.id}`;
    const { answer, note } = Object.hasOwn(raw, question.id) ? readEntry(raw[question.id]) : { answer: undefined, note: undefined };
    const noteText = typeof note === 'string' ? note.trim() : '';
    if (note !== undefined && note !== null && typeof note !== 'string') {
      problems.push({ field: `${field}.note`, code: 'invalid_note', message: `The note on question ${n} must be text` });
    } else if (noteText.length > NOTE_MAX) {
      problems.push({ field: `${field}.note`, code: 'invalid_note', message: `The note on question ${n} must be ${NOTE_MAX} characters or fewer` });
    }
    if (answer === undefined || answer === null) {
      if (check.requireAll) problems.push({ field, code: 'missing_answer', message: `Question ${n} is not answered: select ${choices}` });
      else if (noteText) problems.push({ field, code: 'missing_answer', message: `Question ${n} has a note but no answer: select ${choices}` });
      continue;
    }
    if (!isAnswerValue(answer) || !instrument.answers.includes(answer)) {
      problems.push({ field, code: 'invalid_answer', message: `Question ${n} must be answered ${choices}` });
      continue;
    }
    answers[question.id] = noteText ? { answer, note: noteText } : { answer };
  }

  for (const id of Object.keys(raw)) {
    if (asked.has(id)) continue;
    const n = numberOf.get(id);
    problems.push(
      n === undefined
        ? { field: `answers.${id}`, code: 'unknown_question', message: `${instrument.title} (version ${instrument.version}) has no question ${id}` }
        : { field: `answers.${id}`, code: 'not_in_section', message: `Question ${n} is not in this section` },
    );
  }
  return { answers, problems };
}

export type Score = { score: number; answered: number; notKnown: number };

/** Score = number of "yes" answers; "not known" counts as nothing, but how many there were is kept for the assessor. */
export function scoreAnswers(answers: Answers): Score {
  const values = Object.values(answers).map((a) => a.answer);
  return { score: values.filter((v) => v === 'yes').length, answered: values.length, notKnown: values.filter((v) => v === 'not_known').length };
}

/** The band a score falls in; null when the instrument has no numeric cut-off (the assessor records the level). */
export function bandFor(bands: Band[] | null, score: number): RiskLevel | null {
  if (!bands) return null;
  return bands.find((b) => score >= b.min && score <= b.max)?.level ?? null;
}

export type JudgementRefusal = {
  code: 'level_required' | 'cannot_lower_high' | 'below_score_band' | 'rationale_required';
  field: 'level' | 'rationale';
  message: string;
};

export type Judgement = { ok: true; level: RiskLevel; raised: boolean; rationale: string | null } | { ok: false; refusal: JudgementRefusal };

export type JudgementInput = {
  score: number;
  /** The band the score gives, or null for an instrument with no cut-off. */
  scoreBand: RiskLevel | null;
  /** The level the assessor chose, if any: by default the score's band. */
  level: RiskLevel | null;
  rationale: string | null;
};

/**
 * Applies professional judgement. The assessor may raise the level above the score's band, giving written reasons;
 * nothing may set it below that band, so a score-based high stays high. With no cut-off, the assessor's level is the
 * level. Returns a refusal, with the reason in words a form can show, instead of throwing.
 */
export function judge({ score, scoreBand, level, rationale }: JudgementInput): Judgement {
  const reasons = rationale?.trim() || null;
  if (scoreBand === null) {
    if (!level)
      return {
        ok: false,
        refusal: {
          code: 'level_required',
          field: 'level',
          message: 'Select the level of risk: this checklist has no score cut-off, so the assessor decides it',
        },
      };
    return { ok: true, level, raised: false, rationale: reasons };
  }
  const chosen = level ?? scoreBand;
  if (levelRank(chosen) < levelRank(scoreBand)) {
    const message =
      scoreBand === 'high'
        ? `A score of ${score} is high risk. Professional judgement can raise a level but never lower a high risk, so the level stays high`
        : `A score of ${score} is ${scoreBand} risk. Professional judgement can raise a level but not lower it: select ${scoreBand} or higher`;
    return { ok: false, refusal: { code: scoreBand === 'high' ? 'cannot_lower_high' : 'below_score_band', field: 'level', message } };
  }
  const raised = chosen !== scoreBand;
  if (raised && !reasons) {
    return {
      ok: false,
      refusal: {
        code: 'rationale_required',
        field: 'rationale',
        message: `Explain why your professional judgement raises the level from ${scoreBand} to ${chosen}`,
      },
    };
  }
  return { ok: true, level: chosen, raised, rationale: reasons };
}

export type Assessed = Score & { scoreBand: RiskLevel | null; level: RiskLevel; raised: boolean; rationale: string | null; answers: Answers };

/**
 * A whole assessment at submission: every question answered, then score, band and judgement. Every problem with
 * the answers is returned together; a judgement refusal comes only once the answers are complete.
 */
export function assess(
  instrument: InstrumentDefinition,
  raw: Record<string, unknown>,
  options: { bands: Band[] | null; level: RiskLevel | null; rationale: string | null },
): { ok: true; result: Assessed } | { ok: false; problems: AnswerProblem[] } | { ok: false; refusal: JudgementRefusal } {
  const { answers, problems } = checkAnswers(instrument, raw, { requireAll: true });
  if (problems.length) return { ok: false, problems };
  const score = scoreAnswers(answers);
  const scoreBand = bandFor(options.bands, score.score);
  const judgement = judge({ score: score.score, scoreBand, level: options.level, rationale: options.rationale });
  if (!judgement.ok) return judgement;
  return { ok: true, result: { ...score, scoreBand, level: judgement.level, raised: judgement.raised, rationale: judgement.rationale, answers } };
}
