import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.js';
import { systemActor } from '../../platform/request-context.js';
import { createApiToken } from '../admin/admin.service.js';

/** What the API tests share: one app on a fresh database per file, its tokens, and the questions every test asks. */

export type Json = Record<string, any>;
export type Token = { token: string; id: string };
type Reply = { statusCode: number; headers: Record<string, unknown>; body: string; json(): Json };
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A user-level or agency-level "must not see" entry, put straight into the table. */
export type Blocked = { agency: string } | { userEmail: string };

/**
 * Call inside describe(): starts the app before the file's tests, with a token per entry of `tokenSpecs` (an agency
 * code and scopes), and closes it after them.
 */
export function apiTestApp<K extends string>(tokenSpecs: Record<K, { agency: string; scopes: string[] }>) {
  let t: TestApp;
  const tokens = {} as Record<K, Token>;

  before(async () => {
    t = await createTestApp();
    const actor = systemActor(t.partnershipId, 'test');
    for (const [name, { agency, scopes }] of Object.entries(tokenSpecs) as [K, { agency: string; scopes: string[] }][]) {
      tokens[name] = await createApiToken(t.database, actor, { agencyCode: agency, scopes, name: `${name}: ${scopes.join(' ')}` });
    }
  });
  after(() => t.close());

  const db = () => t.database.db;
  const agencyId = async (code: string) => (await db().selectFrom('agencies').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

  return {
    tokens,
    db,
    partnershipId: () => t.partnershipId,
    agencyId,

    call: (method: Method, url: string, token?: string, payload?: unknown): Promise<Reply> =>
      t.app.inject({
        method,
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(payload !== undefined ? { payload: payload as Json } : {}),
      }) as Promise<Reply>,

    /** The answer is application/problem+json with this status; its body. */
    problem(response: Reply, status: number): Json {
      assert.equal(response.statusCode, status, response.body);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      const body = response.json();
      assert.equal(body.status, status);
      return body;
    },

    /** The answer has this status (a success); its JSON body. */
    ok(response: Reply, status = 200): Json {
      assert.equal(response.statusCode, status, response.body);
      return response.json();
    },

    /** A problem's field errors as { field: message }. */
    fields: (body: Json): Record<string, string> => Object.fromEntries((body.errors as { field: string; message: string }[]).map((e) => [e.field, e.message])),

    /** Audit events with this action (and subject), oldest first. */
    events(action: string, subjectId?: string) {
      let query = db().selectFrom('audit_events').selectAll().where('action', '=', action);
      if (subjectId) query = query.where('subject_id', '=', subjectId);
      return query.orderBy('seq').execute();
    },

    /** Puts a user (by email) or a whole agency on a case's or person's "must not see" list. */
    async block(subjectType: 'case' | 'person', subjectId: string, who: Blocked): Promise<void> {
      const blocked =
        'agency' in who
          ? { blocked_agency_id: await agencyId(who.agency) }
          : { blocked_user_id: (await db().selectFrom('users').select('id').where('email', '=', who.userEmail).executeTakeFirstOrThrow()).id };
      await db()
        .insertInto('restrictions')
        .values({ partnership_id: t.partnershipId, subject_type: subjectType, subject_id: subjectId, reason: 'test', created_by: null, ...blocked })
        .execute();
    },
  };
}

export type ApiTest = ReturnType<typeof apiTestApp>;

/** Any well-formed id that names no record. */
export const MISSING_ID = '7d1e3a52-8f0b-4c55-9a1d-2f4b6c8e0a11';
