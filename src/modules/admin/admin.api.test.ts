import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.js';
import { systemActor } from '../../platform/request-context.js';
import { createApiToken, revokeApiToken } from './admin.service.js';

describe('GET /api/v1/agencies', () => {
  let t: TestApp;
  let token: string;
  let tokenId: string;
  before(async () => {
    t = await createTestApp();
    const created = await createApiToken(t.database, systemActor(t.partnershipId, 'test'), { agencyCode: 'POLICE', scopes: ['*'], name: 'test' });
    token = created.token;
    tokenId = created.id;
  });
  after(() => t.close());

  const get = (authorization?: string, url = '/api/v1/agencies') => t.app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

  it('answers 401 problem+json without a valid token', async () => {
    for (const header of [undefined, 'Bearer nonsense', `Basic ${token}`, `Bearer ${token}x`]) {
      const response = await get(header);
      assert.equal(response.statusCode, 401, String(header));
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      const body = response.json();
      assert.equal(body.status, 401);
      assert.equal(body.code, 'unauthenticated');
      assert.ok(body.title);
    }
  });

  it('lists agencies for a valid bearer token, with agreement status', async () => {
    const response = await get(`Bearer ${token}`);
    assert.equal(response.statusCode, 200);
    const { agencies } = response.json() as { agencies: { code: string; informationSharingAgreement: { inForce: boolean } }[] };
    const codes = agencies.map((a) => a.code);
    for (const code of ['POLICE', 'PROBATION', 'CSC', 'ASC', 'HOUSING', 'HEALTH', 'IDVA', 'REFUGE', 'CPS', 'COUNCIL']) assert.ok(codes.includes(code), code);
    assert.equal(agencies.find((a) => a.code === 'EDUCATION')!.informationSharingAgreement.inForce, false);
    assert.equal(agencies.find((a) => a.code === 'POLICE')!.informationSharingAgreement.inForce, true);
    assert.equal(response.headers['set-cookie'], undefined, 'the API sets no cookies');
  });

  it('answers 403 when the token lacks the scope', async () => {
    const narrow = await createApiToken(t.database, systemActor(t.partnershipId, 'test'), { agencyCode: 'HOUSING', scopes: ['agencies:read'], name: 'narrow' });
    assert.equal((await get(`Bearer ${narrow.token}`)).statusCode, 200);
    await assert.rejects(
      createApiToken(t.database, systemActor(t.partnershipId, 'test'), { agencyCode: 'HOUSING', scopes: ['cases:delete'], name: 'bad' }),
      (error: { fieldErrors?: { message: string }[] }) => /Unknown scope\(s\): cases:delete/.test(error.fieldErrors?.[0]?.message ?? ''),
    );
  });

  it('stores only a hash of the token, and a revoked token stops working', async () => {
    const rows = await t.database.db.selectFrom('api_tokens').select(['token_hash']).execute();
    assert.ok(rows.every((r) => !r.token_hash.toString('utf8').includes('hbr_')));
    await revokeApiToken(t.database, systemActor(t.partnershipId, 'test'), tokenId);
    assert.equal((await get(`Bearer ${token}`)).statusCode, 401);
  });

  it('answers unknown API paths with problem+json 404', async () => {
    const response = await get(undefined, '/api/v1/nothing-here');
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const response = await get(undefined, '/api/v1/openapi.json');
    assert.equal(response.statusCode, 200);
    const doc = response.json();
    assert.equal(doc.openapi, '3.1.0');
    const operation = doc.paths['/api/v1/agencies'].get;
    assert.equal(operation['x-required-scope'], 'agencies:read');
    const schema = operation.responses['200'].content['application/json'].schema;
    assert.deepEqual(schema, { $ref: '#/components/schemas/AgencyList' }, 'a schema named with .meta({ id }) is a component');
    assert.ok(JSON.stringify(doc.components.schemas.Agency).includes('informationSharingAgreement'), 'the response schema comes from zod');
    assert.ok(operation.responses['401']);
  });
});
