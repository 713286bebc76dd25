import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { insertCase } from '../../../test/support/people.js';
import { personListSchema, personSchema, type PersonOut } from './people.api.schemas.js';
import { apiTestApp, MISSING_ID } from './people.api.test-support.js';

/** A person's addresses, contacts and safe-contact details through /api/v1/people/{id}, under the person pages' rules. */
describe('/api/v1/people/{id}/addresses and /contacts', () => {
  const api = apiTestApp({
    police: { agency: 'POLICE', scopes: ['people:read', 'people:write'] },
    policeRead: { agency: 'POLICE', scopes: ['people:read'] },
    idva: { agency: 'IDVA', scopes: ['people:read', 'people:write'] },
    housing: { agency: 'HOUSING', scopes: ['*'] },
    casesOnly: { agency: 'POLICE', scopes: ['cases:read', 'cases:write'] },
  });
  const { tokens, call, problem, ok, fields, events, db } = api;
  const person = (response: Parameters<typeof ok>[0], status = 200): PersonOut => personSchema.parse(ok(response, status));

  let personId: string;
  const url = (path = '') => `/api/v1/people/${personId}${path}`;
  /** The person as POLICE reads them now. */
  const latest = async () => person(await call('GET', url(), tokens.police.token));
  /** Adds an address as the token's agency, with the person's current version. */
  const addAddress = async (token: string, address: Record<string, unknown>) =>
    call('POST', url('/addresses'), token, { version: (await latest()).version, ...address });

  before(async () => {
    personId = person(await call('POST', '/api/v1/people', tokens.police.token, { givenName: 'Hana', familyName: 'Kowalczyk' }), 201).id;
  });

  it('answers 401 without a token, 403 without people:write, and 404 for a person the agency may not see', async () => {
    const routes = [
      ['POST', url('/addresses')],
      ['PATCH', url(`/addresses/${MISSING_ID}`)],
      ['POST', url('/contacts')],
      ['PATCH', url(`/contacts/${MISSING_ID}`)],
      ['DELETE', url(`/contacts/${MISSING_ID}?version=1`)],
    ] as const;
    for (const [method, path] of routes) {
      const payload = method === 'DELETE' ? undefined : {};
      assert.equal(problem(await call(method, path, undefined, payload), 401).code, 'unauthenticated');
      for (const token of [tokens.policeRead, tokens.casesOnly]) assert.equal(problem(await call(method, path, token.token, payload), 403).code, 'forbidden');
    }
    const body = { version: 1, line1: '4 Quay Street', postcode: 'NE1 3AF' };
    const missing = problem(await call('POST', `/api/v1/people/${MISSING_ID}/addresses`, tokens.housing.token, body), 404);
    const theirs = problem(await call('POST', url('/addresses'), tokens.housing.token, body), 404);
    assert.equal(theirs.title, missing.title);
    assert.equal(
      problem(await call('POST', url('/contacts'), tokens.housing.token, { version: 1, kind: 'phone', value: '07700 900456' }), 404).code,
      'not_found',
    );
    assert.equal((await events('person.address.add', personId)).find((e) => e.api_token_id === tokens.housing.id)?.outcome, 'denied');
    assert.equal((await latest()).version, 1, 'nothing changed');
  });

  it('adds an address with the address form’s rules, audited with the token, and refuses a stale version', async () => {
    const invalid = problem(
      await call('POST', url('/addresses'), tokens.police.token, { version: 1, line1: ' ', postcode: 'NE1', town: 'x'.repeat(101) }),
      400,
    );
    assert.deepEqual(fields(invalid), {
      line1: 'Enter the first line of the address',
      town: 'Town or city must be 100 characters or fewer',
      postcode: 'Enter a full UK postcode, like AA1 1AA',
    });
    assert.deepEqual(Object.keys(fields(problem(await call('POST', url('/addresses'), tokens.police.token, { line1: 'A', current: 'yes' }), 400))).sort(), [
      'current',
      'version',
    ]);

    const response = await call('POST', url('/addresses'), tokens.police.token, { version: 1, line1: '4 Quay Street', postcode: 'ne1 3af', current: true });
    const added = person(response, 201);
    assert.equal(added.version, 2);
    const [address] = added.addresses;
    assert.equal(response.headers.location, url(`/addresses/${address!.id}`));
    assert.deepEqual(
      { ...address, id: undefined },
      {
        id: undefined,
        line1: '4 Quay Street',
        line2: null,
        town: null,
        postcode: 'NE1 3AF',
        current: true,
        safe: false,
        confidentialRefuge: false,
        hidden: false,
        recordedBy: { id: await api.agencyId('POLICE'), name: 'Harbourshire Police' },
      },
    );
    const [event] = await events('person.address.add', personId).then((list) => list.filter((e) => e.outcome === 'success'));
    assert.equal(event?.api_token_id, tokens.police.id);
    assert.deepEqual(event?.details, { addressId: address!.id });

    const stale = problem(await call('POST', url('/addresses'), tokens.police.token, { version: 1, line1: '9 Dock Road' }), 409);
    assert.equal(stale.code, 'edit_conflict');
    assert.equal(stale.errors[0].field, 'version');
    assert.equal((await latest()).addresses.length, 1);
  });

  it('changes only the fields sent, keeps one current address, and ends one with current: false', async () => {
    const first = (await latest()).addresses[0]!;
    const second = person(await addAddress(tokens.police.token, { line1: '12 Mill Lane', town: 'Harbourton', current: true, safe: true }), 201);
    assert.deepEqual(
      second.addresses.map((a) => [a.line1, a.current, a.safe]),
      [
        ['12 Mill Lane', true, true],
        ['4 Quay Street', false, false],
      ],
      'making one current made the other a previous address',
    );
    const millLane = second.addresses[0]!;

    const changed = person(
      await call('PATCH', url(`/addresses/${first.id}`), tokens.police.token, { version: second.version, line2: 'Flat 2', postcode: null }),
    );
    const quay = changed.addresses.find((a) => a.id === first.id)!;
    assert.deepEqual([quay.line1, quay.line2, quay.postcode, quay.current], ['4 Quay Street', 'Flat 2', null, false]);
    assert.equal(changed.version, second.version + 1);
    assert.equal((await events('person.address.update', personId))[0]?.api_token_id, tokens.police.id);

    const ended = person(await call('PATCH', url(`/addresses/${millLane.id}`), tokens.police.token, { version: changed.version, current: false }));
    assert.deepEqual(
      ended.addresses.map((a) => a.current),
      [false, false],
    );
    assert.equal(ended.addresses.find((a) => a.id === millLane.id)?.town, 'Harbourton');

    assert.deepEqual(
      fields(problem(await call('PATCH', url(`/addresses/${millLane.id}`), tokens.police.token, { version: ended.version, line1: null }), 400)),
      {
        line1: 'Enter the first line of the address',
      },
    );
    assert.equal(
      problem(await call('PATCH', url(`/addresses/${millLane.id}`), tokens.police.token, { version: 1, town: 'Elsewhere' }), 409).code,
      'edit_conflict',
    );
    assert.equal(problem(await call('PATCH', url(`/addresses/${MISSING_ID}`), tokens.police.token, { version: ended.version }), 404).code, 'not_found');
  });

  it('keeps a confidential refuge address to the agency that recorded it, as the pages do', async () => {
    const withRefuge = person(await addAddress(tokens.police.token, { line1: 'Lighthouse House', postcode: 'NE9 9ZZ', confidentialRefuge: true }), 201);
    const refuge = withRefuge.addresses.find((a) => a.confidentialRefuge)!;
    assert.equal(refuge.line1, 'Lighthouse House', 'the recording agency reads it');

    // IDVA sees the person through a shared case, and only that POLICE holds a refuge address.
    await insertCase(db(), api.partnershipId(), 'POLICE', [{ id: personId, role: 'victim' }], ['IDVA']);
    const seen = person(await call('GET', url(), tokens.idva.token));
    const hidden = seen.addresses.find((a) => a.id === refuge.id)!;
    assert.deepEqual(
      { line1: hidden.line1, line2: hidden.line2, town: hidden.town, postcode: hidden.postcode, hidden: hidden.hidden },
      { line1: null, line2: null, town: null, postcode: null, hidden: true },
    );
    assert.equal(hidden.recordedBy.name, 'Harbourshire Police');
    assert.equal(JSON.stringify(seen).includes('Lighthouse'), false);
    assert.equal(JSON.stringify(seen).includes('NE9 9ZZ'), false);
    const hiddenPatch = problem(
      await call('PATCH', url(`/addresses/${refuge.id}`), tokens.idva.token, { version: seen.version, confidentialRefuge: false }),
      404,
    );
    assert.equal(hiddenPatch.code, 'not_found');
    const searched = (token: string) => call('GET', '/api/v1/people?postcode=NE99ZZ', token).then((r) => personListSchema.parse(r.json()).people.length);
    assert.equal(await searched(tokens.idva.token), 0, 'nor can another agency find them by it');
    assert.equal(await searched(tokens.policeRead.token), 1);

    // Another agency may change an address it can read, but not make it confidential: only the recording agency can.
    const quay = seen.addresses.find((a) => a.line1 === '4 Quay Street')!;
    const idvaChanged = person(
      await call('PATCH', url(`/addresses/${quay.id}`), tokens.idva.token, { version: seen.version, safe: true, confidentialRefuge: true }),
    );
    assert.deepEqual(
      [idvaChanged.addresses.find((a) => a.id === quay.id)?.safe, idvaChanged.addresses.find((a) => a.id === quay.id)?.confidentialRefuge],
      [true, false],
    );
    const own = person(await addAddress(tokens.idva.token, { line1: 'Safe House', confidentialRefuge: true }), 201);
    const idvaRefuge = own.addresses.find((a) => a.line1 === 'Safe House')!;
    assert.deepEqual([idvaRefuge.recordedBy.name, idvaRefuge.hidden], ['Safer Futures IDVA Service', false]);
    const fromPolice = (await latest()).addresses.find((a) => a.id === idvaRefuge.id)!;
    assert.deepEqual([fromPolice.hidden, fromPolice.line1], [true, null]);
  });

  it('adds, marks safe and removes phone numbers and email addresses with the contact forms’ rules', async () => {
    let current = await latest();
    const bad = problem(await call('POST', url('/contacts'), tokens.police.token, { version: current.version, kind: 'phone', value: '12345' }), 400);
    assert.deepEqual(fields(bad), { value: 'Enter a phone number, like 01632 960 001 or +44 7700 900 982' });
    const badEmail = problem(await call('POST', url('/contacts'), tokens.police.token, { version: current.version, kind: 'email', value: 'hana@' }), 400);
    assert.deepEqual(fields(badEmail), { value: 'Enter an email address in the correct format, like name@example.com' });
    assert.deepEqual(Object.keys(fields(problem(await call('POST', url('/contacts'), tokens.police.token, { version: current.version, kind: 'fax' }), 400))), [
      'kind',
    ]);

    const response = await call('POST', url('/contacts'), tokens.police.token, {
      version: current.version,
      kind: 'phone',
      value: '07700 900 982',
      note: 'Work mobile',
    });
    current = person(response, 201);
    const phone = current.contacts.find((c) => c.kind === 'phone')!;
    assert.deepEqual({ ...phone, id: undefined }, { id: undefined, kind: 'phone', value: '07700 900 982', safe: false, note: 'Work mobile' });
    assert.equal(response.headers.location, url(`/contacts/${phone.id}`));
    current = person(
      await call('POST', url('/contacts'), tokens.police.token, { version: current.version, kind: 'email', value: 'hana@example.org', safe: true }),
      201,
    );
    assert.deepEqual(
      current.contacts.map((c) => [c.kind, c.safe]),
      [
        ['phone', false],
        ['email', true],
      ],
    );

    current = person(await call('PATCH', url(`/contacts/${phone.id}`), tokens.police.token, { version: current.version, safe: true }));
    assert.equal(current.contacts.find((c) => c.id === phone.id)?.safe, true);
    assert.deepEqual(fields(problem(await call('PATCH', url(`/contacts/${phone.id}`), tokens.police.token, { version: current.version }), 400)), {
      safe: 'safe must be true or false',
    });
    assert.equal(
      problem(await call('PATCH', url(`/contacts/${MISSING_ID}`), tokens.police.token, { version: current.version, safe: true }), 404).code,
      'not_found',
    );

    assert.deepEqual(Object.keys(fields(problem(await call('DELETE', url(`/contacts/${phone.id}`), tokens.police.token), 400))), ['version']);
    assert.equal(problem(await call('DELETE', url(`/contacts/${phone.id}?version=1`), tokens.police.token), 409).code, 'edit_conflict');
    current = person(await call('DELETE', url(`/contacts/${phone.id}?version=${current.version}`), tokens.police.token));
    assert.deepEqual(
      current.contacts.map((c) => c.kind),
      ['email'],
    );
    assert.equal(problem(await call('DELETE', url(`/contacts/${phone.id}?version=${current.version}`), tokens.police.token), 404).code, 'not_found');

    for (const action of ['person.contact.add', 'person.contact.safe', 'person.contact.remove']) {
      const succeeded = (await events(action, personId)).filter((e) => e.outcome === 'success');
      assert.ok(succeeded.length > 0 && succeeded.every((e) => e.api_token_id === tokens.police.id && e.user_id === null), action);
    }
  });

  it('keeps the safe-contact details with the person: read with them, changed by PATCH', async () => {
    const current = await latest();
    const changed = person(
      await call('PATCH', url(), tokens.police.token, {
        version: current.version,
        safeTimes: 'Weekdays 10–12',
        voicemailAllowed: 'no',
        doNotWriteHome: true,
        codeWord: 'Lantern',
      }),
    );
    assert.deepEqual([changed.safeTimes, changed.voicemailAllowed, changed.doNotWriteHome, changed.codeWord], ['Weekdays 10–12', 'no', true, 'Lantern']);
    const read = person(await call('GET', url(), tokens.policeRead.token));
    assert.deepEqual(read.contacts, changed.contacts);
    assert.equal(read.doNotWriteHome, true);
  });

  it('documents every new endpoint in the OpenAPI document', async () => {
    const doc = ok(await call('GET', '/api/v1/openapi.json'));
    const operation = (path: string, method: string) => doc.paths[path]?.[method];
    assert.deepEqual(operation('/api/v1/people/{id}/addresses', 'post').requestBody.content['application/json'].schema, {
      $ref: '#/components/schemas/AddressInput',
    });
    assert.deepEqual(operation('/api/v1/people/{id}/addresses/{addressId}', 'patch').requestBody.content['application/json'].schema, {
      $ref: '#/components/schemas/AddressPatch',
    });
    assert.deepEqual(operation('/api/v1/people/{id}/contacts', 'post').responses['201'].content['application/json'].schema, {
      $ref: '#/components/schemas/Person',
    });
    const remove = operation('/api/v1/people/{id}/contacts/{contactId}', 'delete');
    assert.equal(remove['x-required-scope'], 'people:write');
    // Routes that take the record's version, in the query or the body, document the stale-version refusal.
    assert.ok(remove.responses['409']);
    assert.ok(operation('/api/v1/people/{id}/addresses', 'post').responses['409']);
    assert.equal(operation('/api/v1/people/{id}', 'get').responses['409'], undefined);
    assert.deepEqual(
      remove.parameters.map((p: { name: string; in: string; required: boolean }) => [p.name, p.in, p.required]),
      [
        ['id', 'path', true],
        ['contactId', 'path', true],
        ['version', 'query', true],
      ],
    );
    for (const name of ['AddressInput', 'AddressPatch', 'ContactInput', 'ContactPatch']) assert.ok(doc.components.schemas[name], name);
  });
});
