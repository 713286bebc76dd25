import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { caseSchema, type CaseOut } from './case.api.schemas.js';
import { apiTestApp, MISSING_ID } from './people.api.test-support.js';

/** Perpetrators, children and household members on a case through /api/v1/cases/{id}/people, under the case page's rules. */
describe('/api/v1/cases/{id}/people', () => {
  const api = apiTestApp({
    police: { agency: 'POLICE', scopes: ['cases:read', 'cases:write'] },
    policeRead: { agency: 'POLICE', scopes: ['cases:read'] },
    idva: { agency: 'IDVA', scopes: ['cases:read', 'cases:write'] },
    housing: { agency: 'HOUSING', scopes: ['*'] },
    peopleOnly: { agency: 'POLICE', scopes: ['people:read', 'people:write'] },
  });
  const { tokens, call, problem, ok, fields, events, db } = api;
  const asCase = (response: Parameters<typeof ok>[0], status = 200): CaseOut => caseSchema.parse(ok(response, status));

  let caseId: string;
  let victimId: string;
  const url = (path = '') => `/api/v1/cases/${caseId}/people${path}`;
  const add = (body: unknown, token = tokens.police.token) => call('POST', url(), token, body);
  const newPerson = (givenName: string, familyName: string, age: { dateOfBirth?: string; estimatedAge?: number } = {}) => ({ givenName, familyName, ...age });

  before(async () => {
    const opened = asCase(
      await call('POST', '/api/v1/cases', tokens.police.token, {
        victim: newPerson('Mara', 'Lindqvist', { dateOfBirth: '1990-05-04' }),
        openedOn: '2025-06-01',
      }),
      201,
    );
    caseId = opened.id;
    victimId = opened.people[0]!.id;
  });

  it('answers 401 without a token, 403 without cases:write, and 404 for a case the agency may not see', async () => {
    for (const [method, path] of [
      ['POST', url()],
      ['DELETE', url(`/${MISSING_ID}`)],
    ] as const) {
      const payload = method === 'POST' ? {} : undefined;
      assert.equal(problem(await call(method, path, undefined, payload), 401).code, 'unauthenticated');
      for (const token of [tokens.policeRead, tokens.peopleOnly]) assert.equal(problem(await call(method, path, token.token, payload), 403).code, 'forbidden');
    }
    const body = { role: 'household_member', person: newPerson('Ada', 'Lindqvist') };
    const missing = problem(await call('POST', `/api/v1/cases/${MISSING_ID}/people`, tokens.housing.token, body), 404);
    assert.equal(problem(await add(body, tokens.housing.token), 404).title, missing.title);
    assert.equal(problem(await call('DELETE', url(`/${victimId}`), tokens.housing.token), 404).code, 'not_found');
    assert.equal((await events('case.person.add', caseId)).find((e) => e.api_token_id === tokens.housing.id)?.outcome, 'denied');
    assert.equal(asCase(await call('GET', `/api/v1/cases/${caseId}`, tokens.police.token)).people.length, 1, 'nobody was added');
  });

  let perpetratorId: string;

  it('adds a perpetrator with their Domestic Abuse Act connection to the victim, audited with the token', async () => {
    const none = problem(await add({ role: 'perpetrator', person: newPerson('Jon', 'Baxter') }), 400);
    assert.deepEqual(fields(none), { relationship: 'Select how they are connected to the victim' });
    assert.deepEqual(fields(problem(await add({ role: 'perpetrator', person: newPerson('Jon', 'Baxter'), relationship: 'neighbour' }), 400)), {
      relationship: 'Select how they are connected to the victim',
    });
    assert.deepEqual(Object.keys(fields(problem(await add({ role: 'lodger', person: {} }), 400))), ['role']);

    const response = await add({ role: 'perpetrator', person: newPerson('Jon', 'Baxter'), relationship: 'ex_partner' });
    const withPerpetrator = asCase(response, 201);
    const perpetrator = withPerpetrator.people.find((p) => p.role === 'perpetrator')!;
    perpetratorId = perpetrator.id;
    assert.equal(response.headers.location, url(`/${perpetratorId}`));
    assert.deepEqual([perpetrator.givenName, perpetrator.familyName, perpetrator.relationship], ['Jon', 'Baxter', 'ex_partner']);
    const [added] = await events('case.person.add', caseId).then((list) => list.filter((e) => e.outcome === 'success'));
    assert.equal(added?.api_token_id, tokens.police.id);
    assert.deepEqual(added?.details, { personId: perpetratorId, role: 'perpetrator' });
    assert.equal((await events('person.create', perpetratorId))[0]?.api_token_id, tokens.police.id, 'the new person was recorded by the token');

    const again = problem(await add({ role: 'household_member', person: { personId: victimId } }), 400);
    assert.equal(again.code, 'already_on_case');
    assert.deepEqual(Object.keys(fields(again)), ['person.personId']);
    const theirs = await insertPerson(db(), api.partnershipId(), { agency: 'HOUSING', given: 'Ines', family: 'Carvalho' });
    const hidden = problem(await add({ role: 'perpetrator', person: { personId: theirs }, relationship: 'partner' }), 400);
    assert.equal(hidden.code, 'person_not_found');
    assert.deepEqual(Object.keys(fields(hidden)), ['person.personId']);
  });

  let childId: string;

  it('adds a child only if under 18 on the day the case was opened, with their relationships and where they live', async () => {
    const child = (person: unknown, extra: Record<string, unknown> = {}) =>
      add({ role: 'child', person, relationshipsToAdults: { [victimId]: 'child', [perpetratorId]: 'stepchild' }, livesWith: 'victim', ...extra });

    // Opened 1 June 2025: born 1 June 2007 they were 18 that day; born 2 June 2007, 17.
    const tooOld = problem(await child(newPerson('Eli', 'Lindqvist', { dateOfBirth: '2007-06-01' })), 400);
    assert.equal(tooOld.code, 'child_not_under_18');
    assert.deepEqual(Object.keys(fields(tooOld)), ['person.dateOfBirth']);
    assert.match(tooOld.errors[0].message, /A child must be under 18 on the date the case was opened \(1 June 2025\)/);
    // An estimate made today stands for a birth date that many years ago: 30 now was 18 or more when the case opened.
    const estimated = problem(await child(newPerson('Eli', 'Lindqvist', { estimatedAge: 30 })), 400);
    assert.deepEqual(Object.keys(fields(estimated)), ['person.estimatedAge']);
    const adult = await insertPerson(db(), api.partnershipId(), { agency: 'POLICE', given: 'Sam', family: 'Lindqvist', dob: '2000-01-01' });
    assert.deepEqual(Object.keys(fields(problem(await child({ personId: adult }), 400))), ['person.personId']);
    assert.deepEqual(fields(problem(await child(newPerson('Eli', 'Lindqvist')), 400)), {
      'person.dateOfBirth': 'Enter their date of birth, or an estimated age if you do not know it',
    });

    const stranger = problem(
      await child(newPerson('Eli', 'Lindqvist', { dateOfBirth: '2007-06-02' }), { relationshipsToAdults: { [MISSING_ID]: 'child' } }),
      400,
    );
    assert.equal(stranger.code, 'not_an_adult_on_case');
    assert.deepEqual(Object.keys(fields(stranger)), [`relationshipsToAdults.${MISSING_ID}`]);
    const types = problem(
      await child(newPerson('Eli', 'Lindqvist', { dateOfBirth: '2007-06-02' }), { livesWith: 'nan', relationshipsToAdults: { x: 'pal' } }),
      400,
    );
    assert.deepEqual(Object.keys(fields(types)).sort(), ['livesWith', 'relationshipsToAdults.x']);
    assert.deepEqual(fields(problem(await child(newPerson('Eli', 'Lindqvist', { dateOfBirth: '2007-06-02' }), { livesWith: null }), 400)), {
      livesWith: 'Select where the child lives',
    });
    assert.equal((await db().selectFrom('case_people').select('person_id').where('case_id', '=', caseId).execute()).length, 2, 'no child was added');

    const added = asCase(await child(newPerson('Eli', 'Lindqvist', { dateOfBirth: '2007-06-02' })), 201);
    const eli = added.people.find((p) => p.role === 'child')!;
    childId = eli.id;
    assert.deepEqual(eli.relationshipsToAdults, { [victimId]: 'child', [perpetratorId]: 'stepchild' });
    assert.equal(eli.livesWith, 'victim');
    assert.equal(eli.dateOfBirth, '2007-06-02');
  });

  it('adds a household member with their relationship in words', async () => {
    const added = asCase(await add({ role: 'household_member', person: newPerson('Ada', 'Lindqvist'), relationship: 'Grandmother' }), 201);
    const ada = added.people.find((p) => p.role === 'household_member')!;
    assert.deepEqual([ada.givenName, ada.relationship, ada.relationshipsToAdults, ada.livesWith], ['Ada', 'Grandmother', {}, null]);
    assert.deepEqual(fields(problem(await add({ role: 'household_member', person: newPerson('Bo', 'Lindqvist'), relationship: 'x'.repeat(101) }), 400)), {
      relationship: 'Relationship must be 100 characters or fewer',
    });
  });

  it('takes a perpetrator off the case, but never the victim, and only someone the agency sees on it', async () => {
    const victim = problem(await call('DELETE', url(`/${victimId}`), tokens.police.token), 400);
    assert.equal(victim.code, 'victim_not_removable');

    const removed = asCase(await call('DELETE', url(`/${perpetratorId}`), tokens.police.token));
    assert.deepEqual(
      removed.people.map((p) => p.role),
      ['victim', 'child', 'household_member'],
    );
    assert.deepEqual(
      removed.people.find((p) => p.id === childId)?.relationshipsToAdults,
      { [victimId]: 'child' },
      'no relationship to someone not on the case',
    );
    const [event] = await events('case.person.remove', caseId).then((list) => list.filter((e) => e.outcome === 'success'));
    assert.equal(event?.api_token_id, tokens.police.id);
    assert.deepEqual(event?.details, { personId: perpetratorId, role: 'perpetrator' });
    assert.ok(await db().selectFrom('people').select('id').where('id', '=', perpetratorId).executeTakeFirst(), 'their person record stays');
    assert.equal(problem(await call('DELETE', url(`/${perpetratorId}`), tokens.police.token), 404).code, 'not_found', 'already off the case');
    assert.equal(problem(await call('DELETE', url(`/${MISSING_ID}`), tokens.police.token), 404).code, 'not_found');
  });

  it('lets an agency the case is shared with add people, but not take off someone hidden from it', async () => {
    const victim = await insertPerson(db(), api.partnershipId(), { agency: 'POLICE', given: 'Rosa', family: 'Quint' });
    const hiddenChild = await insertPerson(db(), api.partnershipId(), { agency: 'POLICE', given: 'Leo', family: 'Quint', dob: '2015-01-01' });
    const shared = await insertCase(
      db(),
      api.partnershipId(),
      'POLICE',
      [
        { id: victim, role: 'victim' },
        { id: hiddenChild, role: 'child' },
      ],
      ['IDVA'],
    );
    await api.block('person', hiddenChild, { agency: 'IDVA' });
    const sharedUrl = `/api/v1/cases/${shared}/people`;
    const added = asCase(
      await call('POST', sharedUrl, tokens.idva.token, { role: 'perpetrator', person: newPerson('Kit', 'Quint'), relationship: 'spouse' }),
      201,
    );
    assert.deepEqual(
      added.people.map((p) => p.givenName),
      ['Rosa', 'Kit'],
      'the hidden child is not listed',
    );
    assert.equal(problem(await call('DELETE', `${sharedUrl}/${hiddenChild}`, tokens.idva.token), 404).code, 'not_found');
    assert.equal((await db().selectFrom('case_people').select('person_id').where('case_id', '=', shared).execute()).length, 3);
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const doc = ok(await call('GET', '/api/v1/openapi.json'));
    const post = doc.paths['/api/v1/cases/{id}/people'].post;
    assert.equal(post['x-required-scope'], 'cases:write');
    assert.deepEqual(post.requestBody.content['application/json'].schema, { $ref: '#/components/schemas/CasePersonInput' });
    assert.deepEqual(post.responses['201'].content['application/json'].schema, { $ref: '#/components/schemas/Case' });
    assert.ok(doc.paths['/api/v1/cases/{id}/people/{personId}'].delete.responses['404']);
    assert.ok(doc.components.schemas.CasePersonInput.properties.relationshipsToAdults);
  });
});
