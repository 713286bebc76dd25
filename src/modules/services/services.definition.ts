import fs from 'node:fs';
import { z } from 'zod';
import type { AnswerValue } from './services.table.js';

/**
 * A service is data, not code (DOMAIN.md §4, issue 6): a versioned definition of its type, eligibility, the people
 * it works with, the pathway's stages with the outcome questions asked at each, and the outcome measures reported.
 * An aggregate service (CC-AV sessions, helpline calls, training) instead defines the fields of one entry and the
 * measures summed from them. Harbour ships definitions in ./definitions, checked here when it starts.
 */

/** The pathway every per-person service follows; a definition names them in its own words and may skip assessment. */
export const STAGES = ['referred', 'assessed', 'started', 'completed', 'left_early'] as const;
export type Stage = (typeof STAGES)[number];
export const YES_NO = ['yes', 'no', 'not_known'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const id = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'Use lower-case letters, digits and underscores, like feels_safer');
const option = z.strictObject({ code: id, label: text(200) });

const base = { id, text: text(300), help: text(1000).optional(), required: z.boolean().default(true) };
export const questionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('yes_no') }),
  z.strictObject({ ...base, kind: z.literal('scale'), min: z.int().min(0).max(100), max: z.int().min(1).max(100), minLabel: text(100), maxLabel: text(100) }),
  z.strictObject({ ...base, kind: z.literal('count'), max: z.int().min(1).max(1_000_000) }),
  z.strictObject({ ...base, kind: z.literal('choice'), options: z.array(option).min(2).max(30) }),
  z.strictObject({ ...base, kind: z.literal('text'), maxLength: z.int().min(1).max(500) }),
  /** A mean score from a questionnaire (0–10, one decimal place): aggregate entries only. */
  z.strictObject({ ...base, kind: z.literal('score'), min: z.int().min(0), max: z.int().min(1).max(100) }),
  /** How many from each of the partnership's agencies (training attendees): aggregate entries only. */
  z.strictObject({ ...base, kind: z.literal('agency_counts'), max: z.int().min(1).max(100_000) }),
]);
export type Question = z.infer<typeof questionSchema>;

const stageSchema = z.strictObject({ label: text(100), hint: text(500).optional(), questions: z.array(questionSchema).max(30).default([]) });
const stageRef = z.strictObject({ stage: z.enum(STAGES), question: id });

const outcomeSchema = z.discriminatedUnion('kind', [
  /** Share of records with an answer (other than "not known") whose answer is one of `positive`. */
  z.strictObject({ id, label: text(200), kind: z.literal('share'), stage: z.enum(STAGES), question: id, positive: z.array(id).min(1) }),
  /** Share of records answering both whose score after is higher than before. */
  z.strictObject({ id, label: text(200), kind: z.literal('improved'), before: stageRef, after: stageRef }),
  /** Sum of a count (e.g. bed-nights). */
  z.strictObject({ id, label: text(200), kind: z.literal('sum'), stage: z.enum(STAGES), question: id }),
]);
export type Outcome = z.infer<typeof outcomeSchema>;

const common = {
  id: z.string().regex(/^[a-z][a-z0-9-]{1,48}[a-z0-9]$/, 'Use lower-case letters, digits and hyphens, like ask-sanctuary'),
  version: z.int().min(1).max(9999),
  type: z.enum(['sanctuary', 'perpetrator_programme', 'young_people', 'accommodation', 'children', 'prevention', 'helpline', 'training', 'awareness']),
  title: text(200),
  summary: text(2000),
  eligibility: text(2000),
};

const personDefinition = z.strictObject({
  ...common,
  kind: z.literal('person'),
  roles: z.array(z.enum(['victim', 'perpetrator', 'child', 'household_member'])).min(1),
  defaultCapacity: z.int().min(1).max(100_000),
  stages: z.strictObject({
    referred: stageSchema,
    assessed: stageSchema.optional(),
    started: stageSchema,
    completed: stageSchema,
    left_early: stageSchema,
  }),
  outcomes: z.array(outcomeSchema).max(20),
});

const aggregateMeasure = z.discriminatedUnion('kind', [
  z.strictObject({ id, label: text(200), kind: z.literal('entries') }),
  z.strictObject({ id, label: text(200), kind: z.literal('sum'), field: id }),
  /** Mean of a score, each entry weighted by a count field (a session of 30 pupils counts 30 times). */
  z.strictObject({ id, label: text(200), kind: z.literal('mean'), field: id, weight: id }),
  z.strictObject({ id, label: text(200), kind: z.literal('distinct'), field: id }),
]);
export type AggregateMeasure = z.infer<typeof aggregateMeasure>;

const aggregateDefinition = z.strictObject({
  ...common,
  kind: z.literal('aggregate'),
  /** A "day" entry is one event (a session, a course); a "month" entry counts a whole month (helpline calls). */
  period: z.enum(['day', 'month']),
  fields: z.array(questionSchema).min(1).max(30),
  measures: z.array(aggregateMeasure).min(1).max(20),
});

export type PersonDefinition = z.infer<typeof personDefinition>;
export type AggregateDefinition = z.infer<typeof aggregateDefinition>;
export type ServiceDefinition = PersonDefinition | AggregateDefinition;

/** Where two entries share a value, the later one's index. */
function repeats(values: string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((value, index) => (seen.has(value) ? [index] : (seen.add(value), [])));
}

function checkQuestions(questions: Question[], path: (string | number)[], problem: (path: (string | number)[], message: string) => void, aggregate: boolean) {
  for (const i of repeats(questions.map((q) => q.id))) problem([...path, i, 'id'], `Question id ${questions[i]!.id} is used more than once`);
  questions.forEach((q, i) => {
    if ((q.kind === 'scale' || q.kind === 'score') && q.min >= q.max) problem([...path, i, 'max'], 'A scale must end above where it starts');
    if (!aggregate && (q.kind === 'score' || q.kind === 'agency_counts' || q.kind === 'text'))
      problem([...path, i, 'kind'], `${q.kind} questions are for aggregate entries only: a person's answers are coded`);
    if (q.kind === 'choice')
      for (const j of repeats(q.options.map((o) => o.code))) problem([...path, i, 'options', j, 'code'], 'Each option needs its own code');
  });
}

export const definitionSchema = z.discriminatedUnion('kind', [personDefinition, aggregateDefinition]).superRefine((definition, ctx) => {
  const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (definition.kind === 'aggregate') {
    checkQuestions(definition.fields, ['fields'], problem, true);
    const fields = new Map(definition.fields.map((f) => [f.id, f]));
    for (const i of repeats(definition.measures.map((m) => m.id))) problem(['measures', i, 'id'], 'Each measure needs its own id');
    definition.measures.forEach((m, i) => {
      if (m.kind === 'entries') return;
      const field = fields.get(m.field);
      if (!field) return problem(['measures', i, 'field'], `There is no field ${m.field}`);
      if (m.kind === 'sum' && field.kind !== 'count' && field.kind !== 'agency_counts') problem(['measures', i, 'field'], 'Only counts can be summed');
      if (m.kind === 'mean' && field.kind !== 'score' && field.kind !== 'scale') problem(['measures', i, 'field'], 'Only scores have a mean');
      if (m.kind === 'mean' && fields.get(m.weight)?.kind !== 'count') problem(['measures', i, 'weight'], 'A mean is weighted by a count field');
    });
    return;
  }
  const stages = Object.entries(definition.stages).filter(([, s]) => s) as [Stage, { questions: Question[] }][];
  for (const [stage, s] of stages) checkQuestions(s.questions, ['stages', stage, 'questions'], problem, false);
  const question = (stage: Stage, qid: string) => definition.stages[stage]?.questions.find((q) => q.id === qid);
  for (const i of repeats(definition.outcomes.map((o) => o.id))) problem(['outcomes', i, 'id'], 'Each outcome needs its own id');
  definition.outcomes.forEach((o, i) => {
    if (o.kind === 'share') {
      const q = question(o.stage, o.question);
      if (!q) return problem(['outcomes', i, 'question'], `There is no question ${o.question} at stage ${o.stage}`);
      const codes: readonly string[] = q.kind === 'yes_no' ? YES_NO : q.kind === 'choice' ? q.options.map((c) => c.code) : [];
      o.positive.forEach((code, j) => {
        if (!codes.includes(code)) problem(['outcomes', i, 'positive', j], `${code} is not an answer to ${o.question}`);
      });
    } else if (o.kind === 'improved') {
      for (const side of ['before', 'after'] as const) {
        if (question(o[side].stage, o[side].question)?.kind !== 'scale')
          problem(['outcomes', i, side], `${o[side].question} is not a scale at stage ${o[side].stage}`);
      }
    } else if (question(o.stage, o.question)?.kind !== 'count') problem(['outcomes', i, 'question'], `${o.question} is not a count at stage ${o.stage}`);
  });
});

export type ParsedDefinition = { ok: true; definition: ServiceDefinition } | { ok: false; problems: { field: string; message: string }[] };

export function parseDefinition(raw: unknown): ParsedDefinition {
  const result = definitionSchema.safeParse(raw);
  if (result.success) return { ok: true, definition: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || 'definition', message: issue.message })) };
}

/** The stages a definition uses, in pathway order. */
export function stagesOf(definition: PersonDefinition): Stage[] {
  return STAGES.filter((s) => definition.stages[s]);
}

/** The shipped definition files. A shipped version is never edited: a change is a new file with the next version. */
export const SHIPPED_FILES = [
  'ask-sanctuary.v1.json',
  'idap.v1.json',
  'voluntary-perpetrator.v1.json',
  'healthy-relationships.v1.json',
  'refuge.v1.json',
  'floating-support.v1.json',
  'childrens-support.v1.json',
  'cc-av.v1.json',
  'helpline.v1.json',
  'training.v1.json',
  'awareness.v1.json',
];

/** Read and checked once at start-up: a malformed file stops Harbour rather than reporting wrongly later. */
export const SHIPPED_DEFINITIONS: ServiceDefinition[] = SHIPPED_FILES.map((file) => {
  const parsed = parseDefinition(JSON.parse(fs.readFileSync(new URL(`./definitions/${file}`, import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(`Service definition ${file} is invalid: ${parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  return parsed.definition;
});

export function findDefinition(definitionId: string, version: number): ServiceDefinition | undefined {
  return SHIPPED_DEFINITIONS.find((d) => d.id === definitionId && d.version === version);
}
