import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { seedDemo } from '../../db/seed-demo.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import { userActor } from '../../platform/request-context.js';
import { dashboard } from './dashboard.service.js';
import { NEIGHBOUR } from './marac.transfer.demo.js';
import { SAFELIVES_TEMPLATE } from './safelives.columns.js';
import { quarterOf, safeLivesChoice } from './safelives.schemas.js';
import { safeLivesReturn } from './safelives.service.js';
import { listTransfers } from './transfer.service.js';
import { buildApp } from '../../app.js';
import { testConfig, WebClient } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

/**
 * People named in the seed documents (/work/shared/seeds, found by grepping them for names and titles): the demo's
 * invented people must share neither a full name nor a family name with any of them.
 */
const SEED_NAMES = [
  ['Carole', 'Devaney'],
  ['Carole', 'Devaneu'],
  ['Carolyn', 'Woods'],
  ['John', 'Haynes'],
  ['Richard', 'Hobbs'],
  ['Vi', 'Dempster'],
  ['Rob', 'Nixon'],
  ['Derek', 'Benn'],
  ['Martin', 'Curran'],
  ['Mick', 'Studley'],
  ['Pam', 'Richardson'],
  ['Pat', 'Navrockyi'],
  ['Phil', 'Whiteley'],
  ['Rachel', 'Pickering'],
  ['Simon', 'Cure'],
  ['Sobia', 'Shaw'],
  ['Sonia', 'Mayo'],
  ['Sukhi', 'Biring'],
  ['Suki', 'Kaur'],
  ['William', 'Brown'],
  ['Jonathan', 'North'],
  ['P', 'Hawkins'],
] as const;

/** The demo partnership shows MARACs at work: schedules, meetings held and to come, agendas, research, history. */
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

  it('has months of held meetings in every area, hearing new and repeat cases with registers, final minutes and amendments', async () => {
    const db = database.db;
    const today = londonToday();
    const areas = await sql<{ code: string; held: number; first: string; heard: number; repeats: number }>`select a.code, count(distinct m.id)::int as held,
      min(m.meeting_date)::text as first, count(i.id)::int as heard, count(i.id) filter (where i.kind = 'repeat')::int as repeats
      from marac_meetings m join areas a on a.id = m.area_id left join marac_agenda_items i on i.meeting_id = m.id
      where m.status = 'held' group by a.code order by a.code`.execute(db);
    assert.deepEqual(
      areas.rows.map((r) => r.code),
      ['EASTVALE', 'NORTHFIELD', 'RIVERSIDE'],
    );
    for (const area of areas.rows) {
      assert.ok(area.first <= shiftDays(today, -270), `${area.code} has nine months of meetings: ${JSON.stringify(area)}`);
      assert.ok(area.heard >= 2 * area.held && area.repeats >= 1, JSON.stringify(area));
    }
    // Every case heard was referred before its meeting, and a repeat within 12 months of the case's previous referral.
    const wrong = await sql<{ n: number }>`select count(*)::int as n from marac_agenda_items i
      join marac_meetings m on m.id = i.meeting_id join referrals r on r.id = i.referral_id
      left join referrals before on before.id = r.repeat_of_id
      where m.status = 'held' and (r.referred_on >= m.meeting_date or r.status <> 'accepted' or r.case_id <> i.case_id
        or (i.kind = 'repeat' and (not r.is_repeat or before.referred_on < r.referred_on - interval '12 months' or before.case_id <> r.case_id)))`.execute(db);
    assert.equal(wrong.rows[0]!.n, 0);
    const records = await sql<{ unregistered: number; unminuted: number; amendments: number }>`select
      (select count(*) from marac_meetings m where m.status = 'held' and not exists (select 1 from marac_attendance a where a.meeting_id = m.id and a.status = 'present'))::int as unregistered,
      (select count(*) from marac_agenda_items i join marac_meetings m on m.id = i.meeting_id
        where m.status = 'held' and not exists (select 1 from marac_minutes n where n.agenda_item_id = i.id))::int as unminuted,
      (select count(*) from marac_minute_amendments)::int as amendments`.execute(db);
    assert.deepEqual(records.rows[0], { unregistered: 0, unminuted: 0, amendments: 3 });
  });

  it('keeps the access tables exact after the bulk load: each case is seen by its owner and the MARAC agency, not by the agencies invited to hear it', async () => {
    const db = database.db;
    const { rows } = await sql<{ missing: number; extra: number; unshared: number }>`with expected as (
        select partnership_id, id as case_id, owning_agency_id as agency_id from cases
        union select partnership_id, case_id, agency_id from case_agencies)
      select (select count(*) from expected e where not exists (select 1 from case_access a
          where a.partnership_id = e.partnership_id and a.case_id = e.case_id and a.agency_id = e.agency_id))::int as missing,
        (select count(*) from case_access a where not exists (select 1 from expected e
          where a.partnership_id = e.partnership_id and a.case_id = e.case_id and a.agency_id = e.agency_id))::int as extra,
        (select count(*) from marac_agenda_items i join referrals r on r.id = i.referral_id
          where not exists (select 1 from case_access a where a.case_id = i.case_id and a.agency_id = r.to_agency_id))::int as unshared`.execute(db);
    assert.deepEqual(rows[0], { missing: 0, extra: 0, unshared: 0 }, 'every case heard is shared with the MARAC agency it was referred to');
    const people = await sql<{ n: number }>`select count(*)::int as n from case_people cp join case_access a on a.case_id = cp.case_id
      where not exists (select 1 from person_access p where p.person_id = cp.person_id and p.agency_id = a.agency_id and p.via_case_id = cp.case_id)`.execute(
      db,
    );
    assert.equal(people.rows[0]!.n, 0);
  });

  it('fills the default SafeLives quarter (the last complete one) across its columns', async () => {
    const db = database.db;
    const today = londonToday();
    const partnership = await db.selectFrom('partnerships').select('id').executeTakeFirstOrThrow();
    const coordinator = await userActor(db, partnership.id, 'coordinator@demo.harbour.example', 'test');
    const { quarter } = safeLivesChoice(today).parse({});
    const found = await safeLivesReturn(db, coordinator, { quarter, areaId: null }, 'page', today);
    const total = new Map(found.columns.map((c, i) => [c.id, found.total[i]!]));
    const columns = SAFELIVES_TEMPLATE.columns;
    assert.ok(found.meetings.length >= 15, `meetings in ${quarter.id}: ${found.meetings.length}`);
    for (const measure of ['cases_heard', 'repeat_cases', 'children'] as const) {
      const column = columns.find((c) => c.measure === measure)!;
      assert.ok(total.get(column.id)! > 0, `${column.heading}: ${total.get(column.id)}`);
    }
    const heard = total.get('cases_heard')!;
    const victims = columns.filter((c) => c.measure === 'victims');
    assert.ok(victims.filter((c) => total.get(c.id)! > 0).length >= 4, JSON.stringify(victims.map((c) => [c.heading, total.get(c.id)])));
    assert.ok(
      victims.every((c) => total.get(c.id)! < heard),
      'no characteristic is counted for every victim',
    );
    const referrers = columns.filter((c) => c.measure === 'referrals');
    const police = total.get('referrals_police')!;
    assert.ok(police > heard / 2 && police < heard, `police referrals ${police} of ${heard}`);
    assert.ok(referrers.filter((c) => total.get(c.id)! > 0).length >= 5, 'referrals from several kinds of agency');
  });

  it('shows the coordinator’s dashboard near the target, with overdue actions at some agencies', async () => {
    const db = database.db;
    const partnership = await db.selectFrom('partnerships').select('id').executeTakeFirstOrThrow();
    const coordinator = await userActor(db, partnership.id, 'coordinator@demo.harbour.example', 'test');
    const year = await dashboard(db, coordinator, '12');
    assert.ok(year.onTime.of >= 200, JSON.stringify(year.onTime));
    assert.ok(year.onTime.percent! >= 80 && year.onTime.percent! <= 95, JSON.stringify(year.onTime));
    assert.ok(year.doneLate > 0 && year.openOverdue > 0, JSON.stringify(year));
    assert.ok(year.agencies.some((a) => a.overdue_now > 0));
    const rates = year.agencies.filter((a) => a.counted >= 20).map((a) => a.rate.percent!);
    assert.ok(Math.max(...rates) - Math.min(...rates) >= 10, `on-time rates vary by agency: ${rates.join(', ')}`);
    const returned = year.research.map((r) => r.rate.percent!);
    assert.ok(year.research.length >= 8 && Math.min(...returned) < 80 && Math.max(...returned) > 90, `research returned: ${returned.join(', ')}`);
    const quarter = await dashboard(db, coordinator, '3');
    assert.ok(quarter.onTime.of > 0 && quarter.onTime.of < year.onTime.of, 'a shorter period counts fewer actions');
  });

  it('has a case transferred in from a neighbouring MARAC on the next agenda, and one transferred out', async () => {
    const db = database.db;
    const today = londonToday();
    const partnership = await db.selectFrom('partnerships').select('id').executeTakeFirstOrThrow();
    const coordinator = await userActor(db, partnership.id, 'coordinator@demo.harbour.example', 'test');
    const transfers = await listTransfers(db, coordinator);
    assert.deepEqual(transfers.map((t) => t.direction).sort(), ['in', 'out']);
    const transferIn = transfers.find((t) => t.direction === 'in')!;
    assert.equal(transferIn.counterpart, NEIGHBOUR);
    const placed = await sql<{ kind: string; meeting_date: string; criterion: string }>`select i.kind, m.meeting_date::text, r.criterion
      from marac_agenda_items i join marac_meetings m on m.id = i.meeting_id join referrals r on r.id = i.referral_id
      where i.referral_id = ${transferIn.referral_id}`.execute(db);
    assert.equal(placed.rows.length, 1);
    assert.equal(placed.rows[0]!.kind, 'transfer_in');
    assert.ok(placed.rows[0]!.meeting_date >= today);
    const out = transfers.find((t) => t.direction === 'out')!;
    const heard = await sql<{ n: number }>`select count(*)::int as n from marac_agenda_items where case_id = ${out.case_id}`.execute(db);
    assert.ok(heard.rows[0]!.n >= 1, 'the case sent out was heard here');
  });

  it('has only invented people: no name of anyone named in the seed documents', async () => {
    const db = database.db;
    const { rows } = await sql<{ given_name: string; family_name: string }>`select given_name, family_name from person_names`.execute(db);
    assert.ok(rows.length >= 400, `people named: ${rows.length}`);
    const fold = (name: string) => name.toLowerCase();
    const families = new Set(SEED_NAMES.map(([, family]) => fold(family)));
    const clashes = rows.filter(
      (r) => families.has(fold(r.family_name)) || SEED_NAMES.some(([g, f]) => fold(g) === fold(r.given_name) && fold(f) === fold(r.family_name)),
    );
    assert.deepEqual(clashes, []);
  });

  it('shows a newcomer the coordinator’s pages full: dashboard, the default SafeLives return, and the transfers', async () => {
    const app = await buildApp({ config: testConfig(), db: database.db, logger: false });
    await app.ready();
    try {
      const coordinator = new WebClient(app);
      await coordinator.signIn('coordinator@demo.harbour.example');
      const board = await coordinator.get('/marac/dashboard?period=12');
      assert.equal(board.statusCode, 200);
      assert.match(board.body, /\b(8\d|9[0-5])(\.\d)?%/, 'an on-time percentage near the target');
      const safeLives = await coordinator.get('/marac/safelives-return');
      assert.equal(safeLives.statusCode, 200);
      assert.ok((safeLives.body.match(/<tr/g) ?? []).length >= 15, 'a row per meeting of the quarter');
      const list = await coordinator.get('/marac/transfers');
      assert.equal(list.statusCode, 200);
      assert.ok(list.body.includes(NEIGHBOUR));
      const id = /href="\/marac\/transfers\/([0-9a-f-]{36})"/.exec(list.body)?.[1];
      assert.ok(id, 'a transfer links to its page');
      assert.equal((await coordinator.get(`/marac/transfers/${id}`)).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});
