import { z } from 'zod';
import { londonToday } from '../../platform/format.js';

export const CASE_FLAGS = [
  'honour_based_abuse',
  'forced_marriage',
  'fgm',
  'stalking',
  'substance_misuse',
  'mental_health',
  'disability',
  'pregnancy',
  'nrpf',
  'aged_16_17',
  'lgbt',
  'male_victim',
] as const;

/** How a perpetrator is personally connected to the victim (Domestic Abuse Act 2021 s.2), relatives by type, plus carers. */
export const PERPETRATOR_RELATIONSHIPS = [
  'partner',
  'ex_partner',
  'spouse',
  'ex_spouse',
  'engaged',
  'parent_of_same_child',
  'relative_parent',
  'relative_child',
  'relative_sibling',
  'relative_grandparent',
  'relative_other',
  'carer',
  'other',
] as const;

export const CHILD_RELATIONSHIPS = ['child', 'stepchild', 'other_relative', 'other'] as const;
export const CHILD_LIVES_WITH = ['victim', 'perpetrator', 'both', 'elsewhere'] as const;
export const CASE_STATUSES = ['open', 'closed'] as const;
const PERSON_ROLES = ['victim', 'perpetrator', 'child', 'household_member'] as const;
export const TIMELINE_TYPES = ['opened', 'people', 'agencies', 'restrictions', 'changes'] as const;

export type CaseFlag = (typeof CASE_FLAGS)[number];
export type PersonRole = (typeof PERSON_ROLES)[number];
export type TimelineType = (typeof TIMELINE_TYPES)[number];

/** Whole years from one ISO date to another. */
export function yearsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

type Raw = Record<string, unknown>;
type Fail = (field: string, message: string) => undefined;

/**
 * A form schema whose `read` goes through the raw fields in page order, calling `fail` for each problem, so the
 * error summary lists every problem at once and in page order, including rules that depend on another answer.
 * A value read after a failure is incomplete (hence the `!`s below): the form then goes back with its errors.
 * The fields as typed ride along on the result: when a rule is broken later, in the service, the router sends
 * the parsed body back to the form, and this is what refills it.
 */
export function formSchema<T extends object>(read: (raw: Raw, fail: Fail) => T) {
  return z.record(z.string(), z.unknown()).transform((raw, ctx) => {
    let failed = false;
    const fail: Fail = (field, message) => {
      failed = true;
      ctx.addIssue({ code: 'custom', path: [field], message });
      return undefined;
    };
    const value = read(raw, fail);
    if (failed) return z.NEVER;
    const typed = Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string' || Array.isArray(v)));
    return Object.assign(typed, value) as T;
  });
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(text) : typeof value === 'string' && value !== '' ? [value] : []);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function oneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** GOV.UK date input ("<name>-day", "-month", "-year") → ISO date; null when left blank; undefined after an error. */
function readDate(raw: Raw, fail: Fail, name: string, label: string, range: { from: number; to: string }): string | null | undefined {
  const [day, month, year] = ['day', 'month', 'year'].map((part) => text(raw[`${name}-${part}`]));
  if (!day && !month && !year) return null;
  if (!day || !month || !year) return fail(name, `${label} must include a day, month and year`);
  const iso = `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso || Number(year) < range.from) {
    return fail(name, `${label} must be a real date`);
  }
  if (iso > range.to) return fail(name, `${label} must be today or in the past`);
  return iso;
}

function readCodes<T extends string>(raw: Raw, fail: Fail, name: string, values: readonly T[]): T[] {
  const chosen = list(raw[name]);
  if (chosen.some((code) => !oneOf(values, code))) fail(name, 'Select from the list');
  return [...new Set(chosen.filter((code): code is T => oneOf(values, code)))];
}

export type NewPerson = { kind: 'new'; givenName: string; familyName: string; dateOfBirth: string | null; estimatedAge: number | null };
export type PersonChoice = { kind: 'existing'; personId: string } | NewPerson;

const NEW_PERSON_FIELDS = ['givenName', 'familyName', 'dateOfBirth-day', 'dateOfBirth-month', 'dateOfBirth-year', 'estimatedAge'];

/**
 * Someone already on Harbour (a Harbour ID, shown first on the page) or a new person typed in below it. A new
 * person's age is needed where a rule depends on it (a child must be under 18) or the case needs it (the victim).
 */
function readPersonChoice(raw: Raw, fail: Fail, ageRequired: boolean): PersonChoice | undefined {
  const personId = text(raw.personId);
  if (personId) {
    if (NEW_PERSON_FIELDS.some((field) => text(raw[field]))) return fail('personId', 'Enter a Harbour ID or a new person’s details, not both');
    if (UUID.test(personId)) return { kind: 'existing', personId: personId.toLowerCase() };
    return fail('personId', 'Enter the Harbour ID exactly as it appears on the person’s page');
  }
  const name = (field: 'givenName' | 'familyName', label: string) => {
    const value = text(raw[field]);
    if (!value) return fail(field, `Enter their ${label}`);
    if (value.length > 100) return fail(field, `${label[0]!.toUpperCase()}${label.slice(1)} must be 100 characters or fewer`);
    if (!/\p{L}/u.test(value)) return fail(field, `${label[0]!.toUpperCase()}${label.slice(1)} must include a letter`);
    return value;
  };
  const givenName = name('givenName', 'first name');
  const familyName = name('familyName', 'last name');
  const dateOfBirth = readDate(raw, fail, 'dateOfBirth', 'Date of birth', { from: 1900, to: londonToday() });
  const ageText = text(raw.estimatedAge);
  let estimatedAge: number | null | undefined = null;
  if (ageText && (!/^\d{1,3}$/.test(ageText) || Number(ageText) > 120))
    estimatedAge = fail('estimatedAge', 'Estimated age must be a whole number from 0 to 120');
  else if (ageText) estimatedAge = Number(ageText);
  if (dateOfBirth && typeof estimatedAge === 'number') estimatedAge = fail('estimatedAge', 'Enter a date of birth or an estimated age, not both');
  if (ageRequired && dateOfBirth === null && estimatedAge === null) {
    fail('dateOfBirth', 'Enter their date of birth, or an estimated age if you do not know it');
  }
  if (givenName === undefined || familyName === undefined || dateOfBirth === undefined || estimatedAge === undefined) return undefined;
  return { kind: 'new', givenName, familyName, dateOfBirth, estimatedAge };
}

export const newCaseForm = formSchema((raw, fail) => {
  const victim = readPersonChoice(raw, fail, true);
  const openedOn = readDate(raw, fail, 'openedOn', 'Date the case was opened', { from: 1990, to: londonToday() });
  if (openedOn === null) fail('openedOn', 'Enter the date the case was opened');
  const flags = readCodes(raw, fail, 'flags', CASE_FLAGS);
  return { victim: victim!, openedOn: openedOn!, flags };
});

export const perpetratorForm = formSchema((raw, fail) => {
  const person = readPersonChoice(raw, fail, false);
  const relationship = text(raw.relationship);
  if (!oneOf(PERPETRATOR_RELATIONSHIPS, relationship)) fail('relationship', 'Select how they are connected to the victim');
  return { person: person!, relationship };
});

/** A child's relationship to each adult on the case comes as "relationship-<adult's person id>". */
export const childForm = formSchema((raw, fail) => {
  const person = readPersonChoice(raw, fail, true);
  const relationships: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const adultId = /^relationship-(.+)$/.exec(key)?.[1];
    if (!adultId || !text(value)) continue;
    if (!UUID.test(adultId) || !oneOf(CHILD_RELATIONSHIPS, text(value))) fail(key, 'Select a relationship from the list');
    else relationships[adultId.toLowerCase()] = text(value);
  }
  const livesWith = text(raw.livesWith);
  if (!oneOf(CHILD_LIVES_WITH, livesWith)) fail('livesWith', 'Select where the child lives');
  return { person: person!, relationships, livesWith };
});

export const householdMemberForm = formSchema((raw, fail) => {
  const person = readPersonChoice(raw, fail, false);
  const relationship = text(raw.relationship);
  if (relationship.length > 100) fail('relationship', 'Relationship must be 100 characters or fewer');
  return { person: person!, relationship: relationship || null };
});

export const caseEditForm = formSchema((raw, fail) => {
  const status = text(raw.status);
  if (!oneOf(CASE_STATUSES, status)) fail('status', 'Select whether the case is open or closed');
  let closedOn: string | null | undefined = null;
  if (status === 'closed') {
    closedOn = readDate(raw, fail, 'closedOn', 'Date the case was closed', { from: 1990, to: londonToday() });
    if (closedOn === null) fail('closedOn', 'Enter the date the case was closed');
  }
  const flags = readCodes(raw, fail, 'flags', CASE_FLAGS);
  const version = Number(text(raw.version));
  if (!Number.isInteger(version) || version < 1 || version > 2_147_483_647) fail('version', 'Reload the page and try again');
  return { status: status as (typeof CASE_STATUSES)[number], closedOn: closedOn ?? null, flags, version };
});

export const assignAgencyForm = formSchema((raw, fail) => {
  const agencyId = text(raw.agencyId);
  if (!UUID.test(agencyId)) fail('agencyId', 'Select an agency');
  return { agencyId };
});

export const idParams = z.object({ id: z.uuid() });

/** ?person=<id>: a form starts with someone already on Harbour (from their page or a search). */
export const personQuery = z.object({ person: z.uuid().optional().catch(undefined) });

export const caseListQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  status: z.enum(CASE_STATUSES).optional().catch(undefined),
});

export const caseViewQuery = z.object({ type: z.enum(TIMELINE_TYPES).optional().catch(undefined) });

export type NewCaseForm = z.infer<typeof newCaseForm>;
export type PerpetratorForm = z.infer<typeof perpetratorForm>;
export type ChildForm = z.infer<typeof childForm>;
export type HouseholdMemberForm = z.infer<typeof householdMemberForm>;
export type CaseEditForm = z.infer<typeof caseEditForm>;
