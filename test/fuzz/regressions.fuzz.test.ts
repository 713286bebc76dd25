/**
 * Bugs the robustness properties found (all fixed), one focused property each, so that none comes back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { WebClient } from '../support/app.js';
import { anyString, uuid } from './arbitraries.js';
import {
  assertClearErrorSummary,
  assertNot5xx,
  brokenSummaryLinks,
  createFuzzApp,
  formSession,
  postForm,
  runs,
  show,
  tableDigest,
  type FormFields,
  type FuzzApp,
} from './support.js';

const ADMIN = 'admin@demo.harbour.example';
const withNul = fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([a, b]) => `${a}\u0000${b}`);
const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'), fc.string({ maxLength: 8 }))
  .map(([a, s, b]) => a + s + b);

describe('regressions found by fuzzing', () => {
  let t: FuzzApp;
  let admin: { cookie: string; csrf: string };
  let ids: { mh: string; rep: string; areas: string[] };
  const version = async (table: 'agencies' | 'users', id: string) =>
    String((await t.database.db.selectFrom(table).select('version').where('id', '=', id).executeTakeFirstOrThrow()).version);

  before(async () => {
    t = await createFuzzApp();
    const client = new WebClient(t.app);
    assert.equal((await client.signIn(ADMIN)).headers.location, '/');
    admin = await formSession(t.app, '/admin/agencies/new', `harbour_session=${client.sessionCookie()}`);
    const mh = await t.database.db.selectFrom('agencies').select('id').where('code', '=', 'MH').executeTakeFirstOrThrow();
    const rep = await t.database.db.selectFrom('users').select('id').where('email', '=', 'rep@demo.harbour.example').executeTakeFirstOrThrow();
    ids = { mh: mh.id, rep: rep.id, areas: (await t.database.db.selectFrom('areas').select('id').execute()).map((a) => a.id) };
  });
  after(async () => {
    await t.close();
  });

  /** A plausible form for each POST route, and the fields a NUL may be put into. */
  const routes = fc.constantFrom(
    { url: '/sign-in', form: { email: 'someone@example.org', password: 'not the password' }, fields: ['email', 'password', 'next', 'extra'], admin: false },
    { url: '/sign-in/code', form: { code: '123456' }, fields: ['code', 'next', 'extra'], admin: false },
    {
      url: '/admin/agencies',
      form: { code: 'NEWCODE', name: 'New agency', type: 'police' },
      fields: ['code', 'name', 'type', 'areaId', 'isaSigned-day', 'extra'],
      admin: true,
    },
    { url: 'edit-agency', form: { code: 'MH', name: 'Mental health', type: 'mental_health' }, fields: ['name', 'code', 'version', 'extra'], admin: true },
    {
      url: '/admin/users',
      form: { email: 'new.person@example.org', displayName: 'New Person', roles: 'idva' },
      fields: ['email', 'displayName', 'agencyId', 'roles', 'extra'],
      admin: true,
    },
    { url: 'unlock-user', form: {}, fields: ['version', 'extra'], admin: true },
    {
      url: 'edit-user',
      form: { displayName: 'Callum Fairweather', roles: 'agency_rep' },
      fields: ['displayName', 'roles', 'agencyId', 'version', 'extra'],
      admin: true,
    },
  );

  it('U+0000 in a posted field is refused or cleaned, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(routes, fc.nat(), withNul, async (route, pick, value) => {
        const session = route.admin ? admin : await formSession(t.app, '/sign-in');
        const url =
          (
            { 'edit-agency': `/admin/agencies/${ids.mh}`, 'unlock-user': `/admin/users/${ids.rep}/unlock`, 'edit-user': `/admin/users/${ids.rep}` } as Record<
              string,
              string
            >
          )[route.url] ?? route.url;
        const base: FormFields = { ...route.form, ...(route.url === '/admin/users' || route.url === 'edit-user' ? { agencyId: ids.mh } : {}) };
        if (route.url === 'edit-agency') base.version = await version('agencies', ids.mh);
        if (route.url === 'unlock-user' || route.url === 'edit-user') base.version = await version('users', ids.rep);
        const name = route.fields[pick % route.fields.length]!;
        const form = { ...base, [name]: value, _csrf: session.csrf };
        const response = await postForm(t.app, url, session.cookie, form);
        assertNot5xx(t, response, `POST ${url} ${show(form)}`);
      }),
      runs(40),
    );
  });

  it('a lone UTF-16 surrogate in a JSON form body is refused or cleaned, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('email', 'password', 'other'), loneSurrogate, async (name, value) => {
        const { cookie, csrf } = await formSession(t.app, '/sign-in');
        const body = { email: 'someone@example.org', password: 'x', [name]: value, _csrf: csrf };
        const response = await t.app.inject({
          method: 'POST',
          url: '/sign-in',
          headers: { cookie, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        assertNot5xx(t, response, `POST /sign-in as JSON ${show(body)}`);
      }),
      runs(30),
    );
  });

  it('an invalid `next` (repeated, over 500 characters, not a string) is refused or cleaned, never a 500', async () => {
    const badNext = fc.oneof(
      fc.array(fc.constantFrom('/', '/admin/users', 'x'), { minLength: 2, maxLength: 3 }),
      fc.integer({ min: 501, max: 3000 }).map((n) => `/${'a'.repeat(n)}`),
      fc.constantFrom<unknown>(1, true, null, { a: 1 }, ['/']),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/sign-in', '/sign-in/code'), badNext, async (url, next) => {
        const { cookie, csrf } = await formSession(t.app, '/sign-in');
        const fields = url === '/sign-in' ? { email: 'someone@example.org', password: 'x' } : { code: '123456' };
        const json = typeof next !== 'string' && !(Array.isArray(next) && next.length > 1);
        const what = `POST ${url} next=${show(next)}${json ? ' (JSON)' : ''}`;
        const response = json
          ? await t.app.inject({
              method: 'POST',
              url,
              headers: { cookie, 'content-type': 'application/json' },
              payload: JSON.stringify({ ...fields, next, _csrf: csrf }),
            })
          : await postForm(t.app, url, cookie, { ...fields, next: next as string | string[], _csrf: csrf });
        assertNot5xx(t, response, what);
        assert.equal(response.statusCode, 303, what);
        const location = String(response.headers.location);
        if (location.split('?')[0] !== url) return; // e.g. /sign-in/code without a pending sign-in goes to /sign-in
        const page = await t.app.inject({ method: 'GET', url: location, headers: { cookie } });
        assertClearErrorSummary(page.body, what);
      }),
      runs(30),
    );
  });

  it('an area id that is a UUID but not one of the partnership’s areas is refused or cleaned, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), uuid, fc.stringMatching(/^[A-Z][A-Z0-9]{3,10}$/), async (edit, areaId, code) => {
        fc.pre(!ids.areas.includes(areaId));
        const url = edit ? `/admin/agencies/${ids.mh}` : '/admin/agencies';
        const form = {
          code: edit ? 'MH' : code,
          name: 'Agency',
          type: 'police',
          areaId,
          ...(edit ? { version: await version('agencies', ids.mh) } : {}),
          _csrf: admin.csrf,
        };
        const digest = await tableDigest(t, 'agencies');
        const response = await postForm(t.app, url, admin.cookie, form);
        assertNot5xx(t, response, `POST ${url} ${show(form)}`);
        assert.equal(await tableDigest(t, 'agencies'), digest, 'an unknown area was saved');
        const page = await t.app.inject({ method: 'GET', url: String(response.headers.location), headers: { cookie: admin.cookie } });
        assertClearErrorSummary(page.body, `POST ${url} ${show(form)}`);
      }),
      runs(30),
    );
  });

  it('an invalid area gets a clear message, not zod’s default', async () => {
    const junk = fc.oneof(
      anyString.filter((s) => s !== '' && !/^[0-9a-f-]{36}$/i.test(s)),
      fc.array(fc.constantFrom('', ids.areas[0]!), { minLength: 2, maxLength: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(junk, async (areaId) => {
        fc.pre(!/\u0000/.test(String(areaId))); // NUL has its own bug above
        const form = { code: 'AREATEST', name: 'Agency', type: 'police', areaId, _csrf: admin.csrf };
        const response = await postForm(t.app, '/admin/agencies', admin.cookie, form);
        assertNot5xx(t, response, `POST /admin/agencies ${show(form)}`);
        const page = await t.app.inject({ method: 'GET', url: String(response.headers.location), headers: { cookie: admin.cookie } });
        assertClearErrorSummary(page.body, `POST /admin/agencies ${show(form)}`);
      }),
      runs(30),
    );
  });

  it('a malformed percent-escape in an /api/ path gets application/problem+json', async () => {
    const bad = fc.tuple(fc.constantFrom('/api/v1/', '/api/v1/agencies/', '/api/'), fc.constantFrom('%', '%z', '%zz', '%E0%A4%A', '%%'), fc.webSegment());
    await fc.assert(
      fc.asyncProperty(bad, async ([prefix, escape, rest]) => {
        const url = prefix + escape + rest;
        const response = await t.app.inject({ method: 'GET', url });
        assertNot5xx(t, response, `GET ${url}`);
        assert.match(
          String(response.headers['content-type']),
          /^application\/problem\+json/,
          `GET ${url} → ${response.statusCode} ${response.headers['content-type']}: ${response.body.slice(0, 120)}`,
        );
      }),
      runs(20),
    );
  });

  it('U+0000 in an audit-log filter is refused or cleaned, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('action', 'user', 'subject'), withNul, async (name, value) => {
        const url = `/admin/audit?${new URLSearchParams({ [name]: value }).toString()}`;
        const response = await t.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
        assertNot5xx(t, response, `GET ${url}`);
      }),
      runs(20),
    );
  });

  it('every error-summary link goes to a field on the page', async () => {
    const roles = fc
      .tuple(fc.array(fc.constantFrom('idva', 'admin', 'analyst'), { maxLength: 3 }), fc.constantFrom('boss', 'Admin', 'root'))
      .chain(([good, bad]) => fc.shuffledSubarray([...good, bad], { minLength: good.length + 1 }));
    const attempt = fc.oneof(
      roles.map((r) => ({ kind: 'user' as const, roles: r })),
      fc.constantFrom('stale', 'abc', '0').map((v) => ({ kind: 'agency' as const, version: v })),
    );
    await fc.assert(
      fc.asyncProperty(attempt, async (a) => {
        const current = await version('agencies', ids.mh);
        const [url, form] =
          a.kind === 'user'
            ? ['/admin/users', { email: 'roles.test@example.org', displayName: 'Roles Test', agencyId: ids.mh, roles: a.roles }]
            : [
                `/admin/agencies/${ids.mh}`,
                { code: 'MH', name: 'Mental health', type: 'mental_health', version: a.version === 'stale' ? String(Number(current) - 1 || 99) : a.version },
              ];
        const response = await postForm(t.app, url, admin.cookie, { ...form, _csrf: admin.csrf });
        assertNot5xx(t, response, `POST ${url} ${show(form)}`);
        const page = await t.app.inject({ method: 'GET', url: String(response.headers.location), headers: { cookie: admin.cookie } });
        assert.deepEqual(brokenSummaryLinks(page.body), [], `POST ${url} ${show(form)}: error-summary links with no target on the page`);
      }),
      runs(20),
    );
  });
});
