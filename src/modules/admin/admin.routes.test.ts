import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';

const ADMIN = 'admin@demo.harbour.example';

describe('admin pages', () => {
  let t: TestApp;
  let admin: WebClient;
  before(async () => {
    t = await createTestApp();
    admin = new WebClient(t.app, '10.1.0.1');
    await admin.signIn(ADMIN);
  });
  after(() => t.close());

  const count = async (table: 'agencies' | 'users' | 'invitations') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('is open to admins only; other roles are told they cannot', async () => {
    const practitioner = new WebClient(t.app, '10.1.0.2');
    await practitioner.signIn('practitioner@demo.harbour.example');
    for (const url of ['/admin/agencies', '/admin/users', '/admin/audit', '/admin/agencies/new']) {
      const response = await practitioner.get(url);
      assert.equal(response.statusCode, 403, url);
      assert.match(response.body, /You cannot do this/);
    }
    const denied = await t.database.db.selectFrom('audit_events').select(['action', 'outcome']).where('outcome', '=', 'denied').execute();
    assert.ok(
      denied.some((e) => e.action === 'user.list'),
      'a denied view of personal data is audited',
    );
    const home = await practitioner.get('/');
    assert.doesNotMatch(home.body, /href="\/admin\/agencies"/, 'the navigation does not offer what the role cannot use');
  });

  it('lets an auditor read the audit log and nothing else', async () => {
    const auditor = new WebClient(t.app, '10.1.0.3');
    await auditor.signIn('auditor@demo.harbour.example');
    const log = await auditor.get('/admin/audit');
    assert.equal(log.statusCode, 200);
    assert.match(log.body, /sign-in.mfa/);
    assert.match(log.body, /OFFICIAL-SENSITIVE/);
    assert.equal((await auditor.get('/admin/agencies')).statusCode, 403);
    assert.equal((await auditor.get('/admin/users')).statusCode, 403);
  });

  it('lists agencies with the state of their information-sharing agreements', async () => {
    const page = await admin.get('/admin/agencies');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Harbourshire Police/);
    assert.match(page.body, /Expired/, 'education’s agreement has lapsed');
    assert.match(page.body, /Expires in 45 days/, 'housing’s is about to');
    assert.match(page.body, /Not signed/);
  });

  it('adds an agency, normalising its code', async () => {
    const response = await admin.submit('/admin/agencies/new', '/admin/agencies', {
      name: 'Women’s Aid Outreach',
      code: 'outreach',
      type: 'specialist_da_service',
      areaId: '',
      'isaSigned-day': '1',
      'isaSigned-month': '4',
      'isaSigned-year': '2025',
      'isaExpires-day': '',
      'isaExpires-month': '',
      'isaExpires-year': '',
    });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/admin/agencies');
    const row = await t.database.db.selectFrom('agencies').selectAll().where('code', '=', 'OUTREACH').executeTakeFirstOrThrow();
    assert.equal(row.name, 'Women’s Aid Outreach');
    assert.equal(row.isa_signed_on, '2025-04-01');
    assert.equal(row.isa_expires_on, null);
    const list = await admin.get('/admin/agencies');
    assert.match(list.body, /Agency Women’s Aid Outreach added/);
    const audit = await t.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'agency.create').executeTakeFirstOrThrow();
    assert.equal(audit.subject_id, row.id);
    assert.equal(audit.outcome, 'success');
  });

  it('shows every problem with an agency form at once and saves nothing', async () => {
    const before = await count('agencies');
    const response = await admin.submit('/admin/agencies/new', '/admin/agencies', {
      name: '',
      code: '1bad code',
      type: 'spaceship',
      'isaSigned-day': '31',
      'isaSigned-month': '2',
      'isaSigned-year': '2025',
      'isaExpires-day': '1',
      'isaExpires-month': '',
      'isaExpires-year': '2026',
    });
    assert.equal(response.headers.location, '/admin/agencies/new');
    const page = await admin.get('/admin/agencies/new');
    assert.deepEqual(errorSummary(page.body), [
      'Enter the agency name',
      'Code must be 2 to 20 capital letters, numbers or underscores, starting with a letter',
      'Select the type of agency',
      'Date the information-sharing agreement was signed must be a real date',
      'Date the information-sharing agreement expires must include a day, month and year',
    ]);
    assert.match(page.body, /value="1bad code"/, 'what was typed is kept');
    assert.equal(await count('agencies'), before);
    const failure = await t.database.db
      .selectFrom('audit_events')
      .select(['outcome', 'details'])
      .where('action', '=', 'agency.create')
      .where('outcome', '=', 'failure')
      .executeTakeFirst();
    assert.ok(failure, 'the failed attempt is audited');
  });

  it('refuses a duplicate code with a clear message', async () => {
    const response = await admin.submit('/admin/agencies/new', '/admin/agencies', { name: 'Another police', code: 'POLICE', type: 'police' });
    assert.equal(response.headers.location, '/admin/agencies/new');
    const page = await admin.get('/admin/agencies/new');
    assert.deepEqual(errorSummary(page.body), ['An agency with the code POLICE already exists']);
  });

  it('never silently overwrites a concurrent edit', async () => {
    const agency = await t.database.db.selectFrom('agencies').selectAll().where('code', '=', 'REFUGE').executeTakeFirstOrThrow();
    const editUrl = `/admin/agencies/${agency.id}/edit`;
    const mine = await admin.get(editUrl);
    const other = new WebClient(t.app, '10.1.0.9');
    await t.allowCodeReuse(ADMIN);
    await other.signIn(ADMIN);
    const fields = { code: 'REFUGE', type: 'refuge', areaId: agency.area_id ?? '', 'isaSigned-day': '1', 'isaSigned-month': '1', 'isaSigned-year': '2025' };
    const theirs = await other.submit(editUrl, `/admin/agencies/${agency.id}`, {
      ...fields,
      name: 'Lighthouse Refuge (renamed by colleague)',
      version: String(agency.version),
    });
    assert.equal(theirs.headers.location, '/admin/agencies');

    const stale = await admin.post(
      `/admin/agencies/${agency.id}`,
      { ...fields, name: 'Lighthouse Refuge (my edit)', version: String(agency.version) },
      mine.body,
    );
    assert.equal(stale.headers.location, editUrl);
    const page = await admin.get(editUrl);
    assert.match(errorSummary(page.body)[0] ?? '', /Someone else changed this record/);
    assert.match(page.body, /renamed by colleague/, 'the form now shows the record as it is');
    const row = await t.database.db.selectFrom('agencies').select(['name', 'version']).where('id', '=', agency.id).executeTakeFirstOrThrow();
    assert.equal(row.name, 'Lighthouse Refuge (renamed by colleague)');
    assert.equal(row.version, agency.version + 1);
  });

  it('answers 404 for an agency that does not exist or is not a uuid', async () => {
    assert.equal((await admin.get('/admin/agencies/00000000-0000-4000-8000-000000000000/edit')).statusCode, 404);
    assert.equal((await admin.get('/admin/agencies/not-a-uuid/edit')).statusCode, 400);
  });

  it('creates a user with an invitation the person uses once to set a password', async () => {
    const agencies = await t.database.db.selectFrom('agencies').select(['id', 'code']).execute();
    const idva = agencies.find((a) => a.code === 'IDVA')!;
    const created = await admin.submit('/admin/users/new', '/admin/users', {
      displayName: 'Sam Whitlock',
      email: 'Sam.Whitlock@Example.org',
      agencyId: idva.id,
      roles: ['idva', 'agency_rep'],
    });
    assert.equal(created.statusCode, 303);
    const userPage = await admin.get(String(created.headers.location));
    const link = /id="invitation-link">([^<]+)</.exec(userPage.body)?.[1];
    assert.ok(link, 'the link is shown because e-mail is not configured');
    assert.doesNotMatch((await admin.get(String(created.headers.location))).body, /id="invitation-link"/, 'only once');
    const user = await t.database.db.selectFrom('users').selectAll().where('email', '=', 'sam.whitlock@example.org').executeTakeFirstOrThrow();
    assert.deepEqual(user.roles, ['idva', 'agency_rep']);
    assert.equal(user.password_hash, null);

    const path = new URL(link!).pathname;
    const invitee = new WebClient(t.app, '10.1.0.4');
    const weak = await invitee.submit(path, path, { password: 'password1234', confirmPassword: 'password1234' });
    assert.equal(weak.headers.location, path);
    assert.match(errorSummary((await invitee.get(path)).body)[0] ?? '', /too common/);
    const mismatch = await invitee.submit(path, path, { password: 'violet kettle orbit', confirmPassword: 'violet kettle orbiT' });
    assert.equal(mismatch.headers.location, path);
    assert.deepEqual(errorSummary((await invitee.get(path)).body), ['Passwords must match']);
    const accepted = await invitee.submit(path, path, { password: 'violet kettle orbit', confirmPassword: 'violet kettle orbit' });
    assert.equal(accepted.headers.location, '/sign-in');
    assert.equal((await invitee.get(path)).statusCode, 404, 'the link works once');

    const signIn = await invitee.submit('/sign-in', '/sign-in', { email: 'sam.whitlock@example.org', password: 'violet kettle orbit' });
    assert.equal(signIn.headers.location, '/sign-in/set-up-code', 'MFA enrolment comes next');
  });

  it('refuses a duplicate email and an unknown role', async () => {
    const police = await t.database.db.selectFrom('agencies').select('id').where('code', '=', 'POLICE').executeTakeFirstOrThrow();
    const before = await count('users');
    await admin.submit('/admin/users/new', '/admin/users', { displayName: 'Dup', email: 'IDVA@demo.harbour.example', agencyId: police.id, roles: 'idva' });
    assert.deepEqual(errorSummary((await admin.get('/admin/users/new')).body), ['A user with this email address already exists']);
    await admin.submit('/admin/users/new', '/admin/users', { displayName: 'Role', email: 'role@example.org', agencyId: police.id, roles: 'superuser' });
    assert.deepEqual(errorSummary((await admin.get('/admin/users/new')).body), ['Select a valid role']);
    await admin.submit('/admin/users/new', '/admin/users', { displayName: 'No role', email: 'norole@example.org', agencyId: police.id });
    assert.deepEqual(errorSummary((await admin.get('/admin/users/new')).body), ['Select at least one role']);
    assert.equal(await count('users'), before);
  });

  it('deactivates a user, ending their sessions at once, and resets an authenticator', async () => {
    const email = 'idva@demo.harbour.example';
    const idva = new WebClient(t.app, '10.1.0.5');
    await idva.signIn(email);
    assert.equal((await idva.get('/')).statusCode, 200);
    const user = await t.database.db.selectFrom('users').select(['id', 'version']).where('email', '=', email).executeTakeFirstOrThrow();
    const url = `/admin/users/${user.id}`;

    const reset = await admin.submit(url, `${url}/reset-mfa`, { version: String(user.version) });
    assert.equal(reset.headers.location, url);
    assert.equal((await idva.get('/')).statusCode, 303, 'resetting MFA signs them out');
    const afterReset = await t.database.db
      .selectFrom('users')
      .select(['totp_secret', 'mfa_enrolled_at', 'version'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.equal(afterReset.totp_secret, null);
    const next = await new WebClient(t.app, '10.1.0.6').submit('/sign-in', '/sign-in', { email, password: 'harbour-demo-2026' });
    assert.equal(next.headers.location, '/sign-in/set-up-code');

    const stale = await admin.submit(url, `${url}/deactivate`, { version: String(user.version) });
    assert.equal(stale.headers.location, url);
    assert.match(errorSummary((await admin.get(url)).body)[0] ?? '', /Someone else changed/);
    await admin.submit(url, `${url}/deactivate`, { version: String(afterReset.version) });
    const gone = await new WebClient(t.app, '10.1.0.7').submit('/sign-in', '/sign-in', { email, password: 'harbour-demo-2026' });
    assert.equal(gone.headers.location, '/sign-in', 'a deactivated user cannot sign in');
    const actions = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'outcome'])
      .where('subject_id', '=', user.id)
      .where('action', 'in', ['user.mfa-reset', 'user.deactivate'])
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      actions.map((a) => `${a.action}:${a.outcome}`),
      ['user.mfa-reset:success', 'user.deactivate:failure', 'user.deactivate:success'],
      'the refused stale change is audited too',
    );
  });

  it('changes a user’s name, agency and roles, taking effect on their next page', async () => {
    const email = 'analyst@demo.harbour.example';
    const analyst = new WebClient(t.app, '10.1.0.8');
    await analyst.signIn(email);
    assert.equal((await analyst.get('/admin/agencies')).statusCode, 403);
    const user = await t.database.db.selectFrom('users').select(['id', 'version', 'agency_id']).where('email', '=', email).executeTakeFirstOrThrow();
    const url = `/admin/users/${user.id}`;
    const saved = await admin.submit(`${url}/edit`, url, {
      displayName: 'Imogen Platt-Hughes',
      agencyId: user.agency_id,
      roles: ['analyst', 'admin'],
      version: String(user.version),
    });
    assert.equal(saved.headers.location, url);
    assert.match((await admin.get(url)).body, /Imogen Platt-Hughes updated/);
    assert.equal((await analyst.get('/admin/agencies')).statusCode, 200, 'the new role applies without signing in again');
    const audit = await t.database.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'user.update')
      .where('subject_id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual((audit.details as { before: { roles: string[] } }).before.roles, ['analyst']);

    const stale = await admin.submit(`${url}/edit`, url, { displayName: 'Stale', agencyId: user.agency_id, roles: 'analyst', version: String(user.version) });
    assert.equal(stale.headers.location, `${url}/edit`);
    const row = await t.database.db.selectFrom('users').select(['display_name', 'roles']).where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.equal(row.display_name, 'Imogen Platt-Hughes');
    assert.deepEqual(row.roles, ['analyst', 'admin']);
  });

  it('does not let an admin deactivate themselves', async () => {
    const me = await t.database.db.selectFrom('users').select(['id', 'version']).where('email', '=', ADMIN).executeTakeFirstOrThrow();
    const url = `/admin/users/${me.id}`;
    const page = await admin.get(url);
    assert.match(page.body, /This is your own account/);
    await admin.post(`${url}/deactivate`, { version: String(me.version) }, page.body);
    const row = await t.database.db.selectFrom('users').select('active').where('id', '=', me.id).executeTakeFirstOrThrow();
    assert.equal(row.active, true);
  });

  it('filters the audit log and pages through it', async () => {
    const page = await admin.get('/admin/audit?action=agency.');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /agency.create/);
    assert.doesNotMatch(page.body, /<code>sign-in.password<\/code>/);
    const byUser = await admin.get('/admin/audit?user=practitioner%40demo.harbour.example');
    assert.match(byUser.body, /sign-in.password/);
  });
});
