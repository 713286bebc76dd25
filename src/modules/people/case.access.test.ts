import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, DEMO_PASSWORD, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { demoTotpSecret } from '../admin/admin.demo.js';
import { hashPassword } from '../../platform/passwords.js';
import { newPerson, openCase } from './case.test-support.js';

/** Route tests of sharing a case between agencies and of "must not see" lists, on a real database. */
describe('who may see a case', () => {
  let t: TestApp;
  const clients = {} as Record<'practitioner' | 'rep' | 'idva' | 'idva2', WebClient>;
  const ids: Record<string, string> = {};
  let caseId: string;
  let victimId: string;
  let reference: string;

  const db = () => t.database.db;
  /** The <main> of a page without its per-session CSRF tokens, to compare two pages. */
  const main = (html: string) => (/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '').replace(/name="_csrf" value="[^"]*"/g, '');
  const restrict = (client: WebClient, url: string, fields: Record<string, string>) => client.submit(url.replace(/\/restrictions$/, ''), url, fields);
  const lastEvent = (action: string) =>
    db().selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();

  before(async () => {
    t = await createTestApp();
    // The demo's second IDVA (idva2@) tells a named block apart from an agency-wide one.
    for (const [name, ip] of [
      ['practitioner', 1],
      ['rep', 2],
      ['idva', 3],
      ['idva2', 4],
    ] as const) {
      clients[name] = new WebClient(t.app, `10.4.0.${ip}`);
      await clients[name].signIn(`${name}@demo.harbour.example`);
    }
    for (const row of await db().selectFrom('agencies').select(['id', 'code']).execute()) ids[row.code] = row.id;
    for (const row of await db().selectFrom('users').select(['id', 'email']).execute()) ids[row.email.split('@')[0]!] = row.id;
    caseId = await openCase(clients.practitioner, newPerson('Priya', 'Okafor', { dob: '1988-01-20' }));
    victimId = (await db().selectFrom('case_people').select('person_id').where('case_id', '=', caseId).executeTakeFirstOrThrow()).person_id;
    reference = (await db().selectFrom('cases').select('reference').where('id', '=', caseId).executeTakeFirstOrThrow()).reference;
  });
  after(() => t.close());

  it('answers another agency 404, exactly as for a missing case, until the owning agency shares it', async () => {
    const rep = clients.rep;
    const hidden = await rep.get(`/cases/${caseId}`);
    const missing = await rep.get('/cases/00000000-0000-4000-8000-000000000000');
    assert.equal(hidden.statusCode, 404);
    assert.equal(main(hidden.body), main(missing.body), 'a hidden case looks exactly like a missing one');
    assert.doesNotMatch((await rep.get('/cases')).body, new RegExp(reference));
    const csrfPage = (await rep.get('/cases')).body;
    const perpetrator = { ...newPerson('Ash', 'Grey'), relationship: 'partner' };
    assert.equal((await rep.post(`/cases/${caseId}/perpetrators`, perpetrator, csrfPage)).statusCode, 404, 'nor can they add to it');
    const denied = await db()
      .selectFrom('audit_events')
      .select('outcome')
      .where('action', '=', 'case.view')
      .where('subject_id', '=', caseId)
      .where('user_id', '=', ids.rep!)
      .executeTakeFirstOrThrow();
    assert.equal(denied.outcome, 'denied', 'the refused view is audited against the case');

    const practitioner = clients.practitioner;
    await practitioner.submit(`/cases/${caseId}`, `/cases/${caseId}/agencies`, { agencyId: ids.EDUCATION! });
    assert.match(errorSummary((await practitioner.get(`/cases/${caseId}`)).body)[0] ?? '', /information-sharing agreement in force/, 'lapsed agreement');
    const shared = await practitioner.submit(`/cases/${caseId}`, `/cases/${caseId}/agencies`, { agencyId: ids.HOUSING! });
    assert.equal(shared.headers.location, `/cases/${caseId}`);
    const assigned = await lastEvent('case.agency.assign');
    assert.deepEqual([assigned.subject_type, assigned.subject_id, assigned.details], ['case', caseId, { agencyId: ids.HOUSING }]);

    const page = await rep.get(`/cases/${caseId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Priya Okafor/, 'the shared agency sees the case’s people');
    assert.match((await rep.get('/cases')).body, new RegExp(reference));
    assert.doesNotMatch(page.body, /Who must not see this record/, 'only the owning agency sees the list');
    assert.equal((await rep.post(`/cases/${caseId}/agencies`, { agencyId: ids.POLICE! }, page.body)).statusCode, 403, 'only the owner shares');
    const attempt = { blockedAgencyId: ids.CSC!, reason: 'Locking the owner out' };
    assert.equal((await rep.post(`/cases/${caseId}/restrictions`, attempt, page.body)).statusCode, 403);
  });

  it('hides the case from a user on its "must not see" list, but not from their colleagues', async () => {
    const { practitioner, idva, idva2 } = clients;
    await practitioner.submit(`/cases/${caseId}`, `/cases/${caseId}/agencies`, { agencyId: ids.IDVA! });
    assert.equal((await idva.get(`/cases/${caseId}`)).statusCode, 200);
    const added = await restrict(practitioner, `/cases/${caseId}/restrictions`, {
      blockedEmail: 'IDVA@demo.harbour.example',
      reason: 'Ruth is the victim’s cousin',
    });
    assert.equal(added.headers.location, `/cases/${caseId}`);
    assert.equal((await idva.get(`/cases/${caseId}`)).statusCode, 404);
    assert.doesNotMatch((await idva.get('/cases')).body, new RegExp(reference));
    const colleague = await idva2.get(`/cases/${caseId}`);
    assert.equal(colleague.statusCode, 200, 'a colleague in the same agency still sees it');
    assert.match((await idva2.get('/cases')).body, new RegExp(reference));
    assert.doesNotMatch(colleague.body, /must not see” list/, 'nor does the timeline show the list to other agencies');

    const owner = await practitioner.get(`/cases/${caseId}`);
    assert.match(owner.body, /Ruth Okonkwo \(idva@demo.harbour.example\), Safer Futures IDVA Service/);
    assert.match(owner.body, /Ruth is the victim’s cousin/);
    assert.match(owner.body, /Added to the “must not see” list: Ruth Okonkwo/);
    const event = await lastEvent('restriction.add');
    const restriction = await db().selectFrom('restrictions').selectAll().where('subject_id', '=', caseId).executeTakeFirstOrThrow();
    assert.deepEqual([event.subject_type, event.subject_id, event.outcome], ['case', caseId, 'success']);
    assert.deepEqual(event.details, { restrictionId: restriction.id, blockedUserId: ids.idva, blockedAgencyId: null });

    const removed = await practitioner.post(`/cases/${caseId}/restrictions/${restriction.id}/remove`, {}, owner.body);
    assert.equal(removed.headers.location, `/cases/${caseId}`);
    assert.equal((await idva.get(`/cases/${caseId}`)).statusCode, 200);
    const after = await db().selectFrom('restrictions').selectAll().where('id', '=', restriction.id).executeTakeFirstOrThrow();
    assert.ok(after.removed_at);
    assert.equal(after.removed_by, ids.practitioner);
    assert.deepEqual((await lastEvent('restriction.remove')).details, { restrictionId: restriction.id });
    assert.match((await practitioner.get(`/cases/${caseId}?type=restrictions`)).body, /Removed from the “must not see” list: Ruth Okonkwo/);
  });

  it('blocks everyone at an agency named on the list', async () => {
    const { practitioner, idva, idva2 } = clients;
    await restrict(practitioner, `/cases/${caseId}/restrictions`, { blockedAgencyId: ids.IDVA!, reason: 'Conflict of interest' });
    assert.equal((await idva.get(`/cases/${caseId}`)).statusCode, 404);
    assert.equal((await idva2.get(`/cases/${caseId}`)).statusCode, 404);
    assert.match((await practitioner.get(`/cases/${caseId}`)).body, /Everyone at Safer Futures IDVA Service/);
  });

  it('lets nobody lock themselves or their own agency out, and needs a reason', async () => {
    const practitioner = clients.practitioner;
    const before = await db().selectFrom('restrictions').select('id').execute();
    const url = `/cases/${caseId}/restrictions`;
    const errorsFor = async (fields: Record<string, string>) => {
      await restrict(practitioner, url, fields);
      return errorSummary((await practitioner.get(`/cases/${caseId}`)).body);
    };
    assert.deepEqual(await errorsFor({ blockedEmail: 'practitioner@demo.harbour.example', reason: 'Testing' }), [
      'You cannot add yourself to the list: you would lose access to this record',
    ]);
    assert.deepEqual(await errorsFor({ blockedAgencyId: ids.CSC!, reason: 'Testing' }), [
      'You cannot add your own agency: everyone in it, including you, would lose access to this record. Name the people instead.',
    ]);
    assert.deepEqual(await errorsFor({ blockedEmail: 'rep@demo.harbour.example', reason: '  ' }), ['Enter why they must not see this record']);
    assert.deepEqual(await errorsFor({ reason: '' }), [
      'Enter the email address of the person who must not see this record, or select an agency',
      'Enter why they must not see this record',
    ]);
    assert.deepEqual(await errorsFor({ blockedEmail: 'nobody@example.org', reason: 'Testing' }), ['No Harbour user has this email address']);
    assert.deepEqual(await errorsFor({ blockedEmail: 'rep@demo.harbour.example', blockedAgencyId: ids.POLICE!, reason: 'Testing' }), [
      'Enter an email address or select an agency, not both',
    ]);
    assert.deepEqual(await db().selectFrom('restrictions').select('id').execute(), before);
    assert.equal((await lastEvent('restriction.add')).outcome, 'failure', 'refused attempts are audited');
    assert.equal((await practitioner.get(`/cases/${caseId}`)).statusCode, 200);
  });

  it('keeps a person’s own list, which only the agency that recorded them sees and changes', async () => {
    const { practitioner, rep } = clients;
    const url = `/people/${victimId}/restrictions`;
    const theirs = await rep.get(url);
    assert.equal(theirs.statusCode, 200);
    assert.match(theirs.body, /Only staff of the agency that recorded this person/);
    assert.doesNotMatch(theirs.body, /name="reason"/);

    const added = await practitioner.submit(url, url, { blockedEmail: 'rep@demo.harbour.example', reason: 'Neighbour of the victim' });
    assert.equal(added.headers.location, url);
    assert.match((await practitioner.get(url)).body, /Neighbour of the victim/);
    const event = await lastEvent('restriction.add');
    assert.deepEqual([event.subject_type, event.subject_id, event.outcome], ['person', victimId, 'success']);

    assert.equal((await rep.get(url)).statusCode, 404);
    const casePage = await rep.get(`/cases/${caseId}`);
    assert.equal(casePage.statusCode, 200, 'the case is still shared with their agency');
    assert.doesNotMatch(casePage.body, /Priya|Okafor/, 'but the person is not shown');
    assert.match(casePage.body, /The victim is not shown to you/);
    assert.doesNotMatch((await rep.get('/cases')).body, /Priya/);
  });
});
