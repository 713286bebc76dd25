import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { seedPeopleDemo } from './person.demo.js';

/** Every field of the person form, as a browser sends it. */
function fullPersonForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    givenName: 'Adaeze',
    familyName: 'Okonkwo-Bright',
    'otherName1-kind': 'known_as',
    'otherName1-given': 'Dazzy',
    'otherName1-family': '',
    'otherName2-kind': 'previous',
    'otherName2-given': 'Adaeze',
    'otherName2-family': 'Brightwell',
    'dateOfBirth-day': '14',
    'dateOfBirth-month': '2',
    'dateOfBirth-year': '1992',
    estimatedAge: '',
    gender: 'woman',
    preferredLanguage: 'Igbo',
    interpreterNeeded: 'yes',
    gpPractice: 'Quayside Medical Centre',
    safeTimes: 'Weekdays 10am to 2pm',
    voicemailAllowed: 'no',
    doNotWriteHome: 'yes',
    codeWord: 'Marmalade',
    sex: 'female',
    genderIdentity: 'yes',
    ethnicity: 'black_african',
    disability: 'yes',
    disabilityTypes: ['mental_health', 'physical'],
    religion: 'christian',
    sexualOrientation: 'prefers_not_to_say',
    pregnancy: 'pregnant',
    maritalStatus: 'separated',
    immigrationStatus: 'leave_to_remain',
    nrpf: 'yes',
    ...overrides,
  };
}

describe('person record', () => {
  let t: TestApp;
  let practitioner: WebClient;
  let rep: WebClient;
  let personId: string;
  const db = () => t.database.db;

  before(async () => {
    t = await createTestApp();
    practitioner = new WebClient(t.app, '10.3.0.1');
    await practitioner.signIn('practitioner@demo.harbour.example');
    rep = new WebClient(t.app, '10.3.0.2');
    await rep.signIn('rep@demo.harbour.example');
  });
  after(() => t.close());

  it('records a person with every field and reads it back', async () => {
    const created = await practitioner.submit('/people/new', '/people', fullPersonForm());
    assert.equal(created.statusCode, 303);
    personId = /^\/people\/([0-9a-f-]{36})$/.exec(String(created.headers.location))?.[1] ?? '';
    assert.ok(personId, 'redirects to the new person');

    const row = await db().selectFrom('people').selectAll().where('id', '=', personId).executeTakeFirstOrThrow();
    const csc = await db().selectFrom('agencies').select('id').where('code', '=', 'CSC').executeTakeFirstOrThrow();
    assert.equal(row.owning_agency_id, csc.id, 'owned by the recorder’s agency');
    assert.equal(row.date_of_birth, '1992-02-14');
    assert.deepEqual(
      [row.ethnicity, row.sex, row.disability, row.nrpf, row.voicemail_allowed, row.do_not_write_home, row.interpreter_needed],
      ['black_african', 'female', 'yes', 'yes', 'no', true, true],
    );
    assert.deepEqual(row.disability_types.sort(), ['mental_health', 'physical']);

    const names = await db()
      .selectFrom('person_names')
      .select(['kind', 'given_name', 'family_name', 'is_primary', 'family_key', 'family_metaphone', 'given_key'])
      .where('person_id', '=', personId)
      .orderBy('kind')
      .execute();
    assert.deepEqual(
      names.map((n) => [n.kind, n.given_name, n.family_name, n.is_primary]),
      [
        ['known_as', 'Dazzy', '', false],
        ['legal', 'Adaeze', 'Okonkwo-Bright', true],
        ['previous', 'Adaeze', 'Brightwell', false],
      ],
    );
    const legal = names.find((n) => n.is_primary)!;
    assert.equal(legal.family_key, 'okonkwobright');
    const { rows } = await sql<{ m: string }>`select dmetaphone('okonkwobright') as m`.execute(db());
    assert.equal(legal.family_metaphone, rows[0]!.m, 'the metaphone is PostgreSQL’s, over the key');

    const page = await practitioner.get(`/people/${personId}`);
    assert.equal(page.statusCode, 200);
    for (const text of [
      'Adaeze Okonkwo-Bright',
      'Dazzy (Known as)',
      'Adaeze Brightwell (Previous name)',
      '14 February 1992',
      'Black, Black British, Black Welsh, Caribbean or African: African',
      'Mental health condition',
      'Separated, but still legally married or in a civil partnership',
      'Other leave to remain, for example a visa',
      'Quayside Medical Centre',
      'OFFICIAL-SENSITIVE',
    ]) {
      assert.ok(page.body.includes(text), `the page shows ${text}`);
    }

    const audit = await db().selectFrom('audit_events').select(['action', 'subject_id', 'outcome']).where('subject_id', '=', personId).orderBy('seq').execute();
    assert.deepEqual(
      audit.map((a) => `${a.action}:${a.outcome}`),
      ['person.create:success', 'person.view:success'],
    );
  });

  it('shows the safe-contact panel first, before anything else about the person', async () => {
    const page = await practitioner.get(`/people/${personId}`);
    const panel = page.body.indexOf('id="safe-contact"');
    assert.ok(panel > 0 && panel < page.body.indexOf('About them'), 'the panel comes before the details');
    const panelHtml = page.body.slice(panel, page.body.indexOf('About them'));
    for (const text of [
      'Weekdays 10am to 2pm',
      'Marmalade',
      'Do not write to their home address',
      'No, do not leave a voicemail',
      'No phone number, email address or address is recorded as safe',
    ]) {
      assert.ok(panelHtml.includes(text), `the panel shows ${text}`);
    }
  });

  it('refuses impossible dates of birth and lists errors in page order', async () => {
    const before = await db()
      .selectFrom('people')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const send = async (fields: Record<string, string | string[]>) => {
      const response = await practitioner.submit('/people/new', '/people', fullPersonForm(fields));
      assert.equal(response.headers.location, '/people/new');
      return errorSummary((await practitioner.get('/people/new')).body);
    };
    const nextYear = String(new Date().getFullYear() + 1);
    assert.deepEqual(
      await send({
        givenName: ' ',
        familyName: '',
        'otherName2-kind': '',
        'dateOfBirth-year': nextYear,
        codeWord: 'x'.repeat(101),
        ethnicity: 'martian',
        nrpf: 'maybe',
      }),
      [
        'Enter the person’s given names or family name',
        'Select what kind of name other name 2 is',
        'Date of birth must be today or in the past',
        'Code word must be 100 characters or fewer',
        'Select the person’s ethnic group',
        'Select whether the person has no recourse to public funds',
      ],
    );
    assert.deepEqual(await send({ 'dateOfBirth-year': '1899' }), ['Date of birth must be the same as or after 1 January 1900']);
    assert.deepEqual(await send({ 'dateOfBirth-day': '31', 'dateOfBirth-month': '2' }), ['Date of birth must be a real date']);
    assert.deepEqual(await send({ 'dateOfBirth-month': '' }), ['Date of birth must include a month']);
    assert.deepEqual(await send({ estimatedAge: '30' }), ['Enter a date of birth or an estimated age, not both']);
    assert.deepEqual(await send({ 'dateOfBirth-day': '', 'dateOfBirth-month': '', 'dateOfBirth-year': '', estimatedAge: 'thirty' }), [
      'Estimated age must be a whole number, like 34',
    ]);
    const page = await practitioner.get('/people/new');
    assert.equal(errorSummary(page.body).length, 0, 'errors are shown once');
    const afterCount = await db()
      .selectFrom('people')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(afterCount.n, before.n, 'nothing was saved');

    const neither = await practitioner.submit(
      '/people/new',
      '/people',
      // The same name as the first test's person: answer the duplicates question as its page would.
      fullPersonForm({ 'dateOfBirth-day': '', 'dateOfBirth-month': '', 'dateOfBirth-year': '', duplicates: 'new' }),
    );
    assert.match(String(neither.headers.location), /^\/people\/[0-9a-f-]{36}$/, 'neither a date of birth nor an age is allowed');
    const estimated = await practitioner.submit('/people/new', '/people', {
      givenName: 'Rukhsana',
      'dateOfBirth-day': '',
      'dateOfBirth-month': '',
      'dateOfBirth-year': '',
      estimatedAge: '45',
    });
    const id = String(estimated.headers.location).split('/').pop()!;
    const row = await db()
      .selectFrom('people')
      .select(['estimated_age', 'estimated_age_on', 'voicemail_allowed'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.estimated_age, 45);
    assert.equal(row.estimated_age_on, new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date()));
    assert.equal(row.voicemail_allowed, 'not_known');
  });

  it('hides a person from other agencies exactly like a missing one, and refuses roles without personal-data access', async () => {
    const hidden = await rep.get(`/people/${personId}`);
    assert.equal(hidden.statusCode, 404);
    const missing = await rep.get('/people/00000000-0000-4000-8000-000000000000');
    assert.equal(missing.statusCode, 404);
    assert.equal(hidden.body.replace(/nonce="[^"]+"|value="[^"]+"/g, ''), missing.body.replace(/nonce="[^"]+"|value="[^"]+"/g, ''), 'the same page');
    assert.equal((await rep.get(`/people/${personId}/edit`)).statusCode, 404);
    assert.doesNotMatch((await rep.get('/people')).body, /Okonkwo-Bright/, 'not in their list');
    const denied = await db()
      .selectFrom('audit_events')
      .select('outcome')
      .where('action', '=', 'person.view')
      .where('subject_id', '=', personId)
      .where('outcome', '=', 'denied')
      .execute();
    assert.equal(denied.length, 1, 'the refused view is audited');

    const analyst = new WebClient(t.app, '10.3.0.3');
    await analyst.signIn('analyst@demo.harbour.example');
    for (const url of ['/people', '/people/new', `/people/${personId}`]) assert.equal((await analyst.get(url)).statusCode, 403, url);
  });

  it('lists the people the viewer may see, newest first', async () => {
    await seedPeopleDemo(db(), t.partnershipId);
    const total = await db()
      .selectFrom('people')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.ok(total.n >= 40, 'the demo adds about forty people');
    const list = await practitioner.get('/people');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Okonkwo-Bright/);
    assert.match(list.body, /Isla McKenzie/, 'a demo person of the same agency');
    assert.doesNotMatch(list.body, /Daniel Price/, 'a police-owned person is not listed');
    assert.ok(list.body.indexOf('Okonkwo-Bright') > list.body.indexOf('Isla McKenzie'), 'newest first');
    const { n } = await db()
      .selectFrom('people as p')
      .innerJoin('agencies as a', 'a.id', 'p.owning_agency_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('a.code', '=', 'CSC')
      .executeTakeFirstOrThrow();
    assert.match(list.body, new RegExp(`${n} people`));
  });
});
