import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.js';
import { systemActor } from '../../platform/request-context.js';
import { createApiToken } from '../admin/admin.service.js';
import type { Json, Token } from '../people/people.api.test-support.js';

/**
 * The referral API tests' app: like the people API's (people.api.test-support.ts), with request headers (the
 * Idempotency-Key) and the partnership's MARAC agency set, as an administrator would.
 */

type Reply = { statusCode: number; headers: Record<string, unknown>; body: string; json(): Json };

export function referralApiTestApp<K extends string>(tokenSpecs: Record<K, { agency: string; scopes: string[] }>, maracAgency = 'COUNCIL') {
  let t: TestApp;
  const tokens = {} as Record<K, Token>;
  const db = () => t.database.db;
  const agencyId = async (code: string) => (await db().selectFrom('agencies').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

  before(async () => {
    t = await createTestApp();
    const actor = systemActor(t.partnershipId, 'test');
    for (const [name, { agency, scopes }] of Object.entries(tokenSpecs) as [K, { agency: string; scopes: string[] }][]) {
      tokens[name] = await createApiToken(t.database, actor, { agencyCode: agency, scopes, name: `${name}: ${scopes.join(' ')}` });
    }
    await db()
      .insertInto('referral_settings')
      .values({ partnership_id: t.partnershipId, marac_agency_id: await agencyId(maracAgency), updated_by: null })
      .execute();
  });
  after(() => t.close());

  return {
    tokens,
    db,
    agencyId,
    partnershipId: () => t.partnershipId,

    post: (url: string, token: string | undefined, payload: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        payload: payload as Json,
      }) as Promise<Reply>,

    get: (url: string): Promise<Reply> => t.app.inject({ method: 'GET', url }) as Promise<Reply>,

    /** The answer is application/problem+json with this status; its body, with its errors as { field: message }. */
    problem(response: Reply, status: number): Json & { fields: Record<string, string> } {
      assert.equal(response.statusCode, status, response.body);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      const body = response.json();
      assert.equal(body.status, status);
      const list = (body.errors ?? []) as { field: string; message: string }[];
      return { ...body, fields: Object.fromEntries(list.map((e) => [e.field, e.message])) };
    },

    /** How many rows each table that a referral request writes to holds: a refused request must leave them all as they were. */
    async counts(): Promise<Record<string, number>> {
      const tables = ['people', 'person_names', 'cases', 'case_people', 'case_agencies', 'risk_assessments', 'incidents', 'referrals'] as const;
      const counted: Record<string, number> = {};
      for (const table of tables) {
        const row = await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        counted[table] = Number(row.n);
      }
      return counted;
    },
  };
}

export type ReferralApiTest = ReturnType<typeof referralApiTestApp>;
