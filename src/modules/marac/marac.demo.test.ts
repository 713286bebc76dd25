import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { seedDemo } from '../../db/seed-demo.js';
import { londonToday } from '../../platform/format.js';
import { userActor } from '../../platform/request-context.js';
import { quarterOf } from './safelives.schemas.js';
import { safeLivesReturn } from './safelives.service.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

/** The demo partnership shows MARACs at work: schedules, meetings held and to come, agendas, research. */
describe('MARAC demo', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
    await seedDemo(database.db, 'Harbourshire Domestic Abuse Partnership');
  });
  after(() => database.drop());

  it('has a schedule per area, meetings held and to come, and agendas built from the accepted referrals', async () => {
    const db = database.db;
    const today = londonToday();
    const schedules = await sql<{ recurrence: string }>`select recurrence from marac_schedules order by recurrence`.execute(db);
    assert.deepEqual(
      schedules.rows.map((r) => r.recurrence),
      ['fortnightly', 'monthly', 'weekly'],
    );
    const meetings = await sql<{ held: number; coming: number }>`select count(*) filter (where status = 'held' and meeting_date < ${today})::int as held,
      count(*) filter (where status = 'scheduled' and meeting_date >= ${today})::int as coming from marac_meetings`.execute(db);
    assert.ok(meetings.rows[0]!.held >= 2 && meetings.rows[0]!.coming >= 15, JSON.stringify(meetings.rows));

    const waiting = await sql<{ n: number }>`select count(*)::int as n from referrals r where r.destination = 'marac' and r.status = 'accepted'
      and not exists (select 1 from marac_agenda_items i where i.referral_id = r.id)`.execute(db);
    assert.equal(waiting.rows[0]!.n, 0, 'every accepted referral is on an agenda');
    const kinds = await sql<{ kind: string; areas: number }>`select i.kind, count(distinct m.area_id)::int as areas from marac_agenda_items i
      join marac_meetings m on m.id = i.meeting_id where m.meeting_date >= ${today} group by i.kind`.execute(db);
    assert.ok(
      kinds.rows.some((r) => r.kind === 'repeat'),
      JSON.stringify(kinds.rows),
    );
    assert.ok(kinds.rows.reduce((most, r) => Math.max(most, r.areas), 0) >= 2, 'agendas in more than one area');
  });

  it('has a published agenda with its agencies invited and research from several of them', async () => {
    const db = database.db;
    const published = await sql<{ id: string; invited: number; told: number }>`select m.id,
      (select count(*) from marac_meeting_agencies a where a.meeting_id = m.id)::int as invited,
      (select count(*) from marac_notifications n where n.meeting_id = m.id)::int as told
      from marac_meetings m where m.agenda_published_at is not null and m.status = 'scheduled'`.execute(db);
    assert.equal(published.rows.length, 1);
    assert.ok(published.rows[0]!.invited >= 8 && published.rows[0]!.told >= 3, JSON.stringify(published.rows));
    const research = await sql<{ agencies: number; rows: number }>`select count(distinct agency_id)::int as agencies, count(*)::int as rows
      from marac_research where agenda_item_id in (select id from marac_agenda_items where meeting_id = ${published.rows[0]!.id})`.execute(db);
    assert.ok(research.rows[0]!.agencies >= 3, JSON.stringify(research.rows));
  });

  it('has SafeLives return counts for the quarter of the meetings it held', async () => {
    const db = database.db;
    const today = londonToday();
    const latest = await sql<{ meeting_date: string }>`select m.meeting_date from marac_meetings m
      where m.status = 'held' and exists (select 1 from marac_agenda_items i where i.meeting_id = m.id) order by m.meeting_date desc limit 1`.execute(db);
    const quarter = quarterOf(latest.rows[0]!.meeting_date);
    const partnership = await db.selectFrom('partnerships').select('id').executeTakeFirstOrThrow();
    const analyst = await userActor(db, partnership.id, 'analyst@demo.harbour.example', 'test');
    const found = await safeLivesReturn(db, analyst, { quarter, areaId: null }, 'page', today);
    assert.ok(found.meetings.length >= 1 && found.total[0]! >= 1, JSON.stringify(found.total));
    assert.deepEqual(
      found.total,
      found.columns.map((_, i) => found.meetings.reduce((n, m) => n + m.counts[i]!, 0)),
      'the total is the sum of the meetings',
    );
  });
});
