import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { caseListSchema, caseSchema } from './case.api.schemas.js';
import { apiTestApp, MISSING_ID } from './people.api.test-support.js';

/** /api/v1/cases on a real database: the case forms' rules, the case pages' access rules and audit. */
describe('/api/v1/cases', () => {
  const api = apiTestApp({
    police: { agency: 'POLICE', scopes: ['cases:read', 'cases:write'] },
    policeRead: { agency: 'POLICE', scopes: ['cases:read'] },
    housing: { agency: 'HOUSING', scopes: ['*'] },
    peopleOnly: { agency: 'POLICE', scopes: ['people:read', 'people:write'] },
  });
  const { tokens, call, problem, fields, events, db } = api;

  it('answers 401 without a token and 403 without the scope', async () => {
    const id = MISSING_ID;
    for (const [method, url] of [
      ['GET', '/api/v1/cases'],
      ['POST', '/api/v1/cases'],
      ['GET', `/api/v1/cases/${id}`],
      ['PATCH', `/api/v1/cases/${id}`],
    ] as const) {
      const payload = method === 'GET' ? undefined : {};
      assert.equal(problem(await call(method, url, undefined, payload), 401).code, 'unauthenticated');
      assert.equal(problem(await call(method, url, tokens.peopleOnly.token, payload), 403).code, 'forbidden');
    }
    assert.equal(problem(await call('POST', '/api/v1/cases', tokens.policeRead.token, {}), 403).code, 'forbidden');
  });

  let caseId: string;
  let victimId: string;

  it('opens a case with a new victim, audited with the token', async () => {
    const response = await call('POST', '/api/v1/cases', tokens.police.token, {
      victim: { givenName: 'Mara', familyName: 'Lindqvist', dateOfBirth: '1990-05-04' },
      openedOn: '2025-06-01',
      flags: ['stalking', 'stalking', 'pregnancy'],
    });
    assert.equal(response.statusCode, 201, response.body);
    const opened = caseSchema.parse(response.json());
    caseId = opened.id;
    victimId = opened.people[0]!.id;
    assert.equal(response.headers.location, `/api/v1/cases/${caseId}`);
    assert.match(opened.reference, /^HBR-2025-\d{6}$/);
    assert.equal(opened.status, 'open');
    assert.deepEqual(opened.flags, ['stalking', 'pregnancy']);
    assert.equal(opened.owningAgency.name, 'Harbourshire Police');
    assert.deepEqual(
      opened.people.map((p) => [p.role, p.givenName, p.dateOfBirth]),
      [['victim', 'Mara', '1990-05-04']],
    );
    const read = await call('GET', `/api/v1/cases/${caseId}`, tokens.policeRead.token);
    assert.deepEqual(caseSchema.parse(read.json()), opened);

    const [created] = await events('case.create', caseId);
    assert.equal(created?.api_token_id, tokens.police.id);
    assert.equal(created?.user_id, null);
    const [person] = await events('person.create', victimId);
    assert.equal(person?.api_token_id, tokens.police.id);
    const [view] = await events('case.view', caseId);
    assert.equal(view?.api_token_id, tokens.policeRead.id);
  });

  it('opens a case for someone already on Harbour, but only someone the agency may see', async () => {
    const again = await call('POST', '/api/v1/cases', tokens.police.token, { victim: { personId: victimId }, openedOn: '2025-07-01' });
    assert.equal(again.statusCode, 201, again.body);
    assert.equal(caseSchema.parse(again.json()).people[0]!.id, victimId);
    const theirs = await insertPerson(db(), api.partnershipId(), { agency: 'HOUSING', given: 'Ines', family: 'Carvalho', dob: '1980-01-01' });
    const hidden = problem(await call('POST', '/api/v1/cases', tokens.police.token, { victim: { personId: theirs }, openedOn: '2025-07-01' }), 400);
    assert.equal(hidden.code, 'person_not_found');
    assert.deepEqual(Object.keys(fields(hidden)), ['victim.personId']);
  });

  it('refuses what the new-case form refuses, each problem on its JSON field', async () => {
    const types = problem(await call('POST', '/api/v1/cases', tokens.police.token, { flags: ['nope'] }), 400);
    assert.deepEqual(Object.keys(fields(types)).sort(), ['flags.0', 'openedOn', 'victim']);
    const rules = problem(await call('POST', '/api/v1/cases', tokens.police.token, { victim: { givenName: 'Mara' }, openedOn: '2999-01-01' }), 400);
    assert.deepEqual(fields(rules), {
      'victim.familyName': 'Enter their last name',
      'victim.dateOfBirth': 'Enter their date of birth, or an estimated age if you do not know it',
      openedOn: 'Date the case was opened must be today or in the past',
    });
    const both = problem(
      await call('POST', '/api/v1/cases', tokens.police.token, { victim: { personId: victimId, givenName: 'Mara' }, openedOn: '2025-01-01' }),
      400,
    );
    assert.deepEqual(fields(both), { 'victim.personId': 'Enter a Harbour ID or a new person’s details, not both' });
  });

  it('changes only the fields sent, and refuses a stale version with 409 edit_conflict', async () => {
    const closed = await call('PATCH', `/api/v1/cases/${caseId}`, tokens.police.token, { version: 1, status: 'closed', closedOn: '2025-09-30' });
    assert.equal(closed.statusCode, 200, closed.body);
    const body = caseSchema.parse(closed.json());
    assert.deepEqual([body.status, body.closedOn, body.version], ['closed', '2025-09-30', 2]);
    assert.deepEqual(body.flags, ['stalking', 'pregnancy'], 'flags not sent are kept');
    const [update] = await events('case.update', caseId);
    assert.equal(update?.api_token_id, tokens.police.id);

    const stale = problem(await call('PATCH', `/api/v1/cases/${caseId}`, tokens.police.token, { version: 1, flags: [] }), 409);
    assert.equal(stale.code, 'edit_conflict');
    assert.equal(stale.errors[0].field, 'version');
    assert.deepEqual(fields(problem(await call('PATCH', `/api/v1/cases/${caseId}`, tokens.police.token, { version: 2, closedOn: null }), 400)), {
      closedOn: 'Enter the date the case was closed',
    });
    const early = problem(await call('PATCH', `/api/v1/cases/${caseId}`, tokens.police.token, { version: 2, closedOn: '2025-01-01' }), 400);
    assert.equal(early.code, 'closed_before_opened');
    const reopened = caseSchema.parse((await call('PATCH', `/api/v1/cases/${caseId}`, tokens.police.token, { version: 2, status: 'open' })).json());
    assert.deepEqual([reopened.status, reopened.closedOn, reopened.version], ['open', null, 3]);
  });

  it('lists the agency’s cases by status, and hides another agency’s and a must-not-see case as missing', async () => {
    const list = async (token: string, query = '') => caseListSchema.parse((await call('GET', `/api/v1/cases${query}`, token)).json());
    assert.equal((await list(tokens.policeRead.token)).total, 2);
    assert.deepEqual(
      (await list(tokens.policeRead.token, '?status=open')).cases.map((c) => c.victim?.givenName),
      ['Mara', 'Mara'],
    );
    assert.equal((await list(tokens.policeRead.token, '?status=closed')).total, 0);
    assert.deepEqual(Object.keys(fields(problem(await call('GET', '/api/v1/cases?status=shut', tokens.policeRead.token), 400))), ['status']);
    assert.equal((await list(tokens.housing.token)).total, 0);
    assert.ok((await events('case.list')).some((e) => e.api_token_id === tokens.policeRead.id));

    const missing = problem(await call('GET', `/api/v1/cases/${MISSING_ID}`, tokens.housing.token), 404);
    assert.equal(problem(await call('GET', `/api/v1/cases/${caseId}`, tokens.housing.token), 404).title, missing.title);
    assert.equal(problem(await call('PATCH', `/api/v1/cases/${caseId}`, tokens.housing.token, { version: 3, flags: [] }), 404).code, 'not_found');
    const denied = (await events('case.view')).find((e) => e.subject_id === caseId && e.api_token_id === tokens.housing.id);
    assert.equal(denied?.outcome, 'denied');

    // An IDVA case shared with POLICE is visible until POLICE is put on its "must not see" list.
    const victim = await insertPerson(db(), api.partnershipId(), { agency: 'IDVA', given: 'Rosa', family: 'Quint' });
    const shared = await insertCase(db(), api.partnershipId(), 'IDVA', [{ id: victim, role: 'victim' }], ['POLICE']);
    assert.equal((await call('GET', `/api/v1/cases/${shared}`, tokens.policeRead.token)).statusCode, 200);
    await api.block('case', shared, { agency: 'POLICE' });
    assert.equal(problem(await call('GET', `/api/v1/cases/${shared}`, tokens.policeRead.token), 404).title, missing.title);
    assert.equal((await list(tokens.policeRead.token)).total, 2);
  });
});
