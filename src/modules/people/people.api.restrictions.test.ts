import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { restrictionListSchema, restrictionSchema } from './restriction.api.schemas.js';
import { apiTestApp, MISSING_ID } from './people.api.test-support.js';

/** "Must not see" lists of cases and people through the API: the owning agency's, with the pages' rules and audit. */
describe('/api/v1/cases/{id}/restrictions and /api/v1/people/{id}/restrictions', () => {
  const api = apiTestApp({
    police: { agency: 'POLICE', scopes: ['cases:read', 'people:read', 'restrictions:manage'] },
    policeRead: { agency: 'POLICE', scopes: ['cases:read', 'people:read'] },
    policeCases: { agency: 'POLICE', scopes: ['cases:read', 'cases:write'] },
    policeWriter: { agency: 'POLICE', scopes: ['cases:read', 'cases:write', 'people:read', 'people:write'] },
    idva: { agency: 'IDVA', scopes: ['*'] },
    housing: { agency: 'HOUSING', scopes: ['*'] },
  });
  const { tokens, call, problem, ok, fields, events, db } = api;

  let victimId: string;
  let caseId: string;
  const url = (path = '') => `/api/v1/cases/${caseId}/restrictions${path}`;
  const list = async (token: string, at = url()) => restrictionListSchema.parse(ok(await call('GET', at, token))).restrictions;

  before(async () => {
    victimId = await insertPerson(db(), api.partnershipId(), { agency: 'POLICE', given: 'Rosa', family: 'Quint' });
    caseId = await insertCase(db(), api.partnershipId(), 'POLICE', [{ id: victimId, role: 'victim' }], ['IDVA']);
  });

  it('answers 401 without a token, 403 without the scope, and 404 for a record the agency may not see', async () => {
    for (const [method, path] of [
      ['GET', url()],
      ['POST', url()],
      ['DELETE', url(`/${MISSING_ID}`)],
    ] as const) {
      // A body is checked before the record is looked up, as on the pages: that tells nobody whether it exists.
      const payload = method === 'POST' ? { blockedEmail: 'rep@demo.harbour.example', reason: 'Neighbour' } : undefined;
      assert.equal(problem(await call(method, path, undefined, payload), 401).code, 'unauthenticated');
      if (method !== 'GET') {
        assert.equal(problem(await call(method, path, tokens.policeRead.token, payload), 403).code, 'forbidden', `${method} ${path}`);
        // Writing the record is not enough to change who may see it.
        assert.equal(problem(await call(method, path, tokens.policeWriter.token, payload), 403).code, 'forbidden', `${method} ${path}`);
      }
      assert.equal(problem(await call(method, path, tokens.housing.token, payload), 404).code, 'not_found', `${method} ${path}`);
    }
    const personUrl = `/api/v1/people/${victimId}/restrictions`;
    assert.equal(problem(await call('GET', personUrl, tokens.policeCases.token), 403).code, 'forbidden', 'a person’s list needs the people scopes');
    assert.equal(problem(await call('GET', `/api/v1/cases/${MISSING_ID}/restrictions`, tokens.police.token), 404).code, 'not_found');
  });

  it('lets only the owning agency read and change the list: an agency it is shared with gets 403', async () => {
    assert.deepEqual(await list(tokens.policeRead.token), []);
    assert.ok((await events('restriction.list', caseId)).some((e) => e.api_token_id === tokens.policeRead.id && e.outcome === 'success'));
    assert.equal(problem(await call('GET', url(), tokens.idva.token), 403).code, 'forbidden');
    const body = { blockedAgencyId: await api.agencyId('HOUSING'), reason: 'The perpetrator works there' };
    assert.equal(problem(await call('POST', url(), tokens.idva.token, body), 403).code, 'forbidden');
    assert.equal((await events('restriction.add', caseId)).at(-1)?.outcome, 'denied');
    assert.deepEqual(await list(tokens.policeRead.token), [], 'nothing was added');
  });

  it('refuses what the page’s form and rules refuse, each on its field', async () => {
    const post = async (body: unknown) => fields(problem(await call('POST', url(), tokens.police.token, body), 400));
    assert.deepEqual(await post({}), {
      blockedEmail: 'Enter the email address of the person who must not see this record, or select an agency',
      reason: 'Enter why they must not see this record',
    });
    assert.deepEqual(await post({ blockedEmail: 'rep@demo.harbour.example', blockedAgencyId: await api.agencyId('HOUSING'), reason: 'x' }), {
      blockedEmail: 'Enter an email address or select an agency, not both',
    });
    assert.deepEqual(await post({ blockedAgencyId: await api.agencyId('HOUSING'), reason: ' ' }), { reason: 'Enter why they must not see this record' });
    assert.deepEqual(await post({ blockedAgencyId: await api.agencyId('HOUSING'), reason: 'x'.repeat(2001) }), {
      reason: 'Reason must be 2,000 characters or fewer',
    });
    assert.deepEqual(Object.keys(await post({ blockedAgencyId: 'housing', reason: 'x' })), ['blockedAgencyId']);
    assert.deepEqual(Object.keys(await post({ blockedAgencyId: 42, reason: 'x' })), ['blockedAgencyId']);

    const own = problem(await call('POST', url(), tokens.police.token, { blockedAgencyId: await api.agencyId('POLICE'), reason: 'x' }), 400);
    assert.equal(own.code, 'restriction_own_agency');
    assert.deepEqual(Object.keys(fields(own)), ['blockedAgencyId']);
    const unknown = problem(await call('POST', url(), tokens.police.token, { blockedEmail: 'nobody@example.org', reason: 'x' }), 400);
    assert.equal(unknown.code, 'restriction_unknown_user');
    assert.equal((await events('restriction.add', caseId)).filter((e) => e.outcome === 'success').length, 0);
  });

  it('blocks an agency the case is shared with, audited with the token, and unblocks it again', async () => {
    assert.equal((await call('GET', `/api/v1/cases/${caseId}`, tokens.idva.token)).statusCode, 200, 'IDVA sees the shared case');
    const response = await call('POST', url(), tokens.police.token, {
      blockedAgencyId: await api.agencyId('IDVA'),
      reason: 'The perpetrator’s sister works there',
    });
    const added = restrictionSchema.parse(ok(response, 201));
    assert.equal(response.headers.location, url(`/${added.id}`));
    assert.deepEqual(
      { ...added, id: undefined, addedAt: undefined },
      {
        id: undefined,
        blockedUser: null,
        blockedAgency: { name: 'Safer Futures IDVA Service' },
        reason: 'The perpetrator’s sister works there',
        addedBy: null,
        addedAt: undefined,
      },
    );
    const [event] = (await events('restriction.add', caseId)).filter((e) => e.outcome === 'success');
    assert.equal(event?.api_token_id, tokens.police.id);
    assert.deepEqual(event?.details, { restrictionId: added.id, blockedUserId: null, blockedAgencyId: await api.agencyId('IDVA') });
    assert.equal(problem(await call('GET', `/api/v1/cases/${caseId}`, tokens.idva.token), 404).code, 'not_found', 'IDVA no longer sees it');
    assert.equal(problem(await call('GET', url(), tokens.idva.token), 404).code, 'not_found');

    const again = problem(await call('POST', url(), tokens.police.token, { blockedAgencyId: await api.agencyId('IDVA'), reason: 'again' }), 400);
    assert.equal(again.code, 'restriction_duplicate');

    const user = restrictionSchema.parse(
      ok(await call('POST', url(), tokens.police.token, { blockedEmail: 'REP@demo.harbour.example', reason: 'Neighbour of the victim' }), 201),
    );
    assert.deepEqual(user.blockedUser, { name: 'Callum Fairweather', email: 'rep@demo.harbour.example', agencyName: 'Housing Options' });
    assert.deepEqual(
      (await list(tokens.policeRead.token)).map((r) => r.id),
      [user.id, added.id],
      'newest first',
    );

    const remaining = restrictionListSchema.parse(ok(await call('DELETE', url(`/${added.id}`), tokens.police.token))).restrictions;
    assert.deepEqual(
      remaining.map((r) => r.id),
      [user.id],
    );
    assert.equal((await events('restriction.remove', caseId)).find((e) => e.outcome === 'success')?.api_token_id, tokens.police.id);
    assert.equal((await call('GET', `/api/v1/cases/${caseId}`, tokens.idva.token)).statusCode, 200, 'IDVA sees it again');
    assert.equal(problem(await call('DELETE', url(`/${added.id}`), tokens.police.token), 404).code, 'not_found', 'already removed');
    const kept = await db().selectFrom('restrictions').select(['removed_at', 'removed_by']).where('id', '=', added.id).executeTakeFirstOrThrow();
    assert.ok(kept.removed_at, 'the entry stays on record as removed');
  });

  it('keeps a person’s list for the agency that recorded them', async () => {
    const personUrl = `/api/v1/people/${victimId}/restrictions`;
    assert.equal((await call('GET', `/api/v1/people/${victimId}`, tokens.idva.token)).statusCode, 200, 'IDVA sees her through the case');
    assert.equal(problem(await call('GET', personUrl, tokens.idva.token), 403).code, 'forbidden');
    const added = restrictionSchema.parse(
      ok(await call('POST', personUrl, tokens.police.token, { blockedAgencyId: await api.agencyId('IDVA'), reason: 'Conflict of interest' }), 201),
    );
    assert.equal(problem(await call('GET', `/api/v1/people/${victimId}`, tokens.idva.token), 404).code, 'not_found');
    assert.equal((await call('GET', `/api/v1/cases/${caseId}`, tokens.idva.token)).statusCode, 200, 'the case is still shared; she is not on it for IDVA');
    assert.deepEqual(
      (await list(tokens.policeRead.token, personUrl)).map((r) => r.id),
      [added.id],
    );
    assert.equal((await events('restriction.add', victimId)).find((e) => e.outcome === 'success')?.subject_type, 'person');
    assert.equal(problem(await call('DELETE', `${personUrl}/${added.id}`, tokens.policeCases.token), 403).code, 'forbidden');
    ok(await call('DELETE', `${personUrl}/${added.id}`, tokens.police.token));
    assert.equal((await call('GET', `/api/v1/people/${victimId}`, tokens.idva.token)).statusCode, 200);
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const doc = ok(await call('GET', '/api/v1/openapi.json'));
    for (const base of ['/api/v1/cases/{id}/restrictions', '/api/v1/people/{id}/restrictions']) {
      assert.deepEqual(Object.keys(doc.paths[base]).sort(), ['get', 'post']);
      assert.deepEqual(doc.paths[base].post.requestBody.content['application/json'].schema, { $ref: '#/components/schemas/RestrictionInput' });
      assert.deepEqual(doc.paths[`${base}/{restrictionId}`].delete.responses['200'].content['application/json'].schema, {
        $ref: '#/components/schemas/RestrictionList',
      });
    }
    assert.equal(doc.paths['/api/v1/cases/{id}/restrictions'].post['x-required-scope'], 'restrictions:manage');
    assert.equal(doc.paths['/api/v1/people/{id}/restrictions'].get['x-required-scope'], 'people:read');
    for (const name of ['RestrictionInput', 'Restriction', 'RestrictionList']) assert.ok(doc.components.schemas[name], name);
  });
});
