import { z } from 'zod';
import { formatDate } from '../../platform/format.js';
import { YES_NO, type PersonDefinition, type Question, type Stage } from './services.definition.js';
import type { AnswerValue } from './services.table.js';

/**
 * Zod schemas built from a definition: the answers to a stage's (or an aggregate entry's) questions, and a record's
 * stage dates in pathway order. Every problem at once, keyed by the form field, in GOV.UK wording.
 */

export type Answers = Record<string, AnswerValue | Record<string, number>>;
type Agency = { id: string; name: string };

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** One question's field (text as typed → its stored value); blank is undefined, refused if the question is required. */
function questionSchema(q: Exclude<Question, { kind: 'agency_counts' }>) {
  const blank = q.kind === 'text' || q.kind === 'count' || q.kind === 'score' ? `Enter ${lowerFirst(q.text)}` : `Select an answer for ‘${q.text}’`;
  let filled: z.ZodType<AnswerValue, string>;
  if (q.kind === 'yes_no') filled = z.enum(YES_NO, { error: `Select an answer for ‘${q.text}’` });
  else if (q.kind === 'choice') filled = z.enum(q.options.map((o) => o.code) as [string, ...string[]], { error: `Select an answer for ‘${q.text}’` });
  else if (q.kind === 'scale') {
    const message = `‘${q.text}’ must be a whole number from ${q.min} to ${q.max}`;
    filled = z
      .string()
      .regex(/^\d{1,3}$/, message)
      .transform(Number)
      .pipe(z.number().min(q.min, message).max(q.max, message));
  } else if (q.kind === 'count') {
    const message = `${q.text} must be a whole number from 0 to ${q.max}`;
    filled = z
      .string()
      .regex(/^\d{1,7}$/, message)
      .transform(Number)
      .pipe(z.number().max(q.max, message));
  } else if (q.kind === 'score') {
    const message = `${q.text} must be a number from ${q.min} to ${q.max}, with at most one decimal place, like 6.5`;
    filled = z
      .string()
      .regex(/^\d{1,3}(\.\d)?$/, message)
      .transform(Number)
      .pipe(z.number().min(q.min, message).max(q.max, message));
  } else filled = z.string().max(q.maxLength, `${q.text} must be ${q.maxLength} characters or fewer`);
  return z
    .unknown()
    .transform(text)
    .transform((value, ctx): AnswerValue | undefined => {
      if (!value) {
        if (q.required) ctx.addIssue({ code: 'custom', message: blank });
        return undefined;
      }
      const result = filled.safeParse(value);
      if (result.success) return result.data;
      ctx.addIssue({ code: 'custom', message: result.error.issues[0]!.message });
      return z.NEVER;
    });
}

/** How many came from each agency: a field per agency ("<question>-<agency id>"), blank meaning none. */
function agencyCountsSchema(q: Extract<Question, { kind: 'agency_counts' }>, agencies: Agency[]) {
  const message = (name: string) => `${q.text} for ${name} must be a whole number from 0 to ${q.max}`;
  return z.record(z.string(), z.unknown()).transform((raw, ctx) => {
    const counts: Record<string, number> = {};
    for (const agency of agencies) {
      const value = text(raw[`${q.id}-${agency.id}`]);
      if (!value) continue;
      const parsed = z
        .string()
        .regex(/^\d{1,7}$/)
        .transform(Number)
        .pipe(z.number().max(q.max))
        .safeParse(value);
      if (!parsed.success) ctx.addIssue({ code: 'custom', path: [`${q.id}-${agency.id}`], message: message(agency.name) });
      else if (parsed.data > 0) counts[agency.id] = parsed.data;
    }
    if (q.required && agencies.length && Object.keys(counts).length === 0 && ctx.issues.length === 0)
      ctx.addIssue({ code: 'custom', path: [`${q.id}-${agencies[0]!.id}`], message: `Enter the number of ${lowerFirst(q.text)} from at least one agency` });
    return counts;
  });
}

/** The answers to these questions, from a form's fields. */
export function answersSchema(questions: Question[], agencies: Agency[] = []): z.ZodType<Answers> {
  return z.record(z.string(), z.unknown()).transform((raw, ctx) => {
    const answers: Answers = {};
    for (const q of questions) {
      const result = q.kind === 'agency_counts' ? agencyCountsSchema(q, agencies).safeParse(raw) : questionSchema(q).safeParse(raw[q.id]);
      if (!result.success) {
        const issue = result.error.issues[0]!;
        // One message per field, as the GOV.UK pattern shows.
        for (const i of q.kind === 'agency_counts' ? result.error.issues : [issue])
          ctx.addIssue({ code: 'custom', path: q.kind === 'agency_counts' ? i.path : [q.id], message: i.message });
      } else if (result.data !== undefined) answers[q.id] = result.data;
    }
    return answers;
  });
}

export type StageDates = Record<Stage, string | null>;

/**
 * A record's stage dates in pathway order: assessed, started and ended each on or after the stages before them
 * (the CHECKs of migration 2026-11-23T2500 hold the same), and a completion needs a start. The message goes on the
 * date being changed and names the stage it clashes with.
 */
export function stageDatesSchema(definition: PersonDefinition, changed: Stage) {
  const label = (stage: Stage) => definition.stages[stage]!.label.toLowerCase();
  return z
    .object({
      referred: z.string(),
      assessed: z.string().nullable(),
      started: z.string().nullable(),
      completed: z.string().nullable(),
      left_early: z.string().nullable(),
    })
    .superRefine((dates, ctx) => {
      const fail = (message: string) => ctx.addIssue({ code: 'custom', path: ['date'], message });
      if (dates.completed && !dates.started) return fail(`Record the date for ‘${label('started')}’ before recording that the person ${label('completed')}`);
      const end: Stage | null = dates.completed ? 'completed' : dates.left_early ? 'left_early' : null;
      const sequence = [...(['referred', 'assessed', 'started'] as Stage[]).filter((s) => dates[s]), ...(end ? [end] : [])];
      for (let i = 1; i < sequence.length; i++) {
        const before = sequence[i - 1]!;
        const after = sequence[i]!;
        if (dates[after]! >= dates[before]!) continue;
        return fail(
          changed === before
            ? `The date for ‘${label(before)}’ must be on or before the date for ‘${label(after)}’ (${formatDate(dates[after])})`
            : `The date for ‘${label(after)}’ must be on or after the date for ‘${label(before)}’ (${formatDate(dates[before])})`,
        );
      }
    });
}
