import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testConfig } from '../../../test/support/app.js';
import { withViewer, type DbViewer } from '../../db/viewer.js';
import { seedAdminDemo } from '../admin/admin.demo.js';
import { configureServices, insertRecord } from './services.test-support.js';

/** The second wall (ADR 0003): service records read with no visibility condition at all, as each kind of viewer. */
describe('row-level security on service records', () => {
  let database: TestDatabase;
  let partnershipId: string;
  const agencies: Record<string, string> = {};
  let record: { id: string; personId: string; caseId: string };
  const db = () => database.db;
  const as = (code: string): DbViewer => ({ kind: 'agency', partnershipId, agencyId: agencies[code]!, userId: '00000000-0000-4000-8000-000000000001' });
  const seen = (viewer: DbViewer) => withViewer(viewer, async () => (await db().selectFrom('service_records').select('id').execute()).map((r) => r.id));

  before(async () => {
    database = await createTestDatabase();
    partnershipId = await seedAdminDemo(db(), testConfig().partnershipName);
    for (const a of await db().selectFrom('agencies').select(['id', 'code']).execute()) agencies[a.code] = a.id;
    const services = await configureServices(db(), partnershipId);
    record = await insertRecord(db(), partnershipId, services['ask-sanctuary']!, { referredOn: '2026-02-01' }); // Police case, Housing provides
  });
  after(() => database.drop());

  it('shows a record to its provider and to the case’s agency, to no other agency, and to no one without a viewer', async () => {
    assert.deepEqual(await seen(as('HOUSING')), [record.id]);
    assert.deepEqual(await seen(as('POLICE')), [record.id]);
    assert.deepEqual(await seen(as('CSC')), []);
    assert.deepEqual(await seen({ kind: 'none' }), []);
  });

  it('hides it from an agency on the case’s "must not see" list, even the provider, and refuses its writes', async () => {
    await db()
      .insertInto('restrictions')
      .values({
        partnership_id: partnershipId,
        subject_type: 'case',
        subject_id: record.caseId,
        blocked_user_id: null,
        blocked_agency_id: agencies.HOUSING!,
        reason: 'Conflict of interest',
        created_by: null,
      })
      .execute();
    assert.deepEqual(await seen(as('HOUSING')), []);
    assert.deepEqual(await seen(as('POLICE')), [record.id]);
    const updated = await withViewer(as('HOUSING'), () =>
      db().updateTable('service_records').set({ assessed_on: '2026-02-02' }).where('id', '=', record.id).executeTakeFirst(),
    );
    assert.equal(Number(updated.numUpdatedRows), 0);
    const refuge = (await db().selectFrom('services').select('id').where('definition_id', '=', 'refuge').executeTakeFirstOrThrow()).id;
    await assert.rejects(
      withViewer(as('CSC'), () =>
        db()
          .insertInto('service_records')
          .values({
            partnership_id: partnershipId,
            service_id: refuge,
            person_id: record.personId,
            case_id: record.caseId,
            person_name: 'Someone',
            person_date_of_birth: null,
            person_role: 'victim',
            provider_agency_id: agencies.REFUGE!,
            referring_agency_id: agencies.CSC!,
            referred_by: null,
            referred_on: '2026-02-03',
            assessed_on: null,
            started_on: null,
            ended_on: null,
            end_reason: null,
            left_reason: null,
            answers: '{}',
          })
          .execute(),
      ),
      /row-level security/,
      'an agency cannot refer someone it cannot see',
    );
  });
});
