import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { newPerson, openCase } from './case.test-support.js';

const PRACTITIONER = 'practitioner@demo.harbour.example'; // Children's Social Care (CSC)

describe('cases', () => {
  let t: TestApp;
  let practitioner: WebClient;
  let caseId: string;
  let victimId: string;
  let perpetratorId: string;

  const db = () => t.database.db;
  const peopleOn = (id: string) =>
    db().selectFrom('case_people').select(['person_id', 'role', 'relationship', 'lives_with']).where('case_id', '=', id).orderBy('added_at').execute();
  const count = async (table: 'people' | 'cases' | 'restrictions') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  before(async () => {
    t = await createTestApp();
    practitioner = new WebClient(t.app, '10.3.0.1');
    await practitioner.signIn(PRACTITIONER);
  });
  after(() => t.close());

  it('opens a case for a new victim, then adds a perpetrator and two children', async () => {
    caseId = await openCase(practitioner, { ...newPerson('Amira', 'Castell-Núñez', { dob: '1990-04-12' }), flags: ['stalking', 'pregnancy'] });
    const row = await db().selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
    assert.match(row.reference, /^HBR-2025-\d{6}$/);
    assert.deepEqual(row.flags, ['stalking', 'pregnancy']);
    assert.equal(row.opened_on, '2025-06-01');
    const csc = await db().selectFrom('agencies').select('id').where('code', '=', 'CSC').executeTakeFirstOrThrow();
    assert.equal(row.owning_agency_id, csc.id, 'the case belongs to the practitioner’s agency');
    victimId = (await peopleOn(caseId))[0]!.person_id;
    const name = await db().selectFrom('person_names').selectAll().where('person_id', '=', victimId).executeTakeFirstOrThrow();
    assert.equal(name.family_key, 'castellnunez');
    assert.ok(name.family_metaphone.length > 0 && name.is_primary);

    const base = `/cases/${caseId}`;
    let response = await practitioner.submit(`${base}/perpetrators/new`, `${base}/perpetrators`, {
      ...newPerson('Dorian', 'Blake', { estimatedAge: 38 }),
      relationship: 'ex_partner',
    });
    assert.equal(response.headers.location, base);
    perpetratorId = (await peopleOn(caseId))[1]!.person_id;
    response = await practitioner.submit(`${base}/children/new`, `${base}/children`, {
      ...newPerson('Leo', 'Castell', { dob: '2018-02-03' }),
      [`relationship-${victimId}`]: 'child',
      [`relationship-${perpetratorId}`]: 'child',
      livesWith: 'victim',
    });
    assert.equal(response.headers.location, base);
    response = await practitioner.submit(`${base}/children/new`, `${base}/children`, {
      ...newPerson('Maya', 'Castell', { estimatedAge: 15 }),
      [`relationship-${victimId}`]: 'child',
      [`relationship-${perpetratorId}`]: 'stepchild',
      livesWith: 'both',
    });
    assert.equal(response.headers.location, base);

    const people = await peopleOn(caseId);
    assert.deepEqual(
      people.map((p) => p.role),
      ['victim', 'perpetrator', 'child', 'child'],
    );
    assert.equal(people[1]!.relationship, 'ex_partner');
    assert.deepEqual(JSON.parse(people[3]!.relationship!), { [victimId]: 'child', [perpetratorId]: 'stepchild' });
    assert.equal(people[3]!.lives_with, 'both');

    const page = await practitioner.get(base);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(row.reference));
    assert.match(page.body, /OFFICIAL-SENSITIVE/);
    for (const text of [
      'Amira Castell-Núñez',
      'Dorian Blake',
      'Ex-partner',
      'Leo Castell',
      'Maya Castell',
      'Dorian Blake: Stepchild',
      'With both',
      'Stalking',
    ]) {
      assert.ok(page.body.includes(text), `the case page shows ${text}`);
    }
    assert.match(page.body, /Perpetrator added: Dorian Blake/, 'the timeline records people added');

    const events = await db()
      .selectFrom('audit_events')
      .select(['action', 'subject_type', 'subject_id', 'outcome'])
      .where('subject_id', 'in', [caseId, victimId])
      .orderBy('seq')
      .execute();
    const actions = events.map((e) => `${e.action}:${e.subject_type}:${e.outcome}`);
    for (const expected of ['person.create:person:success', 'case.create:case:success', 'case.person.add:case:success', 'case.view:case:success']) {
      assert.ok(actions.includes(expected), `audited ${expected}`);
    }
  });

  it('shows every problem with a form at once and saves nothing', async () => {
    const before = await count('people');
    const base = `/cases/${caseId}`;
    const response = await practitioner.submit(`${base}/children/new`, `${base}/children`, { givenName: '', familyName: '' });
    assert.equal(response.headers.location, `${base}/children/new`);
    assert.deepEqual(errorSummary((await practitioner.get(`${base}/children/new`)).body), [
      'Enter their first name',
      'Enter their last name',
      'Enter their date of birth, or an estimated age if you do not know it',
      'Select where the child lives',
    ]);
    await practitioner.submit('/cases/new', '/cases', { ...newPerson('Zed', 'Quill'), 'openedOn-day': '31', 'openedOn-month': '2', 'openedOn-year': '2025' });
    assert.deepEqual(errorSummary((await practitioner.get('/cases/new')).body), [
      'Enter their date of birth, or an estimated age if you do not know it',
      'Date the case was opened must be a real date',
    ]);
    await practitioner.submit(`${base}/perpetrators/new`, `${base}/perpetrators`, { personId: victimId, givenName: 'Also', relationship: 'partner' });
    assert.deepEqual(errorSummary((await practitioner.get(`${base}/perpetrators/new`)).body), ['Enter a Harbour ID or a new person’s details, not both']);
    assert.equal(await count('people'), before);
  });

  it('refuses a child who was 18 or over when the case was opened, with a clear message', async () => {
    const before = await count('people');
    const base = `/cases/${caseId}`;
    const tooOld = await practitioner.submit(`${base}/children/new`, `${base}/children`, {
      ...newPerson('Sam', 'Castell', { dob: '2007-05-31' }),
      livesWith: 'victim',
    });
    assert.equal(tooOld.headers.location, `${base}/children/new`);
    const page = await practitioner.get(`${base}/children/new`);
    assert.deepEqual(errorSummary(page.body), [
      'A child must be under 18 on the date the case was opened (1 June 2025). Add someone 18 or over as a household member.',
    ]);
    assert.match(page.body, /value="Sam"/, 'what was typed is kept');
    await practitioner.submit(`${base}/children/new`, `${base}/children`, { personId: victimId, livesWith: 'victim' });
    assert.match(errorSummary((await practitioner.get(`${base}/children/new`)).body)[0] ?? '', /A child must be under 18/);
    assert.equal(await count('people'), before, 'the refused child was not recorded');

    const justUnder = await practitioner.submit(`${base}/children/new`, `${base}/children`, {
      ...newPerson('Ava', 'Castell', { dob: '2007-06-02' }),
      livesWith: 'elsewhere',
    });
    assert.equal(justUnder.headers.location, base, 'a child who turned 18 after the case was opened is still a child on it');
  });

  it('puts one perpetrator on two victims’ cases, but only once on each', async () => {
    const second = await openCase(practitioner, newPerson('Bella', 'Ferrante', { dob: '1995-09-30' }));
    const base = `/cases/${second}`;
    const added = await practitioner.submit(`${base}/perpetrators/new?person=${perpetratorId}`, `${base}/perpetrators`, {
      personId: perpetratorId,
      relationship: 'partner',
    });
    assert.equal(added.headers.location, base);
    const cases = await db().selectFrom('case_people').select(['case_id', 'relationship']).where('person_id', '=', perpetratorId).execute();
    assert.deepEqual(cases.map((c) => c.case_id).sort(), [caseId, second].sort());
    assert.match((await practitioner.get(base)).body, /Dorian Blake/);

    await practitioner.submit(`${base}/perpetrators/new`, `${base}/perpetrators`, { personId: perpetratorId, relationship: 'partner' });
    assert.deepEqual(errorSummary((await practitioner.get(`${base}/perpetrators/new`)).body), ['This person is already on this case']);
    await practitioner.submit(`${base}/perpetrators/new`, `${base}/perpetrators`, {
      personId: '00000000-0000-4000-8000-000000000000',
      relationship: 'partner',
    });
    assert.match(errorSummary((await practitioner.get(`${base}/perpetrators/new`)).body)[0] ?? '', /No person you may see has this Harbour ID/);
  });

  it('refuses a stale edit, keeps the earlier row in history and shows the change on the timeline', async () => {
    const row = await db().selectFrom('cases').select(['version', 'flags']).where('id', '=', caseId).executeTakeFirstOrThrow();
    const edit = `/cases/${caseId}/edit`;
    const mine = await practitioner.get(edit);
    const saved = await practitioner.post(
      `/cases/${caseId}`,
      { status: 'closed', 'closedOn-day': '3', 'closedOn-month': '11', 'closedOn-year': '2025', flags: ['stalking', 'fgm'], version: String(row.version) },
      mine.body,
    );
    assert.equal(saved.headers.location, `/cases/${caseId}`);
    const stale = await practitioner.post(`/cases/${caseId}`, { status: 'open', flags: [], version: String(row.version) }, mine.body);
    assert.equal(stale.headers.location, edit);
    const form = await practitioner.get(edit);
    assert.match(errorSummary(form.body)[0] ?? '', /Someone else changed this record/);
    assert.match(form.body, /value="fgm" checked/, 'the form shows the case as it now is');
    const now = await db().selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
    assert.equal(now.status, 'closed');
    assert.equal(now.closed_on, '2025-11-03');
    assert.deepEqual(now.flags, ['stalking', 'fgm']);
    assert.equal(now.version, row.version + 1);
    const history = await db().selectFrom('record_history').selectAll().where('record_id', '=', caseId).execute();
    assert.equal(history.length, 1);
    assert.equal((history[0]!.old_row as { status: string }).status, 'open');
    assert.ok(history[0]!.changed_by, 'history names who changed it');

    const page = await practitioner.get(`/cases/${caseId}`);
    assert.match(page.body, /Case closed on 3 November 2025/);
    assert.match(page.body, /Flags added: Female genital mutilation \(FGM\)/);
    assert.match(page.body, /Flags removed: Pregnancy/);
    const peopleOnly = await practitioner.get(`/cases/${caseId}?type=people`);
    assert.match(peopleOnly.body, /Child added: Leo Castell/);
    assert.doesNotMatch(peopleOnly.body, /Flags added/);

    await practitioner.post(
      `/cases/${caseId}`,
      { status: 'closed', 'closedOn-day': '1', 'closedOn-month': '1', 'closedOn-year': '2025', version: String(now.version) },
      mine.body,
    );
    assert.deepEqual(errorSummary((await practitioner.get(edit)).body), ['Date the case was closed must be on or after the date it was opened (1 June 2025)']);
  });

  it('lists visible cases with a status filter', async () => {
    const list = await practitioner.get('/cases');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Amira Castell-Núñez/);
    assert.match(list.body, /Bella Ferrante/);
    const open = await practitioner.get('/cases?status=open');
    assert.doesNotMatch(open.body, /Amira Castell-Núñez/, 'the closed case is filtered out');
    assert.match(open.body, /Bella Ferrante/);
  });

  it('is closed to roles without personal-data access', async () => {
    const analyst = new WebClient(t.app, '10.3.0.9');
    await analyst.signIn('analyst@demo.harbour.example');
    for (const url of ['/cases', '/cases/new', `/cases/${caseId}`, `/people/${victimId}/restrictions`]) {
      assert.equal((await analyst.get(url)).statusCode, 403, url);
    }
  });
});
