/**
 * Property 3: the user forms. Any email, name, agency and roles → never 5xx. Either the user is created with the
 * normalised values and one invitation, or the form comes back with a clear error summary and neither the users
 * nor the invitations table changes. The user actions (deactivate, reactivate, reset-mfa, unlock, invite) with
 * any version never 5xx, and a refused action writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DEMO_USERS } from '../../src/modules/admin/admin.demo.js';
import { ROLES } from '../../src/platform/permissions.js';
import { WebClient } from '../support/app.js';
import { anyString, extraFields, field, hugeString, nastyString, uuid } from './arbitraries.js';
import {
  assertClearErrorSummary,
  assertNot5xx,
  createFuzzApp,
  formSession,
  postForm,
  rowCount,
  runs,
  show,
  stored,
  tableDigest,
  type FormFields,
  type FuzzApp,
} from './support.js';

const ADMIN = 'admin@demo.harbour.example';
const pad = fc.constantFrom('', ' ', '\t');

const email = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(pad, fc.mixedCase(fc.emailAddress()), pad).map(([a, e, b]) => a + e + b) },
  { weight: 1, arbitrary: fc.mixedCase(fc.constantFrom(...DEMO_USERS.map((u) => u.email))) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'a@b',
      'a@b.c',
      '@example.org',
      'a@@example.org',
      'a b@example.org',
      `${'a'.repeat(250)}@example.org`,
      'ünï@example.org',
      'a@example.org\u0000',
    ),
  },
  { weight: 2, arbitrary: nastyString },
);
const displayName = fc.oneof(
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('n'.repeat(120), ` ${'n'.repeat(120)} `, 'n'.repeat(121)) },
  { weight: 2, arbitrary: nastyString },
);
const role = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ROLES) },
  { weight: 1, arbitrary: fc.constantFrom('superuser', 'Admin', 'admin ', 'root', '*', '') },
  { weight: 1, arbitrary: anyString },
);
const roles = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: role },
  { weight: 3, arbitrary: fc.array(role, { minLength: 2, maxLength: 12 }) },
  { weight: 1, arbitrary: hugeString },
);

function userForm(agencyIds: string[]): fc.Arbitrary<FormFields> {
  const agency = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...agencyIds) },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: uuid },
    { weight: 1, arbitrary: nastyString },
  );
  return fc
    .tuple(field(email), field(displayName), field(agency), roles, fc.option(extraFields, { freq: 4, nil: {} }))
    .map(([e, n, a, r, extra]) => ({ ...extra, email: e, displayName: n, agencyId: a, roles: r }));
}

/** A form a person might fill in, so that creations happen too. */
function plausibleUserForm(agencyIds: string[]): fc.Arbitrary<FormFields> {
  return fc.record({
    email: fc
      .tuple(pad, fc.mixedCase(fc.stringMatching(/^[a-z]{1,10}(\.[a-z0-9]{1,10})?@[a-z]{2,10}\.(org|co\.uk|example)$/)), pad)
      .map(([a, e, b]) => a + e + b),
    displayName: fc.string({ minLength: 1, maxLength: 60 }),
    agencyId: fc.constantFrom(...agencyIds),
    roles: fc.oneof(fc.constantFrom(...ROLES), fc.array(fc.constantFrom(...ROLES), { minLength: 1, maxLength: 4 })),
  });
}

describe('user forms survive hostile input (property-based)', () => {
  let t: FuzzApp;
  let cookie: string;
  let csrf: string;
  let adminId: string;

  before(async () => {
    t = await createFuzzApp();
    const client = new WebClient(t.app);
    assert.equal((await client.signIn(ADMIN)).headers.location, '/');
    ({ cookie, csrf } = await formSession(t.app, '/admin/users/new', `harbour_session=${client.sessionCookie()}`));
    adminId = (await t.database.db.selectFrom('users').select('id').where('email', '=', ADMIN).executeTakeFirstOrThrow()).id;
  });
  after(async () => {
    await t.close();
  });

  it('create: never 5xx; created as normalised with one invitation, or back with clear errors and no write', async () => {
    const agencyIds = (await t.database.db.selectFrom('agencies').select('id').execute()).map((a) => a.id);
    const seen = { created: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof(userForm(agencyIds), plausibleUserForm(agencyIds)), async (form) => {
        const what = `POST /admin/users ${show(form, 600)}`;
        const digest = await tableDigest(t, 'users', 'invitations');
        const [users, invitations] = [await rowCount(t, 'users'), await rowCount(t, 'invitations')];
        const response = await postForm(t.app, '/admin/users', cookie, { ...form, _csrf: csrf });
        assertNot5xx(t, response, what);
        if (response.statusCode === 413) return;
        assert.equal(response.statusCode, 303, what);
        const location = String(response.headers.location);
        const created = /^\/admin\/users\/([0-9a-f-]{36})$/.exec(location);
        if (created) {
          seen.created++;
          assert.equal(await rowCount(t, 'users'), users + 1, `${what}: user count`);
          assert.equal(await rowCount(t, 'invitations'), invitations + 1, `${what}: invitation count`);
          const row = await t.database.db.selectFrom('users').selectAll().where('id', '=', created[1]!).executeTakeFirstOrThrow();
          const sentRoles = [form.roles ?? []].flat().map(stored);
          assert.deepEqual(
            { email: row.email, name: row.display_name, agency: row.agency_id, roles: row.roles, password: row.password_hash, active: row.active },
            {
              email: stored(form.email).trim().toLowerCase(),
              name: stored(form.displayName).trim(),
              agency: stored(form.agencyId).toLowerCase(),
              roles: [...new Set(sentRoles)],
              password: null,
              active: true,
            },
            `${what}: saved values differ from the normalised input`,
          );
          assert.ok(row.roles.length > 0 && row.roles.every((r) => (ROLES as readonly string[]).includes(r)), `${what}: saved roles ${show(row.roles)}`);
          const page = await t.app.inject({ method: 'GET', url: location, headers: { cookie } });
          assertNot5xx(t, page, `${what}, then GET ${location}`);
        } else {
          seen.refused++;
          assert.equal(location, '/admin/users/new', what);
          assert.equal(await tableDigest(t, 'users', 'invitations'), digest, `${what}: refused, but users or invitations changed (partial write)`);
          const page = await t.app.inject({ method: 'GET', url: location, headers: { cookie } });
          assertNot5xx(t, page, `${what}, then GET the form`);
          assertClearErrorSummary(page.body, what);
        }
      }),
      runs(80),
    );
    assert.ok(seen.created > 0 && seen.refused > 0, `both outcomes should be exercised: ${show(seen)}`);
  });

  it('edit (name, agency, roles) with any values and version: never 5xx; saved only at the current version, as normalised; a refusal writes nothing', async () => {
    const agencyIds = (await t.database.db.selectFrom('agencies').select('id').execute()).map((a) => a.id);
    const target = (await t.database.db.selectFrom('users').select('id').where('email', '=', 'rep@demo.harbour.example').executeTakeFirstOrThrow()).id;
    const version = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('current', 'current', 'stale', 'future') },
      { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1e0', '', 'abc', '2147483648') },
      { weight: 1, arbitrary: nastyString },
    );
    const seen = { saved: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof(userForm(agencyIds), plausibleUserForm(agencyIds)), version, async ({ email: _email, ...form }, versionChoice) => {
        const current = (await t.database.db.selectFrom('users').select('version').where('id', '=', target).executeTakeFirstOrThrow()).version;
        const sent =
          ({ current: String(current), stale: String(current - 1), future: String(current + 1) } as Record<string, string>)[versionChoice] ?? versionChoice;
        const what = `POST /admin/users/${target} (version ${show(sent)} while ${current}) ${show(form, 600)}`;
        const digest = await tableDigest(t, 'users', 'invitations');
        const response = await postForm(t.app, `/admin/users/${target}`, cookie, { ...form, version: sent, _csrf: csrf });
        assertNot5xx(t, response, what);
        if (response.statusCode === 413) return;
        assert.equal(response.statusCode, 303, what);
        if (response.headers.location === `/admin/users/${target}`) {
          seen.saved++;
          assert.equal(Number(sent), current, `${what}: saved over version ${current}`);
          const row = await t.database.db
            .selectFrom('users')
            .select(['display_name', 'agency_id', 'roles', 'version'])
            .where('id', '=', target)
            .executeTakeFirstOrThrow();
          assert.deepEqual(
            row,
            {
              display_name: stored(form.displayName).trim(),
              agency_id: stored(form.agencyId).toLowerCase(),
              roles: [...new Set([form.roles ?? []].flat().map(stored))],
              version: current + 1,
            },
            `${what}: saved values`,
          );
        } else {
          seen.refused++;
          assert.equal(response.headers.location, `/admin/users/${target}/edit`, what);
          assert.equal(await tableDigest(t, 'users', 'invitations'), digest, `${what}: refused, but users or invitations changed`);
          const page = await t.app.inject({ method: 'GET', url: String(response.headers.location), headers: { cookie } });
          assertNot5xx(t, page, `${what}, then GET the form`);
          assertClearErrorSummary(page.body, what);
        }
        await t.app.inject({ method: 'GET', url: '/admin/users', headers: { cookie } }); // shows (and clears) any notice
      }),
      runs(50),
    );
    assert.ok(seen.saved > 0 && seen.refused > 0, `both outcomes should be exercised: ${show(seen)}`);
  });

  it('user actions with any version: never 5xx; applied only at the current version, and a refusal writes nothing', async () => {
    const others = (await t.database.db.selectFrom('users').select('id').where('id', '!=', adminId).execute()).map((u) => u.id);
    const action = fc.constantFrom('deactivate', 'reactivate', 'reset-mfa', 'unlock', 'invite');
    // Acting on yourself is only tried with deactivate (refused): the others would end this test's own session.
    const target = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...others) },
      { weight: 1, arbitrary: uuid },
      { weight: 1, arbitrary: anyString.map(encodeURIComponent) },
    );
    const version = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('current', 'stale', 'future') },
      { weight: 2, arbitrary: fc.constantFrom('0', '-1', '2147483648', '1e0', '0x1', ' 1 ', '', 'abc') },
      { weight: 1, arbitrary: fc.array(fc.constant('current'), { minLength: 2, maxLength: 2 }) },
      { weight: 1, arbitrary: nastyString },
    );
    const seen = { applied: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        action,
        fc.oneof({ weight: 9, arbitrary: target }, { weight: 1, arbitrary: fc.constant('self') }),
        version,
        async (verb, who, versionChoice) => {
          if (who === 'self' && verb !== 'deactivate') return;
          const id = who === 'self' ? adminId : who;
          const current = await t.database.db
            .selectFrom('users')
            .select('version')
            .where('id', '=', /^[0-9a-f-]{36}$/.test(id) ? id : adminId)
            .executeTakeFirst();
          const v = current?.version ?? 1;
          const resolve = (c: string) => ({ current: String(v), stale: String(v - 1), future: String(v + 1) })[c] ?? c;
          const sent = Array.isArray(versionChoice) ? versionChoice.map(resolve) : resolve(versionChoice);
          const what = `POST /admin/users/${id}/${verb} (version ${show(sent)} while ${v})`;
          const digest = await tableDigest(t, 'users', 'invitations');
          const response = await postForm(t.app, `/admin/users/${id}/${verb}`, cookie, { version: sent, _csrf: csrf });
          assertNot5xx(t, response, what);
          const page = await t.app.inject({ method: 'GET', url: String(response.headers.location ?? '/'), headers: { cookie } }); // consumes the flash
          assertNot5xx(t, page, `${what}, then GET ${response.headers.location}`);
          const changed = (await tableDigest(t, 'users', 'invitations')) !== digest;
          if (response.statusCode === 303 && /govuk-notification-banner--success/.test(page.body) && !/govuk-error-summary/.test(page.body)) {
            // Applied: every action but invite is version-checked.
            seen.applied++;
            if (verb !== 'invite') assert.ok(typeof sent === 'string' && Number(sent) === v, `${what}: applied with a version other than the current one`);
          } else {
            seen.refused++;
            assert.ok(!changed, `${what}: refused (${response.statusCode}), but users or invitations changed`);
            if (response.statusCode === 303) assertClearErrorSummary(page.body, what);
            else assert.ok([400, 404, 413].includes(response.statusCode), `${what} → ${response.statusCode}`);
          }
        },
      ),
      runs(60),
    );
    assert.ok(seen.applied > 0 && seen.refused > 0, `both outcomes should be exercised: ${show(seen)}`);
  });
});
