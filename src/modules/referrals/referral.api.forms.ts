import type { z } from 'zod';
import type { FieldError } from '../../platform/errors.js';
import { zodFieldErrors } from '../../platform/routes.js';
import { newCaseForm, perpetratorForm, type NewCaseForm, type PerpetratorForm } from '../people/case.schemas.js';
import { dateFields, sent, type FormFields } from '../people/people.api.forms.js';

/**
 * A referral's victim and perpetrators are checked by the case pages' own forms (new case, add a perpetrator), so
 * the API refuses the same people with the same messages; each error is named by its JSON path (victim.firstName,
 * perpetrators.1.dateOfBirth).
 */

export type PersonRefJson = { id?: string; firstName?: string; lastName?: string; dateOfBirth?: string | null; estimatedAge?: number | null };
export type PerpetratorRefJson = PersonRefJson & { relationship?: string };

/** A perpetrator's connection to the victim when the request does not say. */
export const UNSTATED_RELATIONSHIP = 'other';

const JSON_NAMES: Record<string, string> = { personId: 'id', givenName: 'firstName', familyName: 'lastName' };

/** A case form's person field (personId, givenName, …) as the JSON path of the person it came from. */
export const personJsonField = (prefix: string) => (field: string) => (field === 'openedOn' ? 'referredOn' : `${prefix}.${JSON_NAMES[field] ?? field}`);

function personFields(ref: PersonRefJson): FormFields {
  return {
    personId: ref.id,
    givenName: ref.firstName,
    familyName: ref.lastName,
    ...dateFields('dateOfBirth', typeof ref.dateOfBirth === 'string' ? ref.dateOfBirth : null),
    estimatedAge: typeof ref.estimatedAge === 'number' ? String(ref.estimatedAge) : '',
  };
}

export type Checked<T> = { ok: true; form: T } | { ok: false; errors: FieldError[] };

function check<T>(schema: z.ZodType<T>, fields: FormFields, jsonField: (field: string) => string): Checked<T> {
  const result = schema.safeParse(sent(fields));
  if (result.success) return { ok: true, form: result.data };
  return { ok: false, errors: zodFieldErrors(result.error).map((e) => ({ field: jsonField(e.field), message: e.message })) };
}

/** The new-case form for the victim: someone on Harbour, or a new person with a date of birth or estimated age. The case opens on the referral date. */
export function victimForm(victim: PersonRefJson, referredOn: string): Checked<NewCaseForm> {
  return check(newCaseForm, { ...personFields(victim), ...dateFields('openedOn', referredOn) }, personJsonField('victim'));
}

/** The add-a-perpetrator form for perpetrators[index]. */
export function perpetratorFormOf(perpetrator: PerpetratorRefJson, index: number): Checked<PerpetratorForm> {
  const fields = { ...personFields(perpetrator), relationship: perpetrator.relationship ?? UNSTATED_RELATIONSHIP };
  return check(perpetratorForm, fields, personJsonField(`perpetrators.${index}`));
}
