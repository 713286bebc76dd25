import type { z } from 'zod';
import { errors, HarbourError, type FieldError } from '../../platform/errors.js';
import { zodFieldErrors } from '../../platform/routes.js';
import type { PersonJson } from './people.api.schemas.js';
import { OTHER_NAME_SLOTS } from './person.schemas.js';

/**
 * The API runs the pages' own form schemas, so both accept and refuse the same things with the same messages:
 * a JSON body becomes the fields a browser would send, and each error's field is named back in JSON terms.
 */
export type FormFields = Record<string, unknown>;

/** Blank and null are how a form leaves a field empty, and what it leaves empty it does not send. */
export function sent(fields: FormFields): FormFields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined && value !== ''));
}

/** An ISO date as a GOV.UK date input's three fields; null clears them. */
export function dateFields(name: string, iso: string | null): FormFields {
  const [year = '', month = '', day = ''] = (iso ?? '').split('-');
  return { [`${name}-day`]: day, [`${name}-month`]: month, [`${name}-year`]: year };
}

const SLOT_PARTS = { kind: 'kind', given: 'givenName', family: 'familyName' } as const;

/** The person form's fields for the JSON fields present (absent ones are left to the caller: the stored values). */
export function personFields(json: Partial<PersonJson>): FormFields {
  const fields: FormFields = {};
  for (const [key, value] of Object.entries(json)) {
    if (value === undefined) continue;
    if (key === 'otherNames') {
      const names = (value ?? []) as NonNullable<PersonJson['otherNames']>;
      for (let i = 1; i <= OTHER_NAME_SLOTS; i++) {
        const name = names[i - 1];
        Object.assign(fields, {
          [`otherName${i}-kind`]: name?.kind ?? '',
          [`otherName${i}-given`]: name?.givenName ?? '',
          [`otherName${i}-family`]: name?.familyName ?? '',
        });
      }
    } else if (key === 'dateOfBirth') Object.assign(fields, dateFields('dateOfBirth', value as string | null));
    else if (key === 'estimatedAge') fields.estimatedAge = value === null ? '' : String(value);
    else if (typeof value === 'boolean') fields[key] = value ? 'yes' : '';
    else fields[key] = value;
  }
  return fields;
}

/** otherName2-given → otherNames.1.givenName; the form's other fields have their JSON names already. */
export function personJsonField(field: string): string {
  const slot = /^otherName(\d+)-(kind|given|family)$/.exec(field);
  return slot ? `otherNames.${Number(slot[1]) - 1}.${SLOT_PARTS[slot[2] as keyof typeof SLOT_PARTS]}` : field;
}

const PERSON_CHOICE_FIELDS = new Set(['personId', 'givenName', 'familyName', 'dateOfBirth', 'estimatedAge']);

/** A case form's person fields are one JSON object's: personId → victim.personId (or person.personId). */
function personChoiceJsonField(object: string, field: string): string {
  return PERSON_CHOICE_FIELDS.has(field) ? `${object}.${field}` : field;
}

/** A new case's victim. */
export const caseJsonField = (field: string) => personChoiceJsonField('victim', field);

/** A person added to a case; a child's relationship-<adult's id> is relationshipsToAdults.<adult's id>. */
export function casePersonJsonField(field: string): string {
  const adultId = /^relationship-(.+)$/.exec(field)?.[1];
  return adultId ? `relationshipsToAdults.${adultId}` : personChoiceJsonField('person', field);
}

const renamed = (list: FieldError[], jsonField: (field: string) => string) => list.map((e) => ({ ...e, field: jsonField(e.field) }));

/** Runs a page's form schema on the fields; an invalid form is a 400 with each problem on its JSON field. */
export function parseForm<T>(schema: z.ZodType<T>, fields: FormFields, jsonField: (field: string) => string): T {
  const result = schema.safeParse(sent(fields));
  if (!result.success) throw errors.validation(renamed(zodFieldErrors(result.error), jsonField));
  return result.data;
}

/** A rule a service refuses (a stale version, a closing date before the opening) names its field in JSON terms too. */
export async function inJsonTerms<T>(work: Promise<T>, jsonField: (field: string) => string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof HarbourError) || error.fieldErrors.length === 0) throw error;
    throw new HarbourError(error.code, error.status, error.message, renamed(error.fieldErrors, jsonField), error.headers);
  }
}
