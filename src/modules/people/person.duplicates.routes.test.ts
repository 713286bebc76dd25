import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { insertPerson } from '../../../test/support/people.js';
import { asForm, hiddenFields } from './person.test-support.js';

/** Someone very like a person already on Harbour, with enough typed to show nothing is lost on the way. */
const SIMILAR = {
  givenName: 'Shivaun',
  familyName: 'Galagher',
  'otherName1-kind': 'known_as',
  'otherName1-given': 'Shiv',
  'otherName1-family': 'O’Neill & Sons',
  'dateOfBirth-day': '15',
  'dateOfBirth-month': '2',
  'dateOfBirth-year': '1990',
  safeTimes: 'After 6pm, "never" weekends',
  voicemailAllowed: 'no',
  disability: 'yes',
  disabilityTypes: ['physical', 'sensory'],
};

describe('possible duplicates when recording a person', () => {
  let t: TestApp;
  let practitioner: WebClient;
  let existingId: string;
  const db = () => t.database.db;
  const peopleCount = async () =>
    (
      await db()
        .selectFrom('people')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
  const auditSince = async (seq: number) =>
    db().selectFrom('audit_events').select(['seq', 'action', 'outcome', 'subject_id', 'details']).where('seq', '>', seq).orderBy('seq').execute();
  const lastSeq = async () => Number((await db().selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()).seq);

  before(async () => {
    t = await createTestApp();
    practitioner = new WebClient(t.app, '10.7.0.1');
    await practitioner.signIn('practitioner@demo.harbour.example');
    existingId = await insertPerson(db(), t.partnershipId, { agency: 'CSC', given: 'Siobhan', family: 'Gallagher', dob: '1990-02-14' });
    // Recorded by the police and on no case the practitioner's agency has: not theirs to see, or to be told of.
    await insertPerson(db(), t.partnershipId, { agency: 'POLICE', given: 'Marek', family: 'Kowalczyk', dob: '1985-05-05' });
  });
  after(() => t.close());

  it('asks "Is this person already on Harbour?" first, listing the likely records, and records nothing yet', async () => {
    const [count, seq] = [await peopleCount(), await lastSeq()];
    const page = await practitioner.submit('/people/new', '/people', SIMILAR);
    assert.equal(page.statusCode, 200);
    for (const text of [
      'Is this person already on Harbour?',
      'Siobhan Gallagher',
      '14 February 1990 (age',
      'Children’s Social Care',
      'Similar name and date of birth',
      `href="/people/${existingId}"`,
      'No, record a new person',
      'OFFICIAL-SENSITIVE',
    ]) {
      assert.ok(page.body.includes(text), `the page shows ${text}`);
    }
    assert.equal(await peopleCount(), count, 'nothing is recorded yet');
    const fields = hiddenFields(page.body, '/people');
    assert.ok(
      fields.some(([name]) => name === '_csrf'),
      'the form carries its CSRF token',
    );
    assert.deepEqual(
      fields.filter(([name]) => ['otherName1-family', 'safeTimes', 'disabilityTypes'].includes(name)),
      [
        ['otherName1-family', 'O’Neill & Sons'],
        ['safeTimes', 'After 6pm, "never" weekends'],
        ['disabilityTypes', 'physical'],
        ['disabilityTypes', 'sensory'],
      ],
      'what was typed is carried, exactly',
    );
    const audit = await auditSince(seq);
    assert.deepEqual(
      audit.map((a) => `${a.action}:${a.outcome}`),
      ['person.duplicates.shown:success'],
    );
    assert.deepEqual(audit[0]!.details, { candidates: 1, reasons: { 'similar name and date of birth': 1 } });
    assert.doesNotMatch(JSON.stringify(audit), /Siobhan|Gallagher|Shivaun/, 'the audit has counts, not names');
  });

  it('records the new person, exactly as typed, on "No, record a new person"', async () => {
    const page = await practitioner.submit('/people/new', '/people', SIMILAR);
    const seq = await lastSeq();
    const created = await practitioner.post('/people', asForm(hiddenFields(page.body, '/people'), { duplicates: 'new' }));
    assert.equal(created.statusCode, 303);
    const id = /^\/people\/([0-9a-f-]{36})$/.exec(String(created.headers.location))?.[1];
    assert.ok(id && id !== existingId, 'a new record');
    const row = await db().selectFrom('people').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(
      [row.date_of_birth, row.safe_times, row.voicemail_allowed, row.disability_types.sort()],
      ['1990-02-15', 'After 6pm, "never" weekends', 'no', ['physical', 'sensory']],
    );
    const names = await db().selectFrom('person_names').select(['kind', 'given_name', 'family_name']).where('person_id', '=', id).orderBy('kind').execute();
    assert.deepEqual(
      names.map((n) => `${n.kind}: ${n.given_name} ${n.family_name}`),
      ['known_as: Shiv O’Neill & Sons', 'legal: Shivaun Galagher'],
    );
    const audit = await auditSince(seq);
    assert.deepEqual(
      audit.map((a) => [a.action, a.subject_id, a.details]),
      [['person.create', id, { duplicatesShown: true }]],
    );
  });

  it('goes back to the form with everything typed on "Change the details"', async () => {
    const page = await practitioner.submit('/people/new', '/people', SIMILAR);
    const [count, seq] = [await peopleCount(), await lastSeq()];
    const back = await practitioner.post('/people', asForm(hiddenFields(page.body, '/people'), { duplicates: 'change' }));
    assert.equal(back.statusCode, 303);
    assert.equal(back.headers.location, '/people/new');
    const form = await practitioner.get('/people/new');
    for (const text of ['value="Shivaun"', 'value="Galagher"', 'value="O’Neill &amp; Sons"', 'After 6pm, &quot;never&quot; weekends']) {
      assert.ok(form.body.includes(text), `the form shows ${text}`);
    }
    assert.equal(errorSummary(form.body).length, 0);
    assert.equal(await peopleCount(), count, 'nothing was recorded');
    assert.deepEqual(
      (await auditSince(seq)).map((a) => `${a.action}:${a.outcome}`),
      ['person.duplicates.change:success'],
    );
  });

  it('never offers, or hints at, a record the user may not see', async () => {
    const seq = await lastSeq();
    const created = await practitioner.submit('/people/new', '/people', {
      givenName: 'Marek',
      familyName: 'Kowalczyk',
      'dateOfBirth-day': '5',
      'dateOfBirth-month': '5',
      'dateOfBirth-year': '1985',
    });
    assert.equal(created.statusCode, 303, 'recorded at once: the police record is not shown');
    assert.match(String(created.headers.location), /^\/people\/[0-9a-f-]{36}$/);
    const audit = await auditSince(seq);
    assert.deepEqual(
      audit.map((a) => a.action),
      ['person.create'],
    );
    assert.deepEqual(audit[0]!.details, {}, 'recorded without duplicates being shown');
  });

  it('still checks the form when it comes back from the duplicates page', async () => {
    const page = await practitioner.submit('/people/new', '/people', SIMILAR);
    const form = asForm(hiddenFields(page.body, '/people'), { duplicates: 'new', 'dateOfBirth-month': '13' });
    const refused = await practitioner.post('/people', form);
    assert.equal(refused.headers.location, '/people/new');
    assert.deepEqual(errorSummary((await practitioner.get('/people/new')).body), ['Date of birth must be a real date']);
  });
});
