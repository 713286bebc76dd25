import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';

/** Addresses, contacts, sharing through a case, concurrent edits and the person's history. */
describe('person record: contact details and changes', () => {
  let t: TestApp;
  let practitioner: WebClient;
  let rep: WebClient;
  let personId: string;
  const db = () => t.database.db;
  const url = () => `/people/${personId}`;
  const version = async () => String((await db().selectFrom('people').select('version').where('id', '=', personId).executeTakeFirstOrThrow()).version);
  const agencyId = async (code: string) => (await db().selectFrom('agencies').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  const userId = async (email: string) => (await db().selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const editFields = (overrides: Record<string, string>) => ({
    givenName: 'Marguerite',
    familyName: 'Achterberg',
    'dateOfBirth-day': '3',
    'dateOfBirth-month': '11',
    'dateOfBirth-year': '1988',
    safeTimes: 'After 6pm',
    voicemailAllowed: 'no',
    ethnicity: 'white_other',
    ...overrides,
  });

  before(async () => {
    t = await createTestApp();
    practitioner = new WebClient(t.app, '10.4.0.1');
    await practitioner.signIn('practitioner@demo.harbour.example');
    rep = new WebClient(t.app, '10.4.0.2');
    await rep.signIn('rep@demo.harbour.example');
    const created = await practitioner.submit('/people/new', '/people', editFields({}));
    personId = String(created.headers.location).split('/').pop()!;
  });
  after(() => t.close());

  it('adds addresses, phone numbers and email addresses with their search keys', async () => {
    const refuge = await practitioner.submit(`${url()}/addresses/new`, `${url()}/addresses`, {
      line1: 'Flat 2, Cedar House',
      town: 'Riverside',
      postcode: 'hb5 9zz',
      flags: ['current', 'safe', 'refuge'],
      version: await version(),
    });
    assert.equal(refuge.headers.location, `${url()}#addresses`);
    await practitioner.submit(`${url()}/addresses/new`, `${url()}/addresses`, {
      line1: '14 Anchor Lane',
      postcode: 'HB1 2AB',
      flags: 'current',
      version: await version(),
    });
    const addresses = await db().selectFrom('person_addresses').selectAll().where('person_id', '=', personId).orderBy('line1').execute();
    assert.deepEqual(
      addresses.map((a) => [a.line1, a.postcode_key, a.is_current, a.confidential_refuge]),
      [
        ['14 Anchor Lane', 'HB12AB', true, false],
        ['Flat 2, Cedar House', 'HB59ZZ', false, true],
      ],
      'one current address at a time',
    );

    await practitioner.submit(`${url()}/phones/new`, `${url()}/phones`, {
      value: '+44 7700 900 123',
      safe: 'yes',
      note: 'Her own phone',
      version: await version(),
    });
    await practitioner.submit(`${url()}/emails/new`, `${url()}/emails`, { value: 'M.Achterberg@Example.org', version: await version() });
    const bad = await practitioner.submit(`${url()}/phones/new`, `${url()}/phones`, { value: '12', version: await version() });
    assert.equal(bad.headers.location, `${url()}/phones/new`);
    assert.deepEqual(errorSummary((await practitioner.get(`${url()}/phones/new`)).body), ['Enter a phone number, like 01632 960 001 or +44 7700 900 982']);
    const contacts = await db().selectFrom('person_contacts').selectAll().where('person_id', '=', personId).orderBy('kind').execute();
    assert.deepEqual(
      contacts.map((c) => [c.kind, c.value_key, c.is_safe]),
      [
        ['email', 'm.achterberg@example.org', false],
        ['phone', '07700900123', true],
      ],
    );

    const page = (await practitioner.get(url())).body;
    const panel = page.slice(page.indexOf('id="safe-contact"'), page.indexOf('About them'));
    assert.match(panel, /\+44 7700 900 123 \(Her own phone\)/, 'the safe phone is in the panel');
    assert.match(panel, /Flat 2, Cedar House/, 'so is the safe address, for its own agency');
    assert.doesNotMatch(panel, /Example\.org/, 'a contact not marked safe is not');
  });

  it('shows a confidential refuge address only to the agency that recorded it', async () => {
    assert.equal((await rep.get(url())).statusCode, 404, 'housing cannot see the person yet');
    const csc = await agencyId('CSC');
    const { id: caseId } = await db()
      .insertInto('cases')
      .values({ partnership_id: t.partnershipId, reference: 'TEST-1', owning_agency_id: csc, opened_on: '2026-01-05' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db().insertInto('case_people').values({ partnership_id: t.partnershipId, case_id: caseId, person_id: personId, role: 'victim' }).execute();
    await db()
      .insertInto('case_agencies')
      .values({ partnership_id: t.partnershipId, case_id: caseId, agency_id: await agencyId('HOUSING') })
      .execute();

    const page = await rep.get(url());
    assert.equal(page.statusCode, 200, 'housing sees the person through the case');
    assert.match(page.body, /Confidential address held by Children’s Social Care/);
    assert.doesNotMatch(page.body, /Cedar House|HB5 9ZZ/, 'never the address itself');
    assert.match(page.body, /14 Anchor Lane/);
    const refuge = await db()
      .selectFrom('person_addresses')
      .select('id')
      .where('person_id', '=', personId)
      .where('confidential_refuge', '=', true)
      .executeTakeFirstOrThrow();
    assert.equal((await rep.get(`${url()}/addresses/${refuge.id}/edit`)).statusCode, 404);
    const moved = await rep.post(`${url()}/addresses/${refuge.id}/current`, { version: await version() }, page.body);
    assert.equal(moved.statusCode, 404, 'nor can they change it');
    assert.match((await rep.get('/people')).body, /Marguerite Achterberg/, 'the person is in their list now');
  });

  it('refuses a stale edit, saying what changed, and overwrites nothing', async () => {
    const base = await version();
    const mine = await practitioner.get(`${url()}/edit`);
    const theirs = await rep.submit(`${url()}/edit`, url(), editFields({ ethnicity: 'white_roma', safeTimes: 'Never after 5pm', version: base }));
    assert.equal(theirs.headers.location, url());

    const stale = await practitioner.post(url(), editFields({ givenName: 'Margot', version: base }), mine.body);
    assert.equal(stale.headers.location, `${url()}/edit`);
    const form = await practitioner.get(`${url()}/edit`);
    const [message] = errorSummary(form.body);
    assert.match(message ?? '', /^Someone else changed this record while you were editing it\. They changed: Safe times to call, Ethnic group\./);
    assert.match(form.body, /Never after 5pm/, 'the form shows the record as it is now');
    const row = await db().selectFrom('people').select(['ethnicity', 'version']).where('id', '=', personId).executeTakeFirstOrThrow();
    assert.equal(row.ethnicity, 'white_roma');
    assert.equal(row.version, Number(base) + 1);
    const names = await db().selectFrom('person_names').select('given_name').where('person_id', '=', personId).execute();
    assert.deepEqual(
      names.map((n) => n.given_name),
      ['Marguerite'],
      'my change was not saved',
    );

    const outcomes = await db()
      .selectFrom('audit_events')
      .select(['outcome', 'details'])
      .where('action', '=', 'person.update')
      .where('subject_id', '=', personId)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      outcomes.map((o) => o.outcome),
      ['success', 'failure'],
    );
    assert.deepEqual((outcomes[0]!.details as { changed: string[] }).changed, ['Safe times to call', 'Ethnic group'], 'which fields, never their values');
  });

  it('keeps the old rows with who changed them and lists the changes on the person page', async () => {
    const saved = await practitioner.submit(
      `${url()}/edit`,
      url(),
      editFields({ givenName: 'Margot', ethnicity: 'white_roma', safeTimes: 'Never after 5pm', version: await version() }),
    );
    assert.equal(saved.headers.location, url());
    const history = await db()
      .selectFrom('record_history')
      .select(['table_name', 'changed_by', 'operation'])
      .where('partnership_id', '=', t.partnershipId)
      .orderBy('id')
      .execute();
    const repId = await userId('rep@demo.harbour.example');
    const practitionerId = await userId('practitioner@demo.harbour.example');
    assert.ok(history.length > 0);
    assert.ok(
      history.every((h) => h.changed_by === repId || h.changed_by === practitionerId),
      'every kept row names who made the change',
    );
    assert.ok(history.some((h) => h.table_name === 'person_names' && h.operation === 'DELETE' && h.changed_by === practitionerId));

    const page = (await practitioner.get(url())).body;
    const changes = page.slice(page.indexOf('id="changes"'));
    assert.match(changes, /Callum Fairweather \(Housing Options\)<\/td>\s*<td class="govuk-table__cell">Safe times to call, Ethnic group</);
    assert.match(changes, /Nadia Sorensen \(Children’s Social Care\)<\/td>\s*<td class="govuk-table__cell">Names</);
    assert.match(changes, /Address, phone number or email address added/);
    assert.equal(
      (
        await practitioner.submit(
          `${url()}/edit`,
          url(),
          editFields({ givenName: 'Margot', ethnicity: 'white_roma', safeTimes: 'Never after 5pm', version: await version() }),
        )
      ).statusCode,
      303,
    );
    const again = await db().selectFrom('record_history').select('id').where('partnership_id', '=', t.partnershipId).execute();
    assert.equal(again.length, history.length, 'saving an unchanged form keeps no history');
  });

  it('removes a contact and marks one safe, each audited against the person', async () => {
    const contacts = await db().selectFrom('person_contacts').select(['id', 'kind']).where('person_id', '=', personId).execute();
    const email = contacts.find((c) => c.kind === 'email')!;
    const phone = contacts.find((c) => c.kind === 'phone')!;
    const page = await practitioner.get(url());
    await practitioner.post(`${url()}/contacts/${email.id}/safe`, { version: await version(), safe: 'yes' }, page.body);
    assert.equal((await db().selectFrom('person_contacts').select('is_safe').where('id', '=', email.id).executeTakeFirstOrThrow()).is_safe, true);
    const stale = await practitioner.post(`${url()}/contacts/${phone.id}/remove`, { version: '1' }, page.body);
    assert.equal(stale.headers.location, url(), 'a stale removal is refused');
    await practitioner.post(`${url()}/contacts/${phone.id}/remove`, { version: await version() }, page.body);
    assert.equal((await db().selectFrom('person_contacts').select('id').where('person_id', '=', personId).execute()).length, 1);
    const actions = await db()
      .selectFrom('audit_events')
      .select(['action', 'outcome'])
      .where('subject_id', '=', personId)
      .where('action', 'like', 'person.contact.%')
      .where('action', 'not like', '%.view')
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      actions.map((a) => `${a.action}:${a.outcome}`),
      [
        'person.contact.add:success',
        'person.contact.add:success',
        'person.contact.add:failure',
        'person.contact.safe:success',
        'person.contact.remove:failure',
        'person.contact.remove:success',
      ],
    );
  });
});
