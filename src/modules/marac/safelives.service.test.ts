import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testConfig } from '../../../test/support/app.js';
import { seedAdminDemo } from '../admin/admin.demo.js';
import { userActor } from '../../platform/request-context.js';
import { HarbourError } from '../../platform/errors.js';
import { SAFELIVES_TEMPLATE, columnsFile } from './safelives.columns.js';
import { safeLivesChoice } from './safelives.schemas.js';
import { safeLivesReturn } from './safelives.service.js';
import { EXPECTED, QUARTER, seedSafeLivesFixture, type SafeLivesFixture } from './safelives.test-support.js';

const TODAY = '2026-11-23';
const quarterOf = (id: string) => safeLivesChoice(TODAY).parse({ quarter: id }).quarter;

describe('SafeLives quarterly return', () => {
  let database: TestDatabase;
  let partnershipId: string;
  let fixture: SafeLivesFixture;
  const actor = (email: string) => userActor(database.db, partnershipId, email, 'test');

  before(async () => {
    database = await createTestDatabase();
    partnershipId = await seedAdminDemo(database.db, testConfig().partnershipName);
    fixture = await seedSafeLivesFixture(database.db, partnershipId);
  });
  after(() => database.drop());

  it('counts every column for each of the three meetings and in total, as worked out by hand', async () => {
    const found = await safeLivesReturn(
      database.db,
      await actor('coordinator@demo.harbour.example'),
      { quarter: quarterOf(QUARTER), areaId: null },
      'page',
      TODAY,
    );
    assert.deepEqual(
      found.columns.map((c) => c.id),
      SAFELIVES_TEMPLATE.columns.map((c) => c.id),
    );
    assert.equal(found.columns.length, EXPECTED.total.length);
    assert.deepEqual(
      found.meetings.map((m) => [m.meetingId, m.meetingDate, m.areaName]),
      [
        [fixture.meetings.m1, '2026-07-08', 'Northfield'],
        [fixture.meetings.m2, '2026-08-12', 'Riverside'],
        [fixture.meetings.m3, '2026-09-30', 'Northfield'],
      ],
      'meetings in date order; the cancelled one, those outside the quarter and one that heard no case are not rows',
    );
    const byColumn = (counts: number[]) => Object.fromEntries(found.columns.map((c, i) => [c.id, counts[i]]));
    assert.deepEqual(byColumn(found.meetings[0]!.counts), byColumn(EXPECTED.m1));
    assert.deepEqual(byColumn(found.meetings[1]!.counts), byColumn(EXPECTED.m2));
    assert.deepEqual(byColumn(found.meetings[2]!.counts), byColumn(EXPECTED.m3));
    assert.deepEqual(byColumn(found.total), byColumn(EXPECTED.total));
    assert.deepEqual([found.quarter.from, found.countedTo, found.complete], ['2026-07-01', '2026-09-30', true]);
  });

  it('filters by area, and counts a quarter under way only up to today', async () => {
    const coordinator = await actor('coordinator@demo.harbour.example');
    const northfield = await safeLivesReturn(database.db, coordinator, { quarter: quarterOf(QUARTER), areaId: fixture.areas.NORTHFIELD! }, 'csv', TODAY);
    assert.deepEqual(
      northfield.meetings.map((m) => m.meetingId),
      [fixture.meetings.m1, fixture.meetings.m3],
    );
    assert.deepEqual(
      northfield.total,
      EXPECTED.m1.map((n, i) => n + EXPECTED.m3[i]!),
    );
    assert.equal(northfield.area?.name, 'Northfield');

    // On 29 September the meeting of the 30th has not been held: two meetings, and the quarter is not complete.
    const early = await safeLivesReturn(database.db, coordinator, { quarter: quarterOf(QUARTER), areaId: null }, 'page', '2026-09-29');
    assert.deepEqual(
      early.meetings.map((m) => m.meetingId),
      [fixture.meetings.m1, fixture.meetings.m2],
    );
    assert.deepEqual([early.countedTo, early.complete], ['2026-09-29', false]);
    assert.deepEqual(
      early.total,
      EXPECTED.m1.map((n, i) => n + EXPECTED.m2[i]!),
    );

    const empty = await safeLivesReturn(database.db, coordinator, { quarter: quarterOf('2026-Q1'), areaId: null }, 'page', TODAY);
    assert.deepEqual(empty.meetings.length, 0);
    assert.deepEqual(
      empty.total,
      EXPECTED.total.map(() => 0),
      'a quarter with no meeting has a total row of zeros',
    );
  });

  it('is read by analysts too, audits every view and download, and refuses anyone else or an area of no one', async () => {
    const analyst = await actor('analyst@demo.harbour.example');
    const found = await safeLivesReturn(database.db, analyst, { quarter: quarterOf(QUARTER), areaId: null }, 'xlsx', TODAY);
    assert.deepEqual(found.total, EXPECTED.total, 'an analyst, who sees no personal data, still gets every count');
    const events = await database.db
      .selectFrom('audit_events')
      .innerJoin('users', 'users.id', 'audit_events.user_id')
      .select(['audit_events.action', 'audit_events.details', 'users.email'])
      .where('audit_events.action', 'like', 'marac.safelives_return.%')
      .orderBy('audit_events.seq')
      .execute();
    assert.deepEqual(
      events.map((e) => [e.action, e.email, (e.details as { format: string }).format, (e.details as { quarter: string }).quarter]),
      [
        ['marac.safelives_return.view', 'coordinator@demo.harbour.example', 'page', QUARTER],
        ['marac.safelives_return.download', 'coordinator@demo.harbour.example', 'csv', QUARTER],
        ['marac.safelives_return.view', 'coordinator@demo.harbour.example', 'page', QUARTER],
        ['marac.safelives_return.view', 'coordinator@demo.harbour.example', 'page', '2026-Q1'],
        ['marac.safelives_return.download', 'analyst@demo.harbour.example', 'xlsx', QUARTER],
      ],
    );

    for (const email of ['idva@demo.harbour.example', 'chair@demo.harbour.example', 'admin@demo.harbour.example']) {
      await assert.rejects(
        safeLivesReturn(database.db, await actor(email), { quarter: quarterOf(QUARTER), areaId: null }, 'page', TODAY),
        (error: unknown) => error instanceof HarbourError && error.status === 403,
        email,
      );
    }
    await assert.rejects(
      safeLivesReturn(database.db, analyst, { quarter: quarterOf(QUARTER), areaId: '00000000-0000-4000-8000-000000000000' }, 'page', TODAY),
      (error: unknown) => error instanceof HarbourError && error.fieldErrors[0]?.field === 'area',
    );
  });

  it('takes the columns from data: a template with other columns counts them without a code change', async () => {
    const template = columnsFile.parse({
      template: 'A smaller template',
      version: 'test',
      columns: [
        { id: 'heard', heading: 'Cases', measure: 'cases_heard' },
        { id: 'statutory', heading: 'Referrals from statutory agencies', measure: 'referrals', agencyTypes: ['police', 'health', 'council'] },
        { id: 'rest', heading: 'Referrals from anyone else', measure: 'referrals', agencyTypes: 'any other' },
        { id: 'women', heading: 'Female victims', measure: 'victims', anyOf: [{ field: 'sex', codes: ['female'] }] },
        { id: 'under_25', heading: 'Victims under 25', measure: 'victims', anyOf: [{ ageAtReferral: { max: 24 } }] },
        {
          id: 'all_children',
          heading: 'Children wherever they live',
          measure: 'children',
          livesWith: ['victim', 'perpetrator', 'both', 'elsewhere'],
          underAge: 18,
        },
      ],
    });
    const found = await safeLivesReturn(
      database.db,
      await actor('coordinator@demo.harbour.example'),
      { quarter: quarterOf(QUARTER), areaId: null },
      'page',
      TODAY,
      template,
    );
    // Statutory: A and H (police), C (hospital), F (council); the rest: B (IDVA), D (refuge), E (education), G (GP).
    // Female: A, C, F, H. Under 25: C (16), D (17), I (16), F (18). Children: 3 (the one elsewhere too) + 0 + 1 at
    // meeting 1, none at meeting 2, 0 + 3 + 3 (A's again) at meeting 3.
    assert.deepEqual(found.total, [9, 4, 4, 4, 4, 10]);
  });

  it('refuses a template that would count a referral twice or names a code Harbour does not have', () => {
    const base = { template: 't', version: 'v' };
    const twice = columnsFile.safeParse({
      ...base,
      columns: [
        { id: 'a', heading: 'A', measure: 'referrals', agencyTypes: ['police'] },
        { id: 'b', heading: 'B', measure: 'referrals', agencyTypes: ['police', 'housing'] },
      ],
    });
    assert.match(twice.error?.issues[0]?.message ?? '', /agency type "police" is in two referral columns/);
    const unknownCode = columnsFile.safeParse({
      ...base,
      columns: [{ id: 'a', heading: 'A', measure: 'victims', anyOf: [{ field: 'ethnicity', codes: ['martian'] }] }],
    });
    assert.match(unknownCode.error?.issues[0]?.message ?? '', /ethnicity has no code "martian"/);
    const unknownType = columnsFile.safeParse({ ...base, columns: [{ id: 'a', heading: 'A', measure: 'referrals', agencyTypes: ['gp'] }] });
    assert.equal(unknownType.success, false);
    const duplicate = columnsFile.safeParse({
      ...base,
      columns: [
        { id: 'a', heading: 'A', measure: 'cases_heard' },
        { id: 'a', heading: 'B', measure: 'repeat_cases' },
      ],
    });
    assert.match(duplicate.error?.issues[0]?.message ?? '', /column "a" is listed twice/);
  });
});
