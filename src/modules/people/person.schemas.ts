import { z } from 'zod';
import { londonToday } from '../../platform/format.js';
import { CODED, DISABILITY_TYPES, OTHER_NAME_KINDS, VOICEMAIL, type CodedField, type OtherNameKind } from './person.codes.js';

/** Slots for further names (known as, previous, other spellings) one form can hold; the edit form shows one spare. */
const SLOTS = [1, 2, 3, 4, 5] as const;
export const OTHER_NAME_SLOTS = SLOTS.length;
type SlotKey = `otherName${(typeof SLOTS)[number]}-${'kind' | 'given' | 'family'}`;

/** Optional free text, trimmed; blank is null. */
export function text(label: string, max: number) {
  const tooLong = `${label} must be ${max} characters or fewer`;
  return z
    .string({ error: tooLong })
    .trim()
    .max(max, tooLong)
    .optional()
    .transform((v) => v || null);
}

/** A radio or select answer: one of the field's codes, or nothing chosen (null: not asked yet). */
function coded(field: CodedField, label: string) {
  const codes: readonly string[] = CODED[field];
  return z
    .string({ error: `Select ${label}` })
    .optional()
    .refine((v) => !v || codes.includes(v), `Select ${label}`)
    .transform((v) => v || null);
}

/** A single checkbox: sent as "yes" when ticked, absent when not. */
export const ticked = z
  .literal('yes', { error: 'Select a valid option' })
  .optional()
  .transform((v) => v === 'yes');

/** Checkboxes arrive as one value or several: always a list. */
export function checkboxList<T extends string>(values: readonly [T, ...T[]], message: string) {
  return z.preprocess(
    (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
    z.array(z.enum(values, { error: message }), { error: message }).max(values.length, message),
  );
}

export const version = z.coerce.number({ error: 'Reload the page and try again' }).int().positive().max(2_147_483_647);

const datePart = z.string({ error: 'Date of birth must be a real date' }).trim().max(10, 'Date of birth must be a real date');

/** GOV.UK date input → ISO date or null; a date of birth cannot be in the future or before 1900. */
const dateOfBirth = z.object({ day: datePart, month: datePart, year: datePart }).transform((d, ctx) => {
  const missing = (['day', 'month', 'year'] as const).filter((part) => !d[part]);
  if (missing.length === 3) return null;
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (missing.length) return fail(`Date of birth must include a ${missing.join(' and ')}`);
  if (![d.day, d.month, d.year].every((v) => /^\d+$/.test(v)) || d.year.length !== 4) return fail('Date of birth must be a real date');
  const iso = `${d.year}-${d.month.padStart(2, '0')}-${d.day.padStart(2, '0')}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso) return fail('Date of birth must be a real date');
  if (iso > londonToday()) return fail('Date of birth must be today or in the past');
  if (iso < '1900-01-01') return fail('Date of birth must be the same as or after 1 January 1900');
  return iso;
});

const estimatedAge = z
  .string({ error: 'Estimated age must be a whole number, like 34' })
  .trim()
  .optional()
  .refine((v) => !v || /^\d{1,3}$/.test(v), 'Estimated age must be a whole number, like 34')
  .transform((v) => (v ? Number(v) : null))
  .refine((v) => v === null || v <= 120, 'Estimated age must be 120 or less');

const otherNameFields = Object.fromEntries(
  SLOTS.flatMap((i) => [
    [
      `otherName${i}-kind`,
      z
        .union([z.literal(''), z.enum(OTHER_NAME_KINDS)], { error: `Select what kind of name other name ${i} is` })
        .optional()
        .transform((v) => v || null),
    ],
    [`otherName${i}-given`, text(`Other name ${i}: given names`, 100)],
    [`otherName${i}-family`, text(`Other name ${i}: family name`, 100)],
  ]),
) as Record<SlotKey, z.ZodType<string | null>>;

/** A further-name slot's value: the slots' keys are built in a loop, so their types are not spelled out. */
const slot = (form: object, i: number, part: 'kind' | 'given' | 'family') =>
  ((form as Record<string, unknown>)[`otherName${i}-${part}`] as string | null) ?? null;

/** In page order: the error summary lists problems in the order the form asks the questions. */
const personFields = z.object({
  givenName: text('Given names', 100),
  familyName: text('Family name', 100),
  ...otherNameFields,
  dateOfBirth,
  estimatedAge,
  gender: coded('gender', 'the person’s gender'),
  preferredLanguage: text('Preferred language', 100),
  interpreterNeeded: ticked,
  gpPractice: text('GP practice', 200),
  safeTimes: text('Safe times to call', 500),
  voicemailAllowed: z
    .enum(VOICEMAIL, { error: 'Select whether a voicemail can be left' })
    .optional()
    .transform((v) => v ?? 'not_known'),
  doNotWriteHome: ticked,
  codeWord: text('Code word', 100),
  sex: coded('sex', 'the person’s sex'),
  genderIdentity: coded('genderIdentity', 'whether the person’s gender is the same as their sex registered at birth'),
  ethnicity: coded('ethnicity', 'the person’s ethnic group'),
  disability: coded('disability', 'whether the person has a disability'),
  disabilityTypes: checkboxList(DISABILITY_TYPES, 'Select a type of disability from the list'),
  religion: coded('religion', 'the person’s religion or belief'),
  sexualOrientation: coded('sexualOrientation', 'the person’s sexual orientation'),
  pregnancy: coded('pregnancy', 'whether the person is pregnant or has given birth recently'),
  maritalStatus: coded('maritalStatus', 'the person’s marriage or civil partnership status'),
  immigrationStatus: coded('immigrationStatus', 'the person’s immigration status'),
  nrpf: coded('nrpf', 'whether the person has no recourse to public funds'),
});

const PAGE_ORDER = Object.keys(personFields.shape);

type PersonFields = z.infer<typeof personFields>;

/**
 * Rules across fields, run even when a field has failed (zod would otherwise skip them), so every problem is
 * shown at once. A failed field's value may be anything here: each rule checks the types it relies on.
 */
const evenIfFieldsFailed = { when: () => true };

function checkAcrossFields(form: PersonFields, ctx: z.RefinementCtx): void {
  if (!form.givenName && !form.familyName) ctx.addIssue({ code: 'custom', path: ['givenName'], message: 'Enter the person’s given names or family name' });
  for (const i of SLOTS) {
    if ((slot(form, i, 'given') || slot(form, i, 'family')) && !slot(form, i, 'kind')) {
      ctx.addIssue({ code: 'custom', path: [`otherName${i}-kind`], message: `Select what kind of name other name ${i} is` });
    }
  }
  if (typeof form.dateOfBirth === 'string' && typeof form.estimatedAge === 'number') {
    ctx.addIssue({ code: 'custom', path: ['estimatedAge'], message: 'Enter a date of birth or an estimated age, not both' });
  }
}

export type PersonName = { kind: 'legal' | OtherNameKind; givenName: string; familyName: string; isPrimary: boolean };

function toPerson(form: PersonFields) {
  const names: PersonName[] = [{ kind: 'legal', givenName: form.givenName ?? '', familyName: form.familyName ?? '', isPrimary: true }];
  for (const i of SLOTS) {
    const kind = slot(form, i, 'kind') as OtherNameKind | null;
    const givenName = slot(form, i, 'given') ?? '';
    const familyName = slot(form, i, 'family') ?? '';
    if (kind && (givenName || familyName)) names.push({ kind, givenName, familyName, isPrimary: false });
  }
  return {
    names,
    dateOfBirth: form.dateOfBirth,
    estimatedAge: form.estimatedAge,
    gender: form.gender,
    preferredLanguage: form.preferredLanguage,
    interpreterNeeded: form.interpreterNeeded,
    gpPractice: form.gpPractice,
    safeTimes: form.safeTimes,
    voicemailAllowed: form.voicemailAllowed,
    doNotWriteHome: form.doNotWriteHome,
    codeWord: form.codeWord,
    sex: form.sex,
    genderIdentity: form.genderIdentity,
    ethnicity: form.ethnicity,
    disability: form.disability,
    // Types answer "what kind of disability", so they mean nothing unless the answer is yes.
    disabilityTypes: form.disability === 'yes' ? [...new Set(form.disabilityTypes)] : [],
    religion: form.religion,
    sexualOrientation: form.sexualOrientation,
    pregnancy: form.pregnancy,
    maritalStatus: form.maritalStatus,
    immigrationStatus: form.immigrationStatus,
    nrpf: form.nrpf,
  };
}

export type PersonForm = ReturnType<typeof toPerson>;

/** GOV.UK date inputs arrive as "dateOfBirth-day", "-month", "-year": gather them into one value. */
function groupDateOfBirth(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  const body = input as Record<string, unknown>;
  return { ...body, dateOfBirth: { day: body['dateOfBirth-day'] ?? '', month: body['dateOfBirth-month'] ?? '', year: body['dateOfBirth-year'] ?? '' } };
}

/**
 * zod reports a rule across fields after every field's own problems; the GOV.UK error summary must follow the
 * page, so the issues are re-ordered by the field they belong to (a stable sort keeps one field's in order).
 */
function inPageOrder<T>(schema: z.ZodType<T>, order: readonly string[]) {
  const rank = (issue: z.core.$ZodIssue) => {
    const index = order.indexOf(String(issue.path[0]));
    return index < 0 ? order.length : index;
  };
  return z.unknown().transform((input, ctx): T => {
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    for (const issue of [...result.error.issues].sort((a, b) => rank(a) - rank(b))) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    }
    return z.NEVER;
  });
}

export const personForm = inPageOrder(
  z.preprocess(groupDateOfBirth, personFields.superRefine(checkAcrossFields, evenIfFieldsFailed).transform(toPerson)),
  PAGE_ORDER,
);
export const personEditForm = inPageOrder(
  z.preprocess(
    groupDateOfBirth,
    personFields
      .extend({ version })
      .superRefine(checkAcrossFields, evenIfFieldsFailed)
      .transform((form) => ({ ...toPerson(form), version: form.version })),
  ),
  [...PAGE_ORDER, 'version'],
);

export const idParams = z.object({ id: z.uuid() });
export const listQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1) });
