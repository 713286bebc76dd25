import { formatDate, londonToday } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { yearsBetween } from './person.age.js';
import type { DuplicateCandidate, PersonMatch } from './search.repository.js';

const KIND_KEYS: Record<string, string> = { known_as: 'known_as', previous: 'previous', alternative_spelling: 'alternative_spelling' };

/** "14 February 1990 (age 35)", "About 34 years old", or "Not known". */
export function bornText(match: Pick<PersonMatch, 'date_of_birth' | 'estimated_age'>, today = londonToday()): string {
  if (match.date_of_birth) return translate('en', 'person.bornText', { date: formatDate(match.date_of_birth), age: yearsBetween(match.date_of_birth, today) });
  if (match.estimated_age !== null) return translate('en', 'duplicates.about', { age: match.estimated_age });
  return translate('en', 'person.answer.not_known');
}

/** A person found by search or the duplicate checks, for a table of possible matches. */
export function presentCandidate(match: PersonMatch & { reasons?: string[] }) {
  const name = `${match.given_name} ${match.family_name}`.trim() || translate('en', 'person.unnamed');
  const matched = `${match.matched_given} ${match.matched_family}`.trim();
  const kind = KIND_KEYS[match.matched_kind];
  return {
    id: match.id,
    name,
    // The name that matched, when it is not the one shown: "Previous name: Siobhan Byrne".
    alsoMatched: matched !== name && kind ? `${translate('en', `person.nameKind.${kind}`)}: ${matched}` : '',
    born: bornText(match),
    agency: match.agency_name,
    reasons: (match.reasons ?? []).map((r) => r.charAt(0).toUpperCase() + r.slice(1)),
  };
}

export type PresentedCandidate = ReturnType<typeof presentCandidate>;

/**
 * The form as typed, as hidden fields for the duplicates page to post again. Only form-shaped fields go back:
 * a field name of letters, digits and hyphens, a text value (or a list of them, for checkboxes).
 */
export function typedFields(body: unknown): { name: string; value: string }[] {
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(body as Record<string, unknown>)
    .filter(([name]) => /^[A-Za-z][A-Za-z0-9-]{0,60}$/.test(name) && name !== 'duplicates')
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string').map((v) => ({ name, value: v })))
    .slice(0, 200);
}

/** The same fields as the values object the person form reads back after a redirect. */
export function typedValues(fields: { name: string; value: string }[]): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const { name, value } of fields) {
    const seen = values[name];
    values[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return values;
}
