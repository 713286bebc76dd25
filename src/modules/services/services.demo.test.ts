import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testConfig } from '../../../test/support/app.js';
import { seedAdminDemo } from '../admin/admin.demo.js';
import { seedServicesDemo } from './services.demo.js';

describe('services demo', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
    const partnershipId = await seedAdminDemo(database.db, testConfig().partnershipName);
    await seedServicesDemo(database.db, partnershipId, '2026-11-23');
  });
  after(() => database.drop());

  it('gives every per-person service people at every stage over two years, and every aggregate service entries in each year', async () => {
    const { rows } = await sql<{ definition_id: string; waiting: number; started: number; completed: number; left: number; first: string }>`
      select s.definition_id, count(*) filter (where r.started_on is null and r.ended_on is null)::int as waiting,
        count(*) filter (where r.started_on is not null and r.ended_on is null)::int as started,
        count(*) filter (where r.end_reason = 'completed')::int as completed, count(*) filter (where r.end_reason = 'left_early')::int as left,
        min(r.referred_on)::text as first
      from services s join service_records r on r.service_id = s.id group by s.definition_id order by 1`.execute(database.db);
    assert.equal(rows.length, 7);
    for (const row of rows) {
      assert.ok(row.waiting > 0 && row.started > 0 && row.completed > 0 && row.left > 0, `${row.definition_id}: ${JSON.stringify(row)}`);
      assert.ok(row.first < '2025-01-01', `${row.definition_id} has two years of history`);
    }
    const activity = await sql<{ definition_id: string; years: number }>`
      select s.definition_id, count(distinct extract(year from e.occurred_on - interval '3 months'))::int as years
      from services s join service_activity e on e.service_id = s.id group by 1 order by 1`.execute(database.db);
    assert.deepEqual(
      activity.rows.map((r) => [r.definition_id, r.years >= 2]),
      [
        ['awareness', true],
        ['cc-av', true],
        ['helpline', true],
        ['training', true],
      ],
    );
  });
});
