import { z } from 'zod';
import { londonToday } from '../../platform/format.js';
import { formSchema } from '../people/case.schemas.js';
import { isoDate, version } from '../people/people.api.schemas.js';
import { instrumentIdSchema, RISK_LEVELS, type RiskLevel } from './risk.instrument.js';
import { RATIONALE_MAX } from './risk.scoring.js';

/**
 * What the risk services take. The answers themselves are checked against the instrument they belong to
 * (risk.scoring.ts checkAnswers), so every problem with them is listed at once, with its question.
 */

const answerSet = z.record(z.string(), z.unknown(), { error: 'answers must be an object of question ids and answers' });
const rationale = z
  .string()
  .trim()
  .max(RATIONALE_MAX, `Reasons for your professional judgement must be ${RATIONALE_MAX} characters or fewer`)
  .transform((value) => value || null)
  .nullable();

export const startDraftInput = z.object({
  instrument: instrumentIdSchema,
  assessedOn: isoDate('Date of the assessment'),
  victimParticipated: z.boolean().nullable(),
});
export type StartDraftInput = z.infer<typeof startDraftInput>;

export const draftDetailsInput = z.object({
  version,
  assessedOn: isoDate('Date of the assessment'),
  victimParticipated: z.boolean().nullable(),
});
export type DraftDetailsInput = z.infer<typeof draftDetailsInput>;

/** One section's page: its answers replace what the draft held for that section (a blank answer clears one). */
export const sectionAnswersInput = z.object({ version, section: z.string().min(1).max(40), answers: answerSet });
export type SectionAnswersInput = z.infer<typeof sectionAnswersInput>;

export const submitInput = z.object({ version, level: z.enum(RISK_LEVELS).nullable(), rationale });
export type SubmitInput = z.infer<typeof submitInput>;

/** POST /api/v1/risk-assessments/score (contract in issue 4): score and band, nothing stored. */
export const scoreRequest = z.object({
  instrument: instrumentIdSchema.describe('The instrument, e.g. dash-ric-24'),
  version: z.int().min(1).optional().describe('A version of the instrument; by default the latest'),
  answers: answerSet.describe('Every question of the instrument answered yes, no or not_known, e.g. {"q1": "yes", "q2": "no"}'),
});
export type ScoreRequest = z.infer<typeof scoreRequest>;

export const scoreResponse = z.object({
  instrument: z.string(),
  version: z.int(),
  score: z.int().describe('The number of questions answered yes'),
  band: z.enum(RISK_LEVELS).nullable().describe('The band the score falls in; null for an instrument with no score cut-off'),
});

/*
 * The pages' forms. Each reads its raw fields in page order and lists every problem at once (formSchema); what the
 * instrument itself decides (which answers, how long a note) is checked by the service, so the page and the API
 * refuse the same things with the same words.
 */

type RawForm = Record<string, unknown>;
type Fail = (field: string, message: string) => undefined;

const field = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** The draft's version the form was shown with: a stale one is an edit conflict, decided by the service. */
function readVersion(raw: RawForm, fail: Fail): number {
  const value = Number(field(raw.version));
  if (!Number.isInteger(value) || value < 1 || value > 2_147_483_647) fail('version', 'Reload the page and try again');
  return value;
}

/** "Date of the assessment" from a GOV.UK date input (assessedOn-day, -month, -year): required, real, not in the future. */
function readAssessedOn(raw: RawForm, fail: Fail): string {
  const label = 'Date of the assessment';
  const refuse = (message: string) => (fail('assessedOn', message), '');
  const [day, month, year] = ['day', 'month', 'year'].map((part) => field(raw[`assessedOn-${part}`]));
  if (!day && !month && !year) return refuse('Enter the date of the assessment');
  if (!day || !month || !year) return refuse(`${label} must include a day, month and year`);
  const iso = `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  const real = /^\d{4}-\d{2}-\d{2}$/.test(iso) && !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === iso;
  if (!real) return refuse(`${label} must be a real date`);
  if (iso > londonToday()) return refuse(`${label} must be today or in the past`);
  return iso;
}

/** "yes" or "no", kept as the form sent it so that a form sent back with a problem shows the choice again. */
function readParticipation(raw: RawForm, fail: Fail): 'yes' | 'no' {
  const value = field(raw.victimParticipated);
  if (value !== 'yes' && value !== 'no') fail('victimParticipated', 'Select whether the victim took part in the assessment');
  return value === 'yes' ? 'yes' : 'no';
}

/** "Start a risk assessment": which checklist, when, and whether the victim took part. */
export const startForm = formSchema((raw, fail) => {
  const instrument = field(raw.instrument);
  if (!instrumentIdSchema.safeParse(instrument).success) fail('instrument', 'Select which checklist to use');
  return { instrument, assessedOn: readAssessedOn(raw, fail), victimParticipated: readParticipation(raw, fail) };
});

/** The draft's date and the victim's part, changed from "check your answers". */
export const detailsForm = formSchema((raw, fail) => ({
  version: readVersion(raw, fail),
  assessedOn: readAssessedOn(raw, fail),
  victimParticipated: readParticipation(raw, fail),
}));

const ANSWER_FIELD = /^answers\.([a-z][a-z0-9_]{0,31})(\.note)?$/;

/**
 * One section's page: a radio group "answers.q5" and a note "answers.q5.note" per question, and which button was
 * pressed. The answers go to the service as they were sent, for it to check against the instrument.
 */
export const sectionForm = formSchema((raw, fail) => {
  const version = readVersion(raw, fail);
  // A Map, so a question id such as "constructor" is a key like any other, never an inherited property.
  const answers = new Map<string, { answer?: unknown; note?: unknown }>();
  for (const [name, value] of Object.entries(raw)) {
    const match = ANSWER_FIELD.exec(name);
    if (!match) continue;
    const entry = answers.get(match[1]!) ?? {};
    if (match[2]) entry.note = value;
    else entry.answer = value;
    answers.set(match[1]!, entry);
  }
  const action = field(raw.action) === 'draft' ? ('draft' as const) : ('continue' as const);
  return { version, answers: Object.fromEntries(answers), action };
});

/** "Check your answers": the level the assessor settles on (by default the score's band) and their reasons. */
export const submitForm = formSchema((raw, fail) => {
  const version = readVersion(raw, fail);
  const chosen = field(raw.level);
  const level = (RISK_LEVELS as readonly string[]).includes(chosen) ? (chosen as RiskLevel) : null;
  if (chosen && !level) fail('level', 'Select a level of risk from the list');
  // Blank reasons are no reasons (risk.scoring.ts judge); kept as typed, so a refused form shows them again.
  const rationale = field(raw.rationale);
  if (rationale.length > RATIONALE_MAX) fail('rationale', `Reasons for your professional judgement must be ${RATIONALE_MAX} characters or fewer`);
  return { version, level, rationale };
});

export const assessmentParams = z.object({ id: z.uuid() });
export const sectionParams = z.object({ id: z.uuid(), section: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/) });
/** ?from=check: a page opened from "check your answers" goes back there when saved. */
export const returnQuery = z.object({ from: z.enum(['check']).optional().catch(undefined) });
/** ?instrument=s-dash: the checklist to start, when another assessment's answers called for it. */
export const startQuery = z.object({ instrument: instrumentIdSchema.optional().catch(undefined) });
