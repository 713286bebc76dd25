/**
 * Readers for one form field each, for the people module's `formSchema` (src/modules/people/case.schemas.ts): each
 * returns the value, or calls `fail` with the GOV.UK message for the field and returns undefined. Shared by the
 * modules whose forms have the same kinds of field (MARAC meeting day, casework).
 */

export type Raw = Record<string, unknown>;
export type Fail = (field: string, message: string) => undefined;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A field as typed, trimmed, with Windows line ends made plain. */
export const text = (value: unknown): string => (typeof value === 'string' ? value.replace(/\r\n/g, '\n').trim() : '');
const length = (value: string) => [...value].length;

export function readId(raw: Raw, fail: Fail, name: string, message: string): string | undefined {
  const value = text(raw[name]).toLowerCase();
  return UUID.test(value) ? value : fail(name, message);
}

export function readCode<T extends string>(raw: Raw, fail: Fail, name: string, codes: readonly T[], message: string): T | undefined {
  const value = text(raw[name]);
  return (codes as readonly string[]).includes(value) ? (value as T) : fail(name, message);
}

/** The version the form was filled in against (0: no record yet). Harbour wrote it, so no wording for people. */
export function readVersion(raw: Raw, fail: Fail, min: number): number {
  const n = Number(text(raw.version));
  if (!Number.isInteger(n) || n < min || n > 2_147_483_647) fail('version', 'Reload the page and try again');
  return n;
}

/** Free text up to `max` characters; `required` is the message when it is blank. */
export function readText(raw: Raw, fail: Fail, name: string, label: string, max: number, required?: string): string | null {
  const value = text(raw[name]);
  if (!value) {
    if (required) fail(name, required);
    return null;
  }
  if (length(value) > max) fail(name, `${label} must be ${max} characters or fewer`);
  return value;
}

/** A required GOV.UK date input ("<name>-day", "-month", "-year"). */
export function readDate(raw: Raw, fail: Fail, name: string, label: string, whenBlank: string): string | undefined {
  const parts = { day: text(raw[`${name}-day`]), month: text(raw[`${name}-month`]), year: text(raw[`${name}-year`]) };
  const missing = Object.entries(parts).flatMap(([part, value]) => (value ? [] : [part]));
  if (missing.length === 3) return fail(name, whenBlank);
  if (missing.length > 0) return fail(name, `${label} must include a ${missing.join(' and ')}`);
  const iso = `${parts.year.padStart(4, '0')}-${parts.month.padStart(2, '0')}-${parts.day.padStart(2, '0')}`;
  const date = new Date(`${iso}T12:00:00Z`);
  const real = Object.values(parts).every((v) => /^\d{1,4}$/.test(v)) && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso;
  if (!real || iso < '2000-01-01' || iso > '2099-12-31') return fail(name, `${label} must be a real date`);
  return iso;
}

/** A whole number in a range; blank is `whenBlank` (or null when the field is optional). */
export function readWhole(raw: Raw, fail: Fail, name: string, range: [number, number], message: string, whenBlank?: string): number | null | undefined {
  const value = text(raw[name]);
  if (!value) return whenBlank ? fail(name, whenBlank) : null;
  const n = Number(value);
  return /^\d{1,6}$/.test(value) && n >= range[0] && n <= range[1] ? n : fail(name, message);
}
