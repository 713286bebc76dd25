import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { personListSchema, personSchema } from './people.api.schemas.js';
import { apiTestApp, MISSING_ID } from './people.api.test-support.js';

/** /api/v1/people on a real database: tokens act for their agency, with the person form's rules and audit. */
describe('/api/v1/people', () => {
  const api = apiTestApp({
    police: { agency: 'POLICE', scopes: ['people:read', 'people:write'] },
    policeRead: { agency: 'POLICE', scopes: ['people:read'] },
    housing: { agency: 'HOUSING', scopes: ['*'] },
    agenciesOnly: { agency: 'POLICE', scopes: ['agencies:read'] },
    casesOnly: { agency: 'POLICE', scopes: ['cases:read', 'cases:write'] },
  });
  const { tokens, call, problem, fields, events, db } = api;

  const ADAEZE = {
    givenName: 'Adaeze',
    familyName: 'Okonkwo-Bright',
    otherNames: [{ kind: 'known_as', givenName: 'Dazzy', familyName: null }],
    dateOfBirth: '1992-02-14',
    gender: 'woman',
    preferredLanguage: 'Igbo',
    interpreterNeeded: true,
    voicemailAllowed: 'no',
    codeWord: 'Marmalade',
    ethnicity: 'black_african',
    disability: 'yes',
    disabilityTypes: ['mental_health', 'physical'],
  };

  it('answers 401 problem+json without a valid token, and 403 without the scope', async () => {
    const id = MISSING_ID;
    for (const [method, url] of [
      ['GET', '/api/v1/people'],
      ['POST', '/api/v1/people'],
      ['GET', `/api/v1/people/${id}`],
      ['PATCH', `/api/v1/people/${id}`],
    ] as const) {
      assert.equal(problem(await call(method, url, undefined, method === 'GET' ? undefined : {}), 401).code, 'unauthenticated');
      assert.equal(problem(await call(method, url, 'hbr_not-a-token', method === 'GET' ? undefined : {}), 401).code, 'unauthenticated');
      for (const token of [tokens.agenciesOnly, tokens.casesOnly]) {
        assert.equal(problem(await call(method, url, token.token, method === 'GET' ? undefined : {}), 403).code, 'forbidden', `${method} ${url}`);
      }
    }
    // people:read does not let a token write.
    assert.equal(problem(await call('POST', '/api/v1/people', tokens.policeRead.token, ADAEZE), 403).code, 'forbidden');
  });

  let personId: string;

  it('records a person and reads them back, audited with the token', async () => {
    const created = await call('POST', '/api/v1/people', tokens.police.token, ADAEZE);
    assert.equal(created.statusCode, 201, created.body);
    const person = personSchema.parse(created.json());
    personId = person.id;
    assert.equal(created.headers.location, `/api/v1/people/${personId}`);
    assert.equal(person.version, 1);
    assert.equal(person.owningAgency.name, 'Harbourshire Police');
    assert.deepEqual(person.otherNames, [{ kind: 'known_as', givenName: 'Dazzy', familyName: '' }]);
    assert.equal(person.interpreterNeeded, true);
    assert.equal(person.voicemailAllowed, 'no');
    assert.deepEqual([...person.disabilityTypes].sort(), ['mental_health', 'physical']);
    assert.equal(person.sex, null);

    const read = await call('GET', `/api/v1/people/${personId}`, tokens.policeRead.token);
    assert.equal(read.statusCode, 200);
    assert.deepEqual(personSchema.parse(read.json()), person);
    assert.equal(read.headers['cache-control'], 'no-store');

    const [create] = await events('person.create', personId);
    assert.equal(create?.api_token_id, tokens.police.id);
    assert.equal(create?.user_id, null);
    assert.equal(create?.outcome, 'success');
    const [view] = await events('person.view', personId);
    assert.equal(view?.api_token_id, tokens.policeRead.id);
    assert.equal(view?.outcome, 'success');
  });

  it('refuses what the person form refuses, listing every problem on its JSON field', async () => {
    const types = problem(
      await call('POST', '/api/v1/people', tokens.police.token, { gender: 'alien', otherNames: [{ givenName: 'A' }], interpreterNeeded: 'yes' }),
      400,
    );
    assert.equal(types.code, 'validation_failed');
    assert.deepEqual(Object.keys(fields(types)).sort(), ['gender', 'interpreterNeeded', 'otherNames.0.kind']);
    assert.match(fields(types).gender!, /gender must be one of: woman, man/);

    const rules = problem(
      await call('POST', '/api/v1/people', tokens.police.token, { dateOfBirth: '1985-01-01', estimatedAge: 30, codeWord: 'x'.repeat(101) }),
      400,
    );
    assert.deepEqual(fields(rules), {
      givenName: 'Enter the person’s given names or family name',
      estimatedAge: 'Enter a date of birth or an estimated age, not both',
      codeWord: 'Code word must be 100 characters or fewer',
    });
    const future = problem(await call('POST', '/api/v1/people', tokens.police.token, { familyName: 'Smith', dateOfBirth: '2999-01-01' }), 400);
    assert.deepEqual(fields(future), { dateOfBirth: 'Date of birth must be today or in the past' });
    const unreal = problem(await call('POST', '/api/v1/people', tokens.police.token, { familyName: 'Smith', dateOfBirth: '1985-02-30' }), 400);
    assert.deepEqual(Object.keys(fields(unreal)), ['dateOfBirth']);
    const slot = problem(
      await call('POST', '/api/v1/people', tokens.police.token, { familyName: 'Smith', otherNames: [{ kind: 'previous' }, { kind: 'nickname' }] }),
      400,
    );
    assert.deepEqual(Object.keys(fields(slot)), ['otherNames.1.kind']);
    assert.equal((await events('person.create')).filter((e) => e.outcome === 'success').length, 1, 'nothing else was recorded');
  });

  it('changes only the fields sent, and refuses a stale version with 409 edit_conflict', async () => {
    const changed = await call('PATCH', `/api/v1/people/${personId}`, tokens.police.token, {
      version: 1,
      preferredLanguage: 'English',
      interpreterNeeded: false,
      otherNames: [{ kind: 'previous', givenName: 'Adaeze', familyName: 'Brightwell' }],
    });
    assert.equal(changed.statusCode, 200, changed.body);
    const person = personSchema.parse(changed.json());
    assert.equal(person.version, 2);
    assert.equal(person.preferredLanguage, 'English');
    assert.equal(person.interpreterNeeded, false);
    assert.deepEqual(person.otherNames, [{ kind: 'previous', givenName: 'Adaeze', familyName: 'Brightwell' }]);
    assert.equal(person.givenName, 'Adaeze', 'fields not sent are kept');
    assert.equal(person.codeWord, 'Marmalade');
    assert.equal(person.dateOfBirth, '1992-02-14');
    const [update] = await events('person.update', personId);
    assert.equal(update?.api_token_id, tokens.police.id);
    assert.deepEqual((update?.details as { changed: string[] }).changed.length > 0, true);

    const stale = problem(await call('PATCH', `/api/v1/people/${personId}`, tokens.police.token, { version: 1, codeWord: 'Toast' }), 409);
    assert.equal(stale.code, 'edit_conflict');
    assert.equal(stale.errors[0].field, 'version');
    assert.match(stale.title, /Someone else changed this record/);
    const after = personSchema.parse((await call('GET', `/api/v1/people/${personId}`, tokens.police.token)).json());
    assert.equal(after.codeWord, 'Marmalade');
    assert.equal(after.version, 2);

    const invalid = problem(await call('PATCH', `/api/v1/people/${personId}`, tokens.police.token, { version: 2, givenName: null, familyName: '' }), 400);
    assert.deepEqual(fields(invalid), { givenName: 'Enter the person’s given names or family name' });
    const noVersion = problem(await call('PATCH', `/api/v1/people/${personId}`, tokens.police.token, { codeWord: 'Toast' }), 400);
    assert.deepEqual(Object.keys(fields(noVersion)), ['version']);
    const failed = (await events('person.update', personId)).filter((e) => e.outcome !== 'success');
    assert.ok(failed.length >= 3 && failed.every((e) => e.api_token_id === tokens.police.id), 'refused changes are audited too');
  });

  it('searches with the search page’s rules, and lists people without search terms', async () => {
    await insertPerson(db(), api.partnershipId(), {
      agency: 'POLICE',
      given: 'Siobhan',
      family: 'Gallagher',
      dob: '1985-03-27',
      phone: '07700 900982',
      postcode: 'NE1 4XF',
    });
    const search = async (query: string) => {
      const response = await call('GET', `/api/v1/people?${query}`, tokens.policeRead.token);
      assert.equal(response.statusCode, 200, response.body);
      return personListSchema.parse(response.json());
    };
    assert.deepEqual(
      (await search('name=siobhan+Galagher')).people.map((p) => p.familyName),
      ['Gallagher'],
    );
    assert.equal((await search('name=&dateOfBirth=1985-03-27&phone=&postcode=')).people[0]?.givenName, 'Siobhan');
    assert.equal((await search('phone=%2B44%207700%20900982')).people.length, 1);
    assert.equal((await search('postcode=ne14xf')).people.length, 1);
    const byOtherName = await search('name=Adaeze+Brightwell');
    assert.deepEqual(byOtherName.people[0]?.matchedName, { kind: 'previous', givenName: 'Adaeze', familyName: 'Brightwell' });
    const all = await search('');
    assert.equal(all.total, 2);
    assert.equal(all.people[0]?.familyName, 'Gallagher', 'newest first');

    const bad = problem(await call('GET', '/api/v1/people?dateOfBirth=1985-02-30&phone=12', tokens.policeRead.token), 400);
    assert.deepEqual(Object.keys(fields(bad)), ['dateOfBirth']);
    assert.deepEqual(fields(problem(await call('GET', '/api/v1/people?phone=12', tokens.policeRead.token), 400)), {
      phone: 'Enter a phone number with at least 6 digits',
    });
    const [audited] = (await events('person.search')).filter((e) => e.api_token_id === tokens.policeRead.id).slice(-1);
    assert.ok(audited, 'searches are audited');
    assert.ok((await events('person.list')).some((e) => e.api_token_id === tokens.policeRead.id && e.outcome === 'success'));
    assert.equal(JSON.stringify(audited!.details).includes('Gallagher'), false, 'search terms are not recorded');

    // Another agency's token finds none of them.
    const housing = personListSchema.parse((await call('GET', '/api/v1/people?name=Gallagher', tokens.housing.token)).json());
    assert.equal(housing.people.length, 0);
  });

  it('answers 404 for another agency’s person and for one the agency must not see, as for a missing one', async () => {
    const missing = problem(await call('GET', `/api/v1/people/${MISSING_ID}`, tokens.housing.token), 404);
    const other = problem(await call('GET', `/api/v1/people/${personId}`, tokens.housing.token), 404);
    assert.equal(other.code, 'not_found');
    assert.equal(other.title, missing.title);
    assert.equal(problem(await call('PATCH', `/api/v1/people/${personId}`, tokens.housing.token, { version: 2, codeWord: 'x' }), 404).code, 'not_found');
    const denied = (await events('person.view', personId)).find((e) => e.api_token_id === tokens.housing.id);
    assert.equal(denied?.outcome, 'denied');

    // Shared with POLICE through an IDVA case; then POLICE is put on the person's "must not see" list.
    const victim = await insertPerson(db(), api.partnershipId(), { agency: 'IDVA', given: 'Rosa', family: 'Quint' });
    const child = await insertPerson(db(), api.partnershipId(), { agency: 'IDVA', given: 'Leo', family: 'Quint' });
    await insertCase(
      db(),
      api.partnershipId(),
      'IDVA',
      [
        { id: victim, role: 'victim' },
        { id: child, role: 'child' },
      ],
      ['POLICE'],
    );
    assert.equal((await call('GET', `/api/v1/people/${victim}`, tokens.policeRead.token)).statusCode, 200);
    await api.block('person', victim, { agency: 'POLICE' });
    await api.block('person', child, { userEmail: 'chair@demo.harbour.example' });
    assert.equal(problem(await call('GET', `/api/v1/people/${victim}`, tokens.policeRead.token), 404).title, missing.title);
    assert.equal((await call('GET', `/api/v1/people/${child}`, tokens.policeRead.token)).statusCode, 200, 'a user-level entry does not bind the token');
    const found = personListSchema.parse((await call('GET', '/api/v1/people?name=Quint', tokens.policeRead.token)).json());
    assert.deepEqual(
      found.people.map((p) => p.givenName),
      ['Leo'],
    );
  });

  it('documents the endpoints in the OpenAPI document, with named components', async () => {
    const doc = (await call('GET', '/api/v1/openapi.json')).json();
    assert.deepEqual(Object.keys(doc.paths['/api/v1/people']).sort(), ['get', 'post']);
    assert.deepEqual(Object.keys(doc.paths['/api/v1/people/{id}']).sort(), ['get', 'patch']);
    assert.deepEqual(Object.keys(doc.paths['/api/v1/cases']).sort(), ['get', 'post']);
    assert.deepEqual(Object.keys(doc.paths['/api/v1/cases/{id}']).sort(), ['get', 'patch']);
    const patch = doc.paths['/api/v1/people/{id}'].patch;
    assert.equal(patch['x-required-scope'], 'people:write');
    assert.deepEqual(patch.requestBody.content['application/json'].schema, { $ref: '#/components/schemas/PersonPatch' });
    assert.deepEqual(patch.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/Person' });
    assert.ok(patch.responses['404'] && patch.responses['409']);
    for (const name of ['Person', 'PersonInput', 'PersonPatch', 'PersonList', 'PersonSummary', 'Case', 'CaseInput', 'CasePatch', 'CaseList', 'Agency']) {
      assert.ok(doc.components.schemas[name], name);
    }
    // Every $ref points at a component that exists.
    for (const [, name] of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(doc.components.schemas[name!], name);
    assert.equal(JSON.stringify(doc).includes('$defs'), false);
  });
});
