/**
 * Property 1, continued: the other public forms. POST /sign-in/code (with and without a pending sign-in) and
 * POST /invitations/:token (real, used and made-up tokens) never answer 5xx; a refused form comes back with a
 * clear error summary and writes nothing; an invitation is only used by a matching, acceptable password.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/modules/admin/admin.demo.js';
import { createUser } from '../../src/modules/admin/admin.service.js';
import { createMailer } from '../../src/platform/mail.js';
import { passwordProblems } from '../../src/platform/passwords.js';
import { systemActor } from '../../src/platform/request-context.js';
import { anyString, extraFields, field, nastyString } from './arbitraries.js';
import {
  assertClearErrorSummary,
  assertNot5xx,
  createFuzzApp,
  formSession,
  postForm,
  runs,
  show,
  tableDigest,
  type FormFields,
  type FuzzApp,
} from './support.js';

const next = fc.oneof(fc.constantFrom('/', '/admin/users', '//evil.example', 'x'.repeat(501)), anyString);
const code = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^\d{6}$/) },
  { weight: 1, arbitrary: fc.constantFrom('123 456', '123-456', ' 123456 ', '１２３４５６', '12345', '1234567', '000000', '999999', '-12345', '1e5') },
  { weight: 3, arbitrary: nastyString },
);

describe('the code and invitation forms survive hostile input (property-based)', () => {
  let t: FuzzApp;
  before(async () => {
    t = await createFuzzApp({ HARBOUR_LOGIN_MAX_FAILURES: '1000000' });
  });
  after(async () => {
    await t.close();
  });

  it('POST /sign-in/code: never 5xx; back to the form with clear errors, or to /sign-in without a pending sign-in', async () => {
    const failures = async () =>
      (await sql<{ email: string; n: number }>`select email, failed_sign_ins as n from users order by email`.execute(t.database.db)).rows;
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.constantFrom(...DEMO_USERS.map((u) => u.email)), { nil: undefined }),
        fc.tuple(field(code), fc.option(field(next), { nil: undefined }), extraFields).map(([c, n, extra]): FormFields => ({ ...extra, code: c, next: n })),
        async (pendingEmail, form) => {
          let { cookie, csrf } = await formSession(t.app, '/sign-in');
          if (pendingEmail) {
            const password = await postForm(t.app, '/sign-in', cookie, { email: pendingEmail, password: DEMO_PASSWORD, _csrf: csrf });
            assert.equal(password.headers.location, '/sign-in/code', `password step for ${pendingEmail}`);
            ({ cookie, csrf } = await formSession(
              t.app,
              '/sign-in/code',
              `harbour_session=${/harbour_session=([^;]+)/.exec(String(password.headers['set-cookie']))![1]}`,
            ));
          }
          const what = `POST /sign-in/code (pending ${pendingEmail ?? 'none'}) ${show(form)}`;
          const before = await failures();
          const response = await postForm(t.app, '/sign-in/code', cookie, { ...form, _csrf: csrf });
          assertNot5xx(t, response, what);
          if (response.statusCode === 413) return;
          assert.equal(response.statusCode, 303, what);
          const location = String(response.headers.location);
          if (location.startsWith('/sign-in/code')) {
            const page = await t.app.inject({ method: 'GET', url: location, headers: { cookie } });
            assertNot5xx(t, page, `${what}, then GET ${location}`);
            if (pendingEmail) assertClearErrorSummary(page.body, what);
          } else if (location !== '/sign-in') {
            assert.ok(pendingEmail, `${what}: signed in without a pending sign-in (→ ${location})`);
          }
          const moved = (await failures()).filter((u, i) => u.n !== before[i]!.n && u.email !== pendingEmail);
          assert.deepEqual(moved, [], `${what}: another user's failure count moved`);
        },
      ),
      runs(50),
    );
  });

  it('POST /invitations/:token: never 5xx; used only with a matching acceptable password, otherwise nothing written', async () => {
    const deps = { db: t.database.db, config: t.config, mailer: createMailer(t.config) };
    const actor = systemActor(t.partnershipId, 'fuzz');
    const agency = await t.database.db.selectFrom('agencies').select('id').where('code', '=', 'IDVA').executeTakeFirstOrThrow();
    const fresh: { token: string; email: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const email = `invitee${i}@fuzz.example`;
      const { link } = await createUser(deps, actor, { email, displayName: `Invitee ${i}`, agencyId: agency.id, roles: ['idva'] });
      fresh.push({ token: link.split('/').pop()!, email });
    }
    const used: string[] = [];
    const tokenChoice = fc.oneof(
      { weight: 5, arbitrary: fc.constant('fresh') },
      { weight: 1, arbitrary: fc.constant('used') },
      { weight: 1, arbitrary: fc.stringMatching(/^[\w-]{10,100}$/) },
      { weight: 1, arbitrary: fc.oneof(nastyString.map(encodeURIComponent), fc.constantFrom('short', 'a'.repeat(101), '..', '%00aaaaaaaaaaaa')) },
    );
    const strong = fc.constantFrom('violet kettle orbit', 'correct horse battery staple', 'harbour lantern moss 7');
    const password = fc.oneof(
      { weight: 4, arbitrary: strong },
      { weight: 1, arbitrary: fc.constantFrom('password1234', 'short', 'aaaaaaaaaaaaaaaa', 'x'.repeat(257)) },
      { weight: 2, arbitrary: nastyString },
    );
    const form = fc
      .tuple(field(password), fc.constantFrom('same', 'same', 'same', 'other', 'absent'), field(password), extraFields)
      .map(([p, how, other, extra]): FormFields => ({ ...extra, password: p, confirmPassword: how === 'same' ? p : how === 'other' ? other : undefined }));

    await fc.assert(
      fc.asyncProperty(tokenChoice, form, async (choice, fields) => {
        const invitation = choice === 'fresh' ? fresh[0] : undefined;
        const token = invitation?.token ?? (choice === 'used' ? (used[0] ?? 'never-issued-token') : choice);
        const formUrl = invitation ? `/invitations/${token}` : '/sign-in';
        const { cookie, csrf } = await formSession(t.app, formUrl);
        const what = `POST /invitations/${show(token, 60)} (${choice === 'fresh' || choice === 'used' ? choice : 'made up'}) ${show(fields)}`;
        const digest = await tableDigest(t, 'users', 'invitations');
        const response = await postForm(t.app, `/invitations/${token}`, cookie, { ...fields, _csrf: csrf });
        assertNot5xx(t, response, what);
        const acceptable =
          invitation &&
          typeof fields.password === 'string' &&
          fields.password === fields.confirmPassword &&
          passwordProblems(fields.password, invitation.email).length === 0;
        if (response.statusCode === 303 && response.headers.location === '/sign-in') {
          assert.ok(acceptable, `${what}: invitation accepted`);
          const user = await t.database.db.selectFrom('users').select('password_hash').where('email', '=', invitation!.email).executeTakeFirstOrThrow();
          assert.ok(user.password_hash, `${what}: accepted but no password stored`);
          used.unshift(fresh.shift()!.token);
          return;
        }
        assert.ok(!acceptable, `${what}: a valid invitation and acceptable password were refused (${response.statusCode} → ${response.headers.location})`);
        assert.equal(await tableDigest(t, 'users', 'invitations'), digest, `${what}: refused, but users or invitations changed`);
        if (response.statusCode === 303) {
          const page = await t.app.inject({ method: 'GET', url: String(response.headers.location), headers: { cookie } });
          assertNot5xx(t, page, `${what}, then GET ${response.headers.location}`);
          if (invitation) assertClearErrorSummary(page.body, what);
        } else {
          assert.ok([400, 404, 413, 414].includes(response.statusCode), `${what} → ${response.statusCode}`);
        }
      }),
      runs(50),
    );
    assert.ok(used.length > 0, 'no invitation was accepted');
  });
});
