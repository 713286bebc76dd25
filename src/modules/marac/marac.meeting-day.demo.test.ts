import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { seedDemo } from '../../db/seed-demo.js';
import { withViewer } from '../../db/viewer.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

/**
 * The demo's two most recent meetings show the meeting day at work: register, minutes and actions in every state.
 * (The months of meetings before them are marac.history.demo.ts's, tested in marac.demo.test.ts.)
 */
const RECENT = sql`(select id from marac_meetings where status = 'held' order by meeting_date desc limit 2)`;
describe('MARAC meeting day demo', () => {
  let database: TestDatabase;
  const db = () => database.db;
  before(async () => {
    database = await createTestDatabase();
    await seedDemo(db(), 'Harbourshire Domestic Abuse Partnership');
  });
  after(() => database.drop());

  it('has registers with confirmations and an apology, minutes final, draft and amended', async () => {
    const attendance = await sql<{ status: string; confirmed: number; n: number }>`select status, count(confidentiality_confirmed_at)::int as confirmed,
      count(*)::int as n from marac_attendance where meeting_id in ${RECENT} group by status order by status`.execute(db());
    assert.deepEqual(
      attendance.rows.map((r) => [r.status, r.confirmed, r.n]),
      [
        ['apologies', 0, 2],
        ['present', 8, 8],
      ],
    );
    const minutes = await sql<{ status: string; n: number }>`select status, count(*)::int as n from marac_minutes
      where agenda_item_id in (select id from marac_agenda_items where meeting_id in ${RECENT}) group by status order by status`.execute(db());
    assert.deepEqual(
      minutes.rows.map((r) => [r.status, r.n]),
      [
        ['draft', 1],
        ['final', 5],
      ],
    );
    const amendments = await sql<{ n: number }>`select count(*)::int as n from marac_minute_amendments a join marac_minutes m on m.id = a.minute_id
      where m.agenda_item_id in (select id from marac_agenda_items where meeting_id in ${RECENT})`.execute(db());
    assert.equal(amendments.rows[0]!.n, 1);
  });

  it('has actions open, due tomorrow, overdue, done on time and done late', async () => {
    const today = londonToday();
    const { rows } = await sql<{ state: string }>`select case
        when status = 'done' and (completed_at at time zone 'Europe/London')::date <= due_on then 'done on time'
        when status = 'done' then 'done late'
        when due_on < ${today} then 'overdue'
        when due_on = ${shiftDays(today, 1)} then 'due tomorrow'
        else 'open' end as state from marac_actions where meeting_id in ${RECENT} order by 1`.execute(db());
    assert.deepEqual(
      rows.map((r) => r.state),
      ['done late', 'done on time', 'due tomorrow', 'open', 'open', 'overdue'],
    );
    // Each agency sees its own actions (the MARAC content rule, checked here by row-level security), whether or not
    // it sees the case: an action does not give the agency the case.
    const byAgency = await sql<{ partnership_id: string; agency_id: string; n: number }>`select partnership_id, agency_id, count(*)::int as n
      from marac_actions group by 1, 2`.execute(db());
    for (const row of byAgency.rows) {
      const viewer = { kind: 'agency' as const, partnershipId: row.partnership_id, agencyId: row.agency_id, userId: '00000000-0000-4000-8000-000000000001' };
      const seen = await withViewer(viewer, () => db().selectFrom('marac_actions').select('id').where('agency_id', '=', row.agency_id).execute());
      assert.equal(seen.length, row.n, `agency ${row.agency_id} sees its ${row.n} actions`);
    }
    const given = await sql<{
      n: number;
    }>`select count(*)::int as n from audit_events where action = 'case.agency.assign' and details ->> 'via' = 'marac'`.execute(db());
    assert.equal(given.rows[0]!.n, 0, 'the MARAC gives no agency a case');
  });
});
