import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.js';
import { insertPerson } from '../../../test/support/people.js';
import { permissionsFor } from '../../platform/permissions.js';
import { duplicateCandidates } from './search.service.js';
import type { Viewer } from './people.policy.js';

describe('duplicate candidates when recording a person', () => {
  let t: TestApp;
  let viewer: Viewer;
  before(async () => {
    t = await createTestApp();
    const pid = t.partnershipId;
    await insertPerson(t.database.db, pid, {
      agency: 'IDVA',
      given: 'Siobhan',
      family: 'Gallagher',
      dob: '1990-02-14',
      phone: '07700 900555',
      postcode: 'EV3 4QT',
    });
    await insertPerson(t.database.db, pid, { agency: 'IDVA', given: 'Marcus', family: 'Reid', dob: '1975-06-01' });
    await insertPerson(t.database.db, pid, { agency: 'POLICE', given: 'Siobhan', family: 'Gallagher', dob: '1990-02-14' });
    const idva = await t.database.db
      .selectFrom('users')
      .innerJoin('agencies', 'agencies.id', 'users.agency_id')
      .select(['users.id', 'users.agency_id'])
      .where('users.email', '=', 'idva@demo.harbour.example')
      .executeTakeFirstOrThrow();
    viewer = { userId: idva.id, agencyId: idva.agency_id, partnershipId: pid, permissions: permissionsFor(['idva']) };
  });
  after(() => t.close());

  const names = (list: { given_name: string; family_name: string; reasons: string[] }[]) =>
    list.map((c) => `${c.given_name} ${c.family_name}: ${c.reasons.join(', ')}`);

  it('offers a similar name with a near date of birth, among records the user may see', async () => {
    const found = await duplicateCandidates(t.database.db, viewer, {
      givenName: 'Shivaun',
      familyName: 'Galagher',
      dateOfBirth: '1990-02-15',
      phones: [],
      postcode: null,
    });
    assert.deepEqual(names(found), ['Siobhan Gallagher: similar name and date of birth'], 'the police record is not the IDVA’s to see');
  });

  it('does not offer a similar name born years apart', async () => {
    const found = await duplicateCandidates(t.database.db, viewer, {
      givenName: 'Siobhan',
      familyName: 'Gallagher',
      dateOfBirth: '1970-01-01',
      phones: [],
      postcode: null,
    });
    assert.deepEqual(found, []);
  });

  it('offers the same phone number, or the same postcode with a similar family name, whatever the first name', async () => {
    const byPhone = await duplicateCandidates(t.database.db, viewer, {
      givenName: 'Jo',
      familyName: 'Smith',
      dateOfBirth: null,
      phones: ['+44 7700 900555'],
      postcode: null,
    });
    assert.deepEqual(names(byPhone), ['Siobhan Gallagher: same phone number']);
    const byPostcode = await duplicateCandidates(t.database.db, viewer, {
      givenName: 'Sam',
      familyName: 'Gallaher',
      dateOfBirth: null,
      phones: [],
      postcode: 'ev34qt',
    });
    assert.deepEqual(names(byPostcode), ['Siobhan Gallagher: same postcode and similar family name']);
  });
});
