import fs from 'node:fs';
import { z } from 'zod';
import { AGENCY_TYPES } from '../admin/admin.schemas.js';
import { CASE_FLAGS, CHILD_LIVES_WITH } from '../people/case.schemas.js';
import { CODED } from '../people/person.codes.js';

/**
 * The SafeLives return's columns, as data (safelives-return.columns.json): each column names its heading as the
 * template does and the measure it counts, so a new template is a change to the file, not to code. Read and checked
 * once at start-up; a file that names an unknown code, flag or agency type stops Harbour rather than counting nothing.
 * Definitions: docs/safelives-return.md.
 */

/** The person fields a column may test, as the people module codes them. */
export const PERSON_FIELDS = ['sex', 'gender', 'genderIdentity', 'ethnicity', 'disability', 'sexualOrientation'] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

const codeCondition = z
  .object({ field: z.enum(PERSON_FIELDS), codes: z.array(z.string()).min(1) })
  .strict()
  .superRefine((c, ctx) => {
    const known: readonly string[] = CODED[c.field];
    for (const code of c.codes) if (!known.includes(code)) ctx.addIssue({ code: 'custom', message: `${c.field} has no code "${code}"` });
  });
const flagCondition = z.object({ caseFlag: z.enum(CASE_FLAGS) }).strict();
const ageCondition = z
  .object({
    ageAtReferral: z
      .object({ min: z.number().int().min(0).max(120).optional(), max: z.number().int().min(0).max(120).optional() })
      .strict()
      .refine((a) => a.min !== undefined || a.max !== undefined, 'an age condition needs a min or a max')
      .refine((a) => a.min === undefined || a.max === undefined || a.min <= a.max, 'min must not be above max'),
  })
  .strict();

/** A person matches when any condition holds: a coded answer, a flag on the case heard, or an age on the referral date. */
const condition = z.union([codeCondition, flagCondition, ageCondition]);
export type Condition = z.infer<typeof condition>;

const base = { id: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/), heading: z.string().min(1).max(200) };

const column = z.discriminatedUnion('measure', [
  z.object({ ...base, measure: z.literal('cases_heard') }).strict(),
  z.object({ ...base, measure: z.literal('repeat_cases') }).strict(),
  z
    .object({ ...base, measure: z.literal('children'), livesWith: z.array(z.enum(CHILD_LIVES_WITH)).min(1), underAge: z.number().int().min(1).max(25) })
    .strict(),
  z.object({ ...base, measure: z.literal('referrals'), agencyTypes: z.union([z.array(z.enum(AGENCY_TYPES)).min(1), z.literal('any other')]) }).strict(),
  z.object({ ...base, measure: z.literal('victims'), anyOf: z.array(condition).min(1) }).strict(),
  z.object({ ...base, measure: z.literal('perpetrators'), anyOf: z.array(condition).min(1) }).strict(),
]);
export type SafeLivesColumn = z.infer<typeof column>;

export const columnsFile = z
  .object({ template: z.string().min(1), version: z.string().min(1), note: z.string().optional(), columns: z.array(column).min(1) })
  .strict()
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    const typed = new Set<string>();
    let anyOther = 0;
    for (const c of file.columns) {
      if (ids.has(c.id)) ctx.addIssue({ code: 'custom', message: `column "${c.id}" is listed twice` });
      ids.add(c.id);
      if (c.measure !== 'referrals') continue;
      if (c.agencyTypes === 'any other') anyOther += 1;
      else
        for (const type of c.agencyTypes) {
          // One referral counts in one column: an agency type in two would count it twice.
          if (typed.has(type)) ctx.addIssue({ code: 'custom', message: `agency type "${type}" is in two referral columns` });
          typed.add(type);
        }
    }
    if (anyOther > 1) ctx.addIssue({ code: 'custom', message: 'only one referral column may count "any other" agency type' });
  });
export type SafeLivesTemplate = z.infer<typeof columnsFile>;

export function loadTemplate(path: URL): SafeLivesTemplate {
  const parsed = columnsFile.safeParse(JSON.parse(fs.readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path.pathname} is not a valid SafeLives template: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The template in use, read at start-up. */
export const SAFELIVES_TEMPLATE = loadTemplate(new URL('./safelives-return.columns.json', import.meta.url));
