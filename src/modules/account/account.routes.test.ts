import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, csrfToken, DEMO_PASSWORD, errorSummary, unusedCode, WebClient, type TestApp } from '../../../test/support/app.js';
import { demoTotpSecret } from '../admin/admin.demo.js';

const ADMIN = 'admin@demo.harbour.example';
const IDVA = 'idva@demo.harbour.example';

describe('signing in', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const auditActions = async (email: string) =>
    (
      await t.database.db
        .selectFrom('audit_events as e')
        .innerJoin('users as u', 'u.id', 'e.user_id')
        .select(['e.action', 'e.outcome'])
        .where('u.email', '=', email)
        .orderBy('e.seq')
        .execute()
    ).map((e) => `${e.action}:${e.outcome}`);

  it('asks for a password, then a TOTP code, rotating the session id at each step', async () => {
    const client = new WebClient(t.app, '10.0.0.1');
    const form = await client.get('/sign-in');
    assert.equal(form.statusCode, 200);
    const anonymous = client.sessionCookie();
    assert.ok(anonymous, 'the sign-in form starts a session for its CSRF token');

    const afterPassword = await client.post('/sign-in', { email: ADMIN, password: DEMO_PASSWORD }, form.body);
    assert.equal(afterPassword.statusCode, 303);
    assert.equal(afterPassword.headers.location, '/sign-in/code');
    const pending = client.sessionCookie();
    assert.notEqual(pending, anonymous, 'new session id after the password');

    const home = await client.get('/');
    assert.equal(home.statusCode, 303, 'the password alone does not sign in');
    assert.match(String(home.headers.location), /^\/sign-in/);

    const codePage = await client.get('/sign-in/code');
    const done = await client.post('/sign-in/code', { code: await unusedCode(demoTotpSecret(ADMIN)) }, codePage.body);
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/');
    assert.notEqual(client.sessionCookie(), pending, 'new session id after the code');

    const signedIn = await client.get('/');
    assert.equal(signedIn.statusCode, 200);
    assert.match(signedIn.body, /Welcome, Morgan Ellery/);
    assert.equal(signedIn.headers['cache-control'], 'no-store');

    const oldSession = new WebClient(t.app, '10.0.0.1');
    oldSession.setSessionCookie(anonymous!);
    assert.equal((await oldSession.get('/')).statusCode, 303, 'the pre-sign-in session id is worthless');
    assert.deepEqual((await auditActions(ADMIN)).slice(-2), ['sign-in.password:success', 'sign-in.mfa:success']);
  });

  it('shows one message for a wrong password or an unknown email, and records both', async () => {
    const client = new WebClient(t.app, '10.0.0.2');
    const wrong = await client.submit('/sign-in', '/sign-in', { email: IDVA, password: 'not the password at all' });
    assert.equal(wrong.statusCode, 303);
    const page = await client.get(String(wrong.headers.location));
    assert.deepEqual(errorSummary(page.body), ['Enter a correct email address and password']);
    assert.match(page.body, /value="idva@demo.harbour.example"/, 'the email is kept');
    assert.doesNotMatch(page.body, /not the password at all/, 'the password is never echoed');

    const unknown = await client.submit('/sign-in', '/sign-in', { email: 'nobody@example.org', password: 'whatever it is' });
    const unknownPage = await client.get(String(unknown.headers.location));
    assert.deepEqual(errorSummary(unknownPage.body), ['Enter a correct email address and password']);
    const failures = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'details'])
      .where('action', '=', 'sign-in.password')
      .where('outcome', '=', 'failure')
      .execute();
    assert.ok(failures.some((f) => (f.details as { reason?: string }).reason === 'unknown_email'));
  });

  it('validates an empty form with GOV.UK messages', async () => {
    const client = new WebClient(t.app, '10.0.0.3');
    const response = await client.submit('/sign-in', '/sign-in', { email: '', password: '' });
    const page = await client.get(String(response.headers.location));
    assert.deepEqual(errorSummary(page.body), ['Enter your email address', 'Enter your password']);
    assert.match(page.body, /<title>Error: Sign in to Harbour/);
  });

  it('locks the account for 15 minutes after five failures, even with the right password', async () => {
    const email = 'rep@demo.harbour.example';
    const client = new WebClient(t.app, '10.0.0.4');
    for (let i = 0; i < 4; i++) await client.submit('/sign-in', '/sign-in', { email, password: `wrong password ${i}` });
    const fifth = await client.submit('/sign-in', '/sign-in', { email, password: 'wrong password 5' });
    const fifthPage = await client.get(String(fifth.headers.location));
    assert.match(errorSummary(fifthPage.body)[0] ?? '', /locked .* Try again in 15 minutes/);

    const right = await client.submit('/sign-in', '/sign-in', { email, password: DEMO_PASSWORD });
    assert.equal(right.headers.location, '/sign-in', 'the right password is refused while locked');
    const user = await t.database.db.selectFrom('users').select(['locked_until']).where('email', '=', email).executeTakeFirstOrThrow();
    const minutes = (user.locked_until!.getTime() - Date.now()) / 60_000;
    assert.ok(minutes > 14 && minutes <= 15, `locked for ${minutes} minutes`);

    await t.database.db
      .updateTable('users')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('email', '=', email)
      .execute();
    const later = await client.signIn(email);
    assert.equal(later.headers.location, '/', 'the lock expires');
  });

  it('counts wrong codes towards the lock and refuses a code used before', async () => {
    const email = 'strategy@demo.harbour.example';
    const client = new WebClient(t.app, '10.0.0.5');
    await client.signIn(email);
    const used = await t.database.db.selectFrom('users').select('totp_last_step').where('email', '=', email).executeTakeFirstOrThrow();
    assert.ok(used.totp_last_step, 'the code’s time step is remembered');

    const replay = new WebClient(t.app, '10.0.0.5');
    await replay.submit('/sign-in', '/sign-in', { email, password: DEMO_PASSWORD });
    const { currentTotp } = await import('../../platform/totp.js');
    const sameCode = currentTotp(demoTotpSecret(email), Number(used.totp_last_step) * 30_000 + 1000);
    const refused = await replay.submit('/sign-in/code', '/sign-in/code', { code: sameCode });
    assert.equal(refused.headers.location, '/sign-in/code');
    const after = await t.database.db.selectFrom('users').select('failed_sign_ins').where('email', '=', email).executeTakeFirstOrThrow();
    assert.equal(after.failed_sign_ins, 1);
  });

  it('rate-limits sign-in attempts per IP address', async () => {
    const limited = await createTestApp({ HARBOUR_LOGIN_RATE_PER_IP: '3' });
    try {
      const client = new WebClient(limited.app, '10.9.9.9');
      for (let i = 0; i < 3; i++) {
        const r = await client.submit('/sign-in', '/sign-in', { email: `someone${i}@example.org`, password: 'a password here' });
        assert.equal(r.statusCode, 303);
      }
      const blocked = await client.submit('/sign-in', '/sign-in', { email: ADMIN, password: DEMO_PASSWORD });
      assert.equal(blocked.statusCode, 429);
      assert.ok(Number(blocked.headers['retry-after']) > 0);
      assert.match(blocked.body, /Too many attempts/);
      const other = new WebClient(limited.app, '10.9.9.10');
      assert.equal((await other.signIn(ADMIN)).headers.location, '/', 'another address is not limited');
    } finally {
      await limited.close();
    }
  });

  it('rejects a form without the session’s CSRF token', async () => {
    const client = new WebClient(t.app, '10.0.0.6');
    await client.get('/sign-in');
    const missing = await client.post('/sign-in', { email: ADMIN, password: DEMO_PASSWORD });
    assert.equal(missing.statusCode, 403);
    assert.match(missing.body, /could not be sent securely/);
    const wrong = await client.post('/sign-in', { email: ADMIN, password: DEMO_PASSWORD, _csrf: 'x'.repeat(43) });
    assert.equal(wrong.statusCode, 403);
    const noSession = await new WebClient(t.app).post('/sign-in', { email: ADMIN, password: DEMO_PASSWORD, _csrf: 'anything' });
    assert.equal(noSession.statusCode, 403);
  });

  it('ends a session after 30 idle minutes and after 12 hours whatever the activity', async () => {
    const client = new WebClient(t.app, '10.0.0.7');
    await client.signIn('coordinator@demo.harbour.example');
    assert.equal((await client.get('/')).statusCode, 200);
    await sql`update sessions set last_seen_at = now() - interval '31 minutes' where user_id = (select id from users where email = 'coordinator@demo.harbour.example')`.execute(
      t.database.db,
    );
    const idle = await client.get('/');
    assert.equal(idle.statusCode, 303);
    assert.equal(idle.headers.location, '/sign-in?next=%2F');

    await client.signIn('coordinator@demo.harbour.example');
    assert.equal((await client.get('/')).statusCode, 200);
    await sql`update sessions set expires_at = now() - interval '1 second', last_seen_at = now() where user_id = (select id from users where email = 'coordinator@demo.harbour.example')`.execute(
      t.database.db,
    );
    assert.equal((await client.get('/')).statusCode, 303, 'absolute limit');
  });

  it('signs out, and signs out everywhere', async () => {
    const email = 'chair@demo.harbour.example';
    await t.allowCodeReuse(email); // this test signs the same person in three times within a minute
    const laptop = new WebClient(t.app, '10.0.1.1');
    const phone = new WebClient(t.app, '10.0.1.2');
    await laptop.signIn(email);
    await phone.signIn(email);
    const out = await laptop.submit('/', '/sign-out', {});
    assert.equal(out.headers.location, '/signed-out');
    assert.equal((await laptop.get('/')).statusCode, 303);
    assert.equal((await phone.get('/')).statusCode, 200, 'signing out here leaves other sessions');

    await t.allowCodeReuse(email);
    await laptop.signIn(email);
    const everywhere = await phone.submit('/account', '/account/sign-out-everywhere', {});
    assert.equal(everywhere.headers.location, '/signed-out');
    assert.equal((await laptop.get('/')).statusCode, 303);
    assert.equal((await phone.get('/')).statusCode, 303);
    assert.ok((await auditActions(email)).includes('sign-out.everywhere:success'));
  });

  it('keeps a safe "next" page through sign-in and ignores other sites', async () => {
    const client = new WebClient(t.app, '10.0.0.8');
    const redirect = await client.get('/admin/agencies');
    assert.equal(redirect.headers.location, '/sign-in?next=%2Fadmin%2Fagencies');
    const form = await client.get('/sign-in?next=%2Fadmin%2Fagencies');
    assert.match(form.body, /name="next" value="\/admin\/agencies"/);
    const evil = await client.get('/sign-in?next=%2F%2Fevil.example');
    assert.doesNotMatch(evil.body, /name="next"/);
  });
});

describe('analyst MFA exemption', () => {
  it('lets analyst-only users sign in with a password when the partnership allows it, and nobody else', async () => {
    const t = await createTestApp({ HARBOUR_ANALYST_MFA_OPTIONAL: 'true' });
    try {
      await t.database.db
        .updateTable('users')
        .set({ mfa_enrolled_at: null, totp_secret: null })
        .where('email', 'in', ['analyst@demo.harbour.example', 'practitioner@demo.harbour.example'])
        .execute();
      const analyst = await new WebClient(t.app).submit('/sign-in', '/sign-in', { email: 'analyst@demo.harbour.example', password: DEMO_PASSWORD });
      assert.equal(analyst.headers.location, '/');
      const practitioner = await new WebClient(t.app).submit('/sign-in', '/sign-in', { email: 'practitioner@demo.harbour.example', password: DEMO_PASSWORD });
      assert.equal(practitioner.headers.location, '/sign-in/set-up-code');
    } finally {
      await t.close();
    }
  });
});

describe('MFA enrolment', () => {
  it('shows a QR code and secret, keeps the secret across reloads, and signs in once a code is confirmed', async () => {
    const t = await createTestApp();
    try {
      const email = 'practitioner@demo.harbour.example';
      await t.database.db.updateTable('users').set({ mfa_enrolled_at: null, totp_secret: null }).where('email', '=', email).execute();
      const client = new WebClient(t.app);
      const step = await client.submit('/sign-in', '/sign-in', { email, password: DEMO_PASSWORD });
      assert.equal(step.headers.location, '/sign-in/set-up-code');
      const first = await client.get('/sign-in/set-up-code');
      const secret = /id="totp-secret">([A-Z2-7]+)</.exec(first.body)?.[1];
      assert.ok(secret, 'the secret is shown');
      assert.match(first.body, /<svg[^>]*>/, 'with a QR code');
      const again = await client.get('/sign-in/set-up-code');
      assert.match(again.body, new RegExp(`id="totp-secret">${secret}<`));

      const wrong = await client.post('/sign-in/set-up-code', { code: '000000' }, again.body);
      assert.equal(wrong.headers.location, '/sign-in/set-up-code');
      const errorPage = await client.get('/sign-in/set-up-code');
      assert.match(errorSummary(errorPage.body)[0] ?? '', /not correct/);

      const done = await client.post('/sign-in/set-up-code', { code: await unusedCode(secret!) }, errorPage.body);
      assert.equal(done.headers.location, '/');
      const user = await t.database.db.selectFrom('users').select(['mfa_enrolled_at', 'totp_secret']).where('email', '=', email).executeTakeFirstOrThrow();
      assert.ok(user.mfa_enrolled_at);
      assert.equal(user.totp_secret, secret);
      assert.equal((await client.get('/')).statusCode, 200);
      assert.ok(csrfToken((await client.get('/')).body));
    } finally {
      await t.close();
    }
  });
});
