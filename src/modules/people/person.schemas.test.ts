import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zodFieldErrors } from '../../platform/routes.js';
import { CONTACT_FORMS } from './person.contacts.schemas.js';
import { personForm } from './person.schemas.js';

const errorsOf = (result: { success: boolean; error?: Parameters<typeof zodFieldErrors>[0] }) => (result.error ? zodFieldErrors(result.error) : []);

describe('person forms', () => {
  it('turns a person form into names and coded answers', () => {
    const result = personForm.safeParse({
      givenName: ' Zoë ',
      familyName: 'Ní Bhriain',
      'otherName1-kind': 'alternative_spelling',
      'otherName1-given': 'Zoe',
      'otherName2-kind': 'known_as',
      disability: 'no',
      disabilityTypes: 'physical',
      'dateOfBirth-day': '7',
      'dateOfBirth-month': '3',
      'dateOfBirth-year': '2001',
    });
    assert.ok(result.success);
    assert.deepEqual(result.data.names, [
      { kind: 'legal', givenName: 'Zoë', familyName: 'Ní Bhriain', isPrimary: true },
      { kind: 'alternative_spelling', givenName: 'Zoe', familyName: '', isPrimary: false },
    ]);
    assert.equal(result.data.dateOfBirth, '2001-03-07');
    assert.deepEqual(result.data.disabilityTypes, [], 'types only go with a yes');
    assert.equal(result.data.voicemailAllowed, 'not_known');
    assert.equal(result.data.ethnicity, null, 'a question not answered is not recorded');
  });

  it('checks a phone number or email address, whatever was sent', () => {
    assert.deepEqual(errorsOf(CONTACT_FORMS.phone.safeParse({ value: 'call me', note: 'n'.repeat(201), version: '1' })), [
      { field: 'value', message: 'Enter a phone number, like 01632 960 001 or +44 7700 900 982' },
      { field: 'note', message: 'Note must be 200 characters or fewer' },
    ]);
    assert.deepEqual(errorsOf(CONTACT_FORMS.phone.safeParse({ value: ' ', version: '1' })), [{ field: 'value', message: 'Enter a phone number' }]);
    const repeated = CONTACT_FORMS.email.safeParse({ value: ['a@example.org', 'b@example.org'], version: '1' });
    assert.deepEqual(errorsOf(repeated), [{ field: 'value', message: 'Enter an email address in the correct format, like name@example.com' }]);
    const email = CONTACT_FORMS.email.safeParse({ value: ' Ann@Example.org ', safe: 'yes', version: '2' });
    assert.ok(email.success);
    assert.deepEqual(email.data, { value: 'Ann@Example.org', safe: true, note: null, version: 2 });
  });

  it('does not fail on repeated or unexpected person fields', () => {
    const result = personForm.safeParse({
      givenName: ['a', 'b'],
      'dateOfBirth-day': ['1', '2'],
      estimatedAge: ['3'],
      sex: ['female'],
      'otherName1-given': ['x'],
    });
    assert.equal(result.success, false);
    assert.deepEqual(
      errorsOf(result).map((e) => e.field),
      ['givenName', 'otherName1-kind', 'otherName1-given', 'dateOfBirth', 'estimatedAge', 'sex'],
    );
  });
});
