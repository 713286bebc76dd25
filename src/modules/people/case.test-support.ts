import assert from 'node:assert/strict';
import { errorSummary, type WebClient } from '../../../test/support/app.js';

/** Form fields for a new person typed into a case form. */
export function newPerson(given: string, family: string, age: { dob?: string; estimatedAge?: number } = {}) {
  const [year = '', month = '', day = ''] = (age.dob ?? '').split('-');
  return {
    givenName: given,
    familyName: family,
    'dateOfBirth-day': day,
    'dateOfBirth-month': month,
    'dateOfBirth-year': year,
    estimatedAge: age.estimatedAge === undefined ? '' : String(age.estimatedAge),
  };
}

/** Opens a case through the form (opened 1 June 2025 unless the fields say otherwise) and returns its id. */
export async function openCase(client: WebClient, fields: Record<string, string | string[]>): Promise<string> {
  const response = await client.submit('/cases/new', '/cases', { 'openedOn-day': '1', 'openedOn-month': '6', 'openedOn-year': '2025', ...fields });
  const location = String(response.headers.location);
  const id = /^\/cases\/([0-9a-f-]{36})$/.exec(location)?.[1];
  if (!id) assert.fail(`the case was not opened: ${errorSummary((await client.get(location)).body).join('; ')}`);
  return id;
}
