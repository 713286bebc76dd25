import { z } from 'zod';
import { isoDate, version } from '../people/people.api.schemas.js';
import { instrumentIdSchema, RISK_LEVELS } from './risk.instrument.js';
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
