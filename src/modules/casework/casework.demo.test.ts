import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { seedDemo } from '../../db/seed-demo.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

/** The demo's IDVA service at work: a queue, two caseloads with contacts, cases open for different lengths of time. */
describe('IDVA casework demo', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
    await seedDemo(database.db, 'Harbourshire Domestic Abuse Partnership');
  });
  after(() => database.drop());

  it('has referrals waiting, cases allocated to both IDVAs with contacts logged after allocation, and none closed', async () => {
    const { rows } = await sql<{ waiting: number; idvas: number; cases: number; contacts: number; early: number; spread: number }>`select
        (select count(*) from referrals r where r.destination = 'idva' and r.status = 'awaiting_screening')::int as waiting,
        (select count(distinct idva_id) from idva_cases)::int as idvas,
        (select count(*) from idva_cases where status = 'open')::int as cases,
        (select count(*) from idva_contacts)::int as contacts,
        (select count(*) from idva_contacts k join idva_cases c on c.id = k.idva_case_id where k.contact_on < c.allocated_on)::int as early,
        (select count(distinct allocated_on) from idva_cases)::int as spread`.execute(database.db);
    const r = rows[0]!;
    assert.equal(r.waiting, 2);
    assert.equal(r.idvas, 2);
    assert.ok(r.cases >= 6, `open IDVA cases: ${r.cases}`);
    assert.ok(r.contacts > r.cases, `contacts: ${r.contacts}`);
    assert.equal(r.early, 0, 'no contact before its case was allocated');
    assert.ok(r.spread >= 4, 'cases allocated on different days');
  });
});
