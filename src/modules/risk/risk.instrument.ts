import fs from 'node:fs';
import { z } from 'zod';
import type { FieldError } from '../../platform/errors.js';

/**
 * A risk instrument (DASH RIC, S-DASH, H-DASH, …) is data, not code (DOMAIN.md §2): a versioned definition of its
 * questions, answer set, scoring rule, bands and the answers that call for a supplementary checklist. Harbour ships
 * its own short wording in ./instruments; a partnership can import licensed official wording as a new version,
 * checked by the same schema. An assessment keeps the id and version it used, so a new version never changes it.
 */

/** Risk levels, lowest first: professional judgement may move a level up this list, never down. */
export const RISK_LEVELS = ['standard', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const ANSWER_VALUES = ['yes', 'no', 'not_known'] as const;
export type AnswerValue = (typeof ANSWER_VALUES)[number];

export const levelRank = (level: RiskLevel): number => RISK_LEVELS.indexOf(level);

const text = (max: number) => z.string().trim().min(1).max(max);
export const instrumentIdSchema = z.string().regex(/^[a-z][a-z0-9-]{1,48}[a-z0-9]$/, 'Use lower-case letters, digits and hyphens, like dash-ric-24');
const questionId = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'Use lower-case letters, digits and underscores, like q1');

/** Where two entries of a list share a value, the later one's index. */
function repeats(values: string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((value, index) => (seen.has(value) ? [index] : (seen.add(value), [])));
}

const bandSchema = z.strictObject({ level: z.enum(RISK_LEVELS), min: z.int().min(0), max: z.int().min(0) });
export type Band = z.infer<typeof bandSchema>;

const questionSchema = z.strictObject({ id: questionId, text: text(300), help: text(1000).optional() });
const sectionSchema = z.strictObject({ id: questionId, title: text(200), questions: z.array(questionSchema).min(1).max(100) });
const triggerSchema = z.strictObject({ question: questionId, answer: z.enum(ANSWER_VALUES), instrument: instrumentIdSchema });

const definitionShape = z.strictObject({
  id: instrumentIdSchema,
  version: z.int().min(1).max(9999),
  title: text(200),
  purpose: text(2000),
  /** Whose wording this is, e.g. Harbour's own or a licensed copy: shown with the questions. */
  source: text(1000),
  answers: z
    .array(z.enum(ANSWER_VALUES))
    .min(2)
    .superRefine((answers, ctx) => {
      for (const i of repeats(answers)) ctx.addIssue({ code: 'custom', path: [i], message: 'Each answer may be listed once' });
      if (!answers.includes('yes') || !answers.includes('no')) ctx.addIssue({ code: 'custom', message: 'The answers must include yes and no' });
    }),
  sections: z.array(sectionSchema).min(1).max(20),
  /** Score = number of "yes" answers. No bands: no numeric cut-off, the assessor records the level. */
  scoring: z.strictObject({ rule: z.literal('count_yes'), bands: z.array(bandSchema).min(1).nullable() }),
  triggers: z.array(triggerSchema).max(50),
});

export type InstrumentDefinition = z.infer<typeof definitionShape>;
export type Question = InstrumentDefinition['sections'][number]['questions'][number];
export type Trigger = InstrumentDefinition['triggers'][number];

/**
 * Bands must cover every possible score exactly once, from 0 to the number of questions, each band starting where
 * the one before ended and each a higher level than the one before. Returns every problem, with its path.
 */
export function bandProblems(bands: Band[], questionCount: number): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  bands.forEach((band, i) => {
    if (band.min > band.max) problems.push({ path: [i, 'max'], message: `Band ${band.level} ends (${band.max}) before it starts (${band.min})` });
    const before = bands[i - 1];
    if (!before) {
      if (band.min !== 0) problems.push({ path: [i, 'min'], message: 'The first band must start at a score of 0' });
      return;
    }
    if (band.min !== before.max + 1)
      problems.push({ path: [i, 'min'], message: `Band ${band.level} must start at ${before.max + 1}, just after band ${before.level} ends` });
    if (levelRank(band.level) <= levelRank(before.level))
      problems.push({ path: [i, 'level'], message: `Band ${band.level} must be a higher level than band ${before.level}, the band before it` });
  });
  const last = bands[bands.length - 1];
  if (last && last.max !== questionCount)
    problems.push({ path: [bands.length - 1, 'max'], message: `The last band must end at ${questionCount}, the number of questions` });
  return problems;
}

/**
 * The schema of a definition, given the instruments a trigger may name (this one's own id is never one of them).
 * Everything is checked together, so an import lists every problem at once.
 */
export function instrumentSchema(knownInstruments: ReadonlySet<string>) {
  // Rules across fields; zod runs them alongside the field rules, so an import hears of every problem at once.
  return definitionShape.superRefine((definition, ctx) => {
    const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    for (const i of repeats(definition.sections.map((s) => s.id))) problem(['sections', i, 'id'], 'Each section needs its own id');

    const questions = definition.sections.flatMap((section, s) => section.questions.map((question, q) => ({ id: question.id, path: [s, 'questions', q] })));
    const ids = questions.map((q) => q.id);
    for (const i of repeats(ids)) problem(['sections', ...questions[i]!.path, 'id'], `Question id ${ids[i]} is used more than once`);

    if (definition.scoring.bands) {
      for (const p of bandProblems(definition.scoring.bands, ids.length)) problem(['scoring', 'bands', ...p.path], p.message);
    }
    definition.triggers.forEach((trigger, i) => {
      if (!ids.includes(trigger.question)) problem(['triggers', i, 'question'], `There is no question ${trigger.question} in this instrument`);
      if (!definition.answers.includes(trigger.answer)) problem(['triggers', i, 'answer'], `${trigger.answer} is not one of this instrument’s answers`);
      if (trigger.instrument === definition.id) problem(['triggers', i, 'instrument'], 'An instrument cannot call for itself');
      else if (!knownInstruments.has(trigger.instrument)) problem(['triggers', i, 'instrument'], `There is no instrument ${trigger.instrument}`);
    });
  });
}

export type ParsedInstrument = { ok: true; instrument: InstrumentDefinition } | { ok: false; problems: FieldError[] };

/** Checks a definition (e.g. a file a partnership imports); problems name the JSON path, like sections.0.questions.2.id. */
export function parseInstrument(raw: unknown, knownInstruments: ReadonlySet<string>): ParsedInstrument {
  const result = instrumentSchema(knownInstruments).safeParse(raw);
  if (result.success) return { ok: true, instrument: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || 'definition', message: issue.message })) };
}

export const questionsOf = (instrument: InstrumentDefinition): Question[] => instrument.sections.flatMap((s) => s.questions);

/** The checklists the answers call for, e.g. S-DASH when the stalking question is answered yes. */
export function triggeredInstruments(instrument: InstrumentDefinition, answers: Record<string, { answer: AnswerValue }>): string[] {
  const called = instrument.triggers.filter((t) => answers[t.question]?.answer === t.answer).map((t) => t.instrument);
  return [...new Set(called)];
}

/**
 * A partnership's own thresholds: the lowest score of each band but the first, e.g. { medium: 8, high: 12 }.
 * The instrument's bands are moved to start there; the result must still be valid bands.
 */
export const bandThresholdsSchema = z.partialRecord(z.enum(RISK_LEVELS), z.int().min(1).max(999));
export type BandThresholds = z.infer<typeof bandThresholdsSchema>;

export function applyThresholds(
  bands: Band[],
  thresholds: BandThresholds,
  questionCount: number,
): { ok: true; bands: Band[] } | { ok: false; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const levels = new Set(bands.map((b) => b.level));
  for (const level of Object.keys(thresholds) as RiskLevel[]) {
    if (!levels.has(level)) problems.push({ field: level, message: `This instrument has no ${level} band` });
    else if (level === bands[0]!.level) problems.push({ field: level, message: `The ${level} band always starts at a score of 0` });
  }
  if (problems.length) return { ok: false, problems };
  const mins = bands.map((b) => thresholds[b.level] ?? b.min);
  bands.forEach((band, i) => {
    const before = bands[i - 1];
    if (!before) return;
    if (mins[i]! > questionCount)
      problems.push({ field: band.level, message: `The ${band.level} band must start at ${questionCount} or lower: there are ${questionCount} questions` });
    else if (mins[i]! <= mins[i - 1]!)
      problems.push({
        field: thresholds[band.level] === undefined ? before.level : band.level,
        message: `The ${band.level} band must start at a higher score than the ${before.level} band`,
      });
  });
  if (problems.length) return { ok: false, problems };
  const moved = bands.map((band, i) => ({ level: band.level, min: mins[i]!, max: i + 1 < bands.length ? mins[i + 1]! - 1 : band.max }));
  return { ok: true, bands: moved };
}

function readShipped(file: string): unknown {
  return JSON.parse(fs.readFileSync(new URL(`./instruments/${file}`, import.meta.url), 'utf8'));
}

/** The file of each instrument version Harbour ships. A shipped version is never edited: new wording is a new file. */
export const SHIPPED_FILES = ['dash-ric-24.v1.json', 's-dash.v1.json', 'h-dash.v1.json'];

/** Read and checked once at start-up: a malformed file stops Harbour rather than scoring wrongly later. */
export const SHIPPED_INSTRUMENTS: InstrumentDefinition[] = (() => {
  const raw = SHIPPED_FILES.map(readShipped);
  const known = new Set(raw.map((r) => String((r as { id?: unknown }).id)));
  return raw.map((definition, i) => {
    const parsed = parseInstrument(definition, known);
    if (!parsed.ok) throw new Error(`Risk instrument ${SHIPPED_FILES[i]} is invalid: ${parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    return parsed.instrument;
  });
})();
