import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { seedDemo } from '../../db/seed-demo.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

/** The demo partnership shows referrals at every stage, not empty tables. */
describe('referrals demo', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
    await seedDemo(database.db, 'Harbourshire Domestic Abuse Partnership');
  });
  after(() => database.drop());

  it('has incidents, repeats and MARAC referrals awaiting screening, accepted and declined', async () => {
    const { rows } = await sql<{ status: string; criterion: string; is_repeat: boolean; n: number }>`
      select status, criterion, is_repeat, count(*)::int as n from referrals group by 1, 2, 3`.execute(database.db);
    const count = (match: (r: (typeof rows)[number]) => boolean) => rows.filter(match).reduce((sum, r) => sum + r.n, 0);
    assert.ok(count((r) => r.status === 'awaiting_screening') >= 2, JSON.stringify(rows));
    assert.ok(count((r) => r.status === 'accepted') >= 2, JSON.stringify(rows));
    assert.ok(count((r) => r.status === 'declined') >= 1, JSON.stringify(rows));
    assert.ok(count((r) => r.is_repeat && r.criterion === 'repeat') >= 1, JSON.stringify(rows));
    for (const criterion of ['visible_high_risk', 'potential_escalation', 'professional_judgement'])
      assert.ok(count((r) => r.criterion === criterion) >= 1, `${criterion}: ${JSON.stringify(rows)}`);
    const incidents = await sql<{
      n: number;
      repeats: number;
    }>`select count(*)::int as n, count(*) filter (where is_repeat)::int as repeats from incidents`.execute(database.db);
    assert.ok(incidents.rows[0]!.n >= 10 && incidents.rows[0]!.repeats >= 1, JSON.stringify(incidents.rows));
  });
});
