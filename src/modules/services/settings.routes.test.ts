import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';

const ADMIN = 'admin@demo.harbour.example';
const OWNER = 'chair@demo.harbour.example';

describe('services the partnership runs', () => {
  let t: TestApp;
  const admin = () => clients[ADMIN]!;
  const clients: Record<string, WebClient> = {};
  const db = () => t.database.db;
  const agencyId = async (code: string) => (await db().selectFrom('agencies').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

  before(async () => {
    t = await createTestApp();
    for (const [i, email] of [ADMIN, OWNER].entries()) {
      clients[email] = new WebClient(t.app, `10.62.0.${i + 1}`);
      await clients[email].signIn(email);
    }
  });
  after(() => t.close());

  it('starts running a shipped service with its provider and capacity, for settings managers only', async () => {
    const list = await admin().get('/services/settings');
    assert.equal((list.body.match(/Start running<span/g) ?? []).length, 11, 'every shipped service, none run yet');
    assert.equal((await clients[OWNER]!.get('/services/settings')).statusCode, 403);
    const formUrl = '/services/settings/new?definition=ask-sanctuary';
    await admin().submit(formUrl, '/services/settings/new', { definitionId: 'ask-sanctuary', providerAgencyId: '', capacity: 'many' });
    assert.deepEqual(errorSummary((await admin().get(formUrl)).body), [
      'Select the agency that provides the service',
      'Capacity must be a whole number from 1 to 100000',
    ]);
    assert.equal((await db().selectFrom('services').select('id').execute()).length, 0);
    const saved = await admin().submit(formUrl, '/services/settings/new', {
      definitionId: 'ask-sanctuary',
      providerAgencyId: await agencyId('HOUSING'),
      capacity: '',
    });
    assert.equal(saved.headers.location, '/services/settings');
    const service = await db().selectFrom('services').selectAll().executeTakeFirstOrThrow();
    assert.equal(service.capacity, 40, 'blank: the definition’s default');
    assert.equal((await admin().get(formUrl)).statusCode, 404, 'a service is run once');
  });

  it('changes the provider with the version it was read at, and a closed service takes no referrals', async () => {
    const service = await db().selectFrom('services').selectAll().where('definition_id', '=', 'ask-sanctuary').executeTakeFirstOrThrow();
    const url = `/services/settings/${service.id}`;
    const page = await admin().get(url);
    await db().updateTable('services').set({ version: 2 }).where('id', '=', service.id).execute();
    await admin().post(url, { providerAgencyId: await agencyId('REFUGE'), capacity: '30', active: 'no', version: '1' }, page.body);
    assert.match(errorSummary((await admin().get(url)).body)[0]!, /Someone else changed this record/);
    await admin().submit(url, url, { providerAgencyId: await agencyId('REFUGE'), capacity: '30', active: 'no', version: '2' });
    const changed = await db().selectFrom('services').selectAll().where('id', '=', service.id).executeTakeFirstOrThrow();
    assert.deepEqual([changed.provider_agency_id, changed.capacity, changed.active], [await agencyId('REFUGE'), 30, false]);

    const personId = await insertPerson(db(), t.partnershipId, { agency: 'POLICE', given: 'Closed', family: 'Service' });
    const caseId = await insertCase(db(), t.partnershipId, 'POLICE', [{ id: personId, role: 'victim' }]);
    const reference = (await db().selectFrom('cases').select('reference').where('id', '=', caseId).executeTakeFirstOrThrow()).reference;
    const referUrl = `/services/${service.id}/refer`;
    await clients[OWNER]!.submit(`${referUrl}?case=${reference}`, referUrl, {
      caseId,
      caseReference: reference,
      personId,
      'referredOn-day': '2',
      'referredOn-month': '3',
      'referredOn-year': '2026',
    });
    assert.deepEqual(errorSummary((await clients[OWNER]!.get(`${referUrl}?case=${reference}`)).body), [
      'This service is not taking new referrals: ask its provider what else is available',
    ]);
    assert.equal((await db().selectFrom('service_records').select('id').execute()).length, 0);
  });
});
