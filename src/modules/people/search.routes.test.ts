import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, WebClient, type TestApp } from '../../../test/support/app.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';

function resultNames(html: string): string[] {
  return [...html.matchAll(/<td class="govuk-table__cell"><a class="govuk-link" href="\/people\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!);
}

describe('finding a person', () => {
  let t: TestApp;
  let practitioner: WebClient;
  let ids: Record<string, string>;
  before(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const pid = t.partnershipId;
    ids = {
      johnson: await insertPerson(db, pid, { agency: 'CSC', given: 'Kerry', family: 'Johnson', dob: '1988-04-12', phone: '07700 900123', postcode: 'NF1 2AB' }),
      muhammad: await insertPerson(db, pid, {
        agency: 'CSC',
        given: 'Aisha',
        family: 'Muhammad',
        dob: '1992-09-30',
        aliases: [{ given: 'Aisha', family: 'Rahman', kind: 'previous' }],
      }),
      housing: await insertPerson(db, pid, { agency: 'HOUSING', given: 'Kerry', family: 'Johnstone', dob: '1988-04-12' }),
      refuge: await insertPerson(db, pid, { agency: 'REFUGE', given: 'Dana', family: 'Whitfield', postcode: 'RV9 9ZZ', refuge: true }),
    };
    await insertCase(db, pid, 'REFUGE', [{ id: ids.refuge!, role: 'victim' }], ['CSC']);
    practitioner = new WebClient(t.app, '10.2.0.1');
    await practitioner.signIn('practitioner@demo.harbour.example');
  });
  after(() => t.close());

  const find = async (query: string) => (await practitioner.get(`/people/search?${query}`)).body;

  it('finds a misspelt name by how it sounds', async () => {
    assert.deepEqual(resultNames(await find('name=Kerry+Jonson')), ['Kerry Johnson']);
    assert.deepEqual(resultNames(await find('name=aisha+mohamed')), ['Aisha Muhammad']);
    assert.deepEqual(resultNames(await find('name=JOHNSON')), ['Kerry Johnson']);
  });

  it('finds people by a previous name, and says which name matched', async () => {
    const page = await find('name=Aisha+Rahman');
    assert.deepEqual(resultNames(page), ['Aisha Muhammad']);
    assert.match(page, /previously Aisha Rahman/);
  });

  it('searches by date of birth, phone and postcode, alone or together', async () => {
    assert.deepEqual(resultNames(await find('dob-day=12&dob-month=4&dob-year=1988')), ['Kerry Johnson']);
    assert.deepEqual(resultNames(await find('phone=%2B44+7700+900123')), ['Kerry Johnson']);
    assert.deepEqual(resultNames(await find('postcode=nf12ab')), ['Kerry Johnson']);
    assert.deepEqual(resultNames(await find('name=Johnson&dob-day=1&dob-month=1&dob-year=1990')), []);
  });

  it('never shows, or hints at, people the searcher may not see', async () => {
    const page = await find('name=Kerry+Johnstone');
    assert.deepEqual(resultNames(page), [], 'Housing’s record is not the practitioner’s to see');
    assert.match(page, /0 matching people/);
    const rep = new WebClient(t.app, '10.2.0.2');
    await rep.signIn('rep@demo.harbour.example');
    assert.deepEqual(resultNames((await rep.get('/people/search?name=Kerry+Johnstone')).body), ['Kerry Johnstone']);
  });

  it('does not let a confidential refuge address be found by another agency', async () => {
    assert.deepEqual(resultNames(await find('name=Dana+Whitfield')), ['Dana Whitfield'], 'visible through the shared case');
    assert.deepEqual(resultNames(await find('postcode=RV9+9ZZ')), [], 'but not by the refuge’s postcode');
  });

  it('hides a person from someone on their "must not see" list', async () => {
    const user = await t.database.db.selectFrom('users').select('id').where('email', '=', 'practitioner@demo.harbour.example').executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('restrictions')
      .values({
        partnership_id: t.partnershipId,
        subject_type: 'person',
        subject_id: ids.muhammad!,
        blocked_user_id: user.id,
        blocked_agency_id: null,
        reason: 'Related to the victim',
        created_by: null,
      })
      .execute();
    assert.deepEqual(resultNames(await find('name=Aisha+Muhammad')), []);
  });

  it('explains a bad date or phone number, and searches nothing', async () => {
    const page = await find('dob-day=31&dob-month=2&dob-year=1990&phone=12');
    assert.match(page, /Date of birth must be a real date/);
    assert.match(page, /Enter a phone number with at least 6 digits/);
    assert.doesNotMatch(page, /matching people/);
  });

  it('audits each search without recording what was searched for', async () => {
    const events = await t.database.db.selectFrom('audit_events').select(['details']).where('action', '=', 'person.search').execute();
    assert.ok(events.length >= 5);
    for (const e of events) assert.doesNotMatch(JSON.stringify(e.details), /johnson|rahman|07700/i);
    assert.ok(events.some((e) => (e.details as { fields?: string[] }).fields?.includes('name')));
  });

  it('is closed to roles that see only aggregates', async () => {
    const analyst = new WebClient(t.app, '10.2.0.3');
    await analyst.signIn('analyst@demo.harbour.example');
    assert.equal((await analyst.get('/people/search?name=Johnson')).statusCode, 403);
  });
});
