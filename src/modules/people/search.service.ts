import type { Db } from '../../db/database.js';
import type { FieldError } from '../../platform/errors.js';
import { nameKey, phoneKey, postcodeKey } from './name-keys.js';
import { assertMaySeePersonalData, type Viewer } from './people.policy.js';
import {
  findDuplicateCandidates,
  searchPeople,
  type DuplicateCandidate,
  type DuplicateProbe,
  type PersonMatch,
  type SearchCriteria,
} from './search.repository.js';
import type { SearchQuery } from './search.schemas.js';

export type SearchOutcome = { criteria: SearchCriteria | null; errors: FieldError[]; results: PersonMatch[] };

/** ISO date from the three date fields, or an error; blank fields mean "not searched on". */
function dateOfBirth(query: SearchQuery): { value: string | null; error?: string } {
  const [day, month, year] = [query['dob-day'], query['dob-month'], query['dob-year']];
  if (!day && !month && !year) return { value: null };
  const iso = `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso || Number(year) < 1900) {
    return { value: null, error: 'Date of birth must be a real date, like 27 3 1985' };
  }
  return { value: iso };
}

/** The words of a name: the last is the family name, the first (if there are two or more) the given name. */
export function parseName(name: string): SearchCriteria['name'] {
  const words = name.split(/\s+/).map(nameKey).filter(Boolean);
  if (words.length === 0) return null;
  return { family: words[words.length - 1]!, given: words.length > 1 ? words[0]! : null };
}

export function criteriaFrom(query: SearchQuery): { criteria: SearchCriteria | null; errors: FieldError[] } {
  const dob = dateOfBirth(query);
  const errors: FieldError[] = dob.error ? [{ field: 'dob', message: dob.error }] : [];
  const name = parseName(query.name);
  if (query.name && !name) errors.push({ field: 'name', message: 'Name must include letters' });
  const phone = query.phone ? phoneKey(query.phone) : null;
  if (query.phone && (!phone || phone.length < 6)) errors.push({ field: 'phone', message: 'Enter a phone number with at least 6 digits' });
  const postcode = query.postcode ? postcodeKey(query.postcode) : null;
  if (query.postcode && (!postcode || postcode.length < 5)) errors.push({ field: 'postcode', message: 'Enter a full postcode, like SW1A 1AA' });
  if (errors.length) return { criteria: null, errors };
  const criteria = { name, dateOfBirth: dob.value, phone, postcode };
  return { criteria: name || dob.value || phone || postcode ? criteria : null, errors };
}

export async function search(db: Db, viewer: Viewer, query: SearchQuery): Promise<SearchOutcome> {
  assertMaySeePersonalData(viewer);
  const { criteria, errors } = criteriaFrom(query);
  return { criteria, errors, results: criteria ? await searchPeople(db, viewer, criteria) : [] };
}

export type DuplicateInput = { givenName: string; familyName: string; dateOfBirth: string | null; phones: string[]; postcode: string | null };

/** Likely existing records of the person about to be recorded, among those the viewer may see. */
export async function duplicateCandidates(db: Db, viewer: Viewer, input: DuplicateInput): Promise<DuplicateCandidate[]> {
  assertMaySeePersonalData(viewer);
  const probe: DuplicateProbe = {
    given: nameKey(input.givenName),
    family: nameKey(input.familyName),
    dateOfBirth: input.dateOfBirth,
    phones: input.phones.map(phoneKey).filter((p) => p.length >= 6),
    postcode: input.postcode ? postcodeKey(input.postcode) : null,
  };
  if (!probe.family) return [];
  return findDuplicateCandidates(db, viewer, probe);
}
