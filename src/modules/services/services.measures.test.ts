import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testConfig } from '../../../test/support/app.js';
import { seedAdminDemo } from '../admin/admin.demo.js';
import { userActor } from '../../platform/request-context.js';
import { serviceReport } from './report.service.js';
import { SHIPPED_DEFINITIONS, type PersonDefinition } from './services.definition.js';
import { byCharacteristic, suppressCounts } from './services.equality.js';
import * as measures from './services.measures.js';
import { financialYear, percentChange, pointChange } from './services.periods.js';
import { configureServices, insertRecord, type RecordFixture } from './services.test-support.js';

const ASK = SHIPPED_DEFINITIONS.find((d) => d.id === 'ask-sanctuary') as PersonDefinition;
const FY = financialYear(2025); // 2025-26: Q1 April–June 2025 … Q4 January–March 2026

/** A completed ASK record: referred 40 days and fitted 20 days before it completed, with its two outcome answers. */
function completedOn(endedOn: string, feelsSafer: string, repeatIncident: string): RecordFixture {
  const back = (days: number) => new Date(Date.parse(`${endedOn}T12:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
  return {
    referredOn: back(40),
    assessedOn: back(30),
    startedOn: back(20),
    endedOn,
    endReason: 'completed',
    answers: { completed: { feels_safer: feelsSafer, repeat_incident: repeatIncident } },
  };
}

/**
 * The ASK outcomes worked out by hand. "% feel safer" counts completions answering feels_safer yes or no (not
 * "not known"); "% no repeat incidents" counts completions answering repeat_incident yes or no, positive "no".
 *
 *   quarter  completions  feels safer (yes / yes+no)  no repeat (no / yes+no)
 *   Q1       4            yes,yes,yes,no → 3/4 = 75.0  no,no,yes,nk → 2/3 = 66.7
 *   Q2       5            yes×5 → 5/5 = 100.0          no,no,no,no,yes → 4/5 = 80.0
 *   Q3       3            yes,no,nk → 1/2 = 50.0       no,no,no → 3/3 = 100.0
 *   Q4       0            — (no rate)                  — (no rate)
 *   year     12           9/11 = 81.8                  9/11 = 81.8
 *   2024-25  1            1/1 = 100.0                  0/1 = 0.0
 *   change                81.8 − 100.0 = −18.2 points  81.8 − 0.0 = +81.8 points
 *
 * Q1 ends 30 June and Q2 starts 1 July: one completion on each side. A completion on 1 April 2026 belongs to the
 * next year; a record that left early after starting (Q2) is not an outcome but lowers the completion rate:
 * 12 / (12 + 1) = 92.3%.
 */
const FIXTURE: RecordFixture[] = [
  completedOn('2025-04-10', 'yes', 'no'),
  completedOn('2025-05-02', 'yes', 'no'),
  completedOn('2025-06-11', 'yes', 'yes'),
  completedOn('2025-06-30', 'no', 'not_known'),
  completedOn('2025-07-01', 'yes', 'no'),
  completedOn('2025-08-14', 'yes', 'no'),
  completedOn('2025-08-20', 'yes', 'no'),
  completedOn('2025-09-03', 'yes', 'no'),
  completedOn('2025-09-30', 'yes', 'yes'),
  completedOn('2025-10-15', 'yes', 'no'),
  completedOn('2025-11-05', 'no', 'no'),
  completedOn('2025-12-31', 'not_known', 'no'),
  completedOn('2024-05-20', 'yes', 'yes'),
  completedOn('2026-04-01', 'no', 'yes'),
  { referredOn: '2025-07-02', startedOn: '2025-07-20', endedOn: '2025-08-01', endReason: 'left_early' },
];

describe('service measures', () => {
  let database: TestDatabase;
  let partnershipId: string;
  let services: Record<string, string>;
  const db = () => database.db;

  before(async () => {
    database = await createTestDatabase();
    partnershipId = await seedAdminDemo(db(), testConfig().partnershipName);
    services = await configureServices(db(), partnershipId);
    for (const fixture of FIXTURE) await insertRecord(db(), partnershipId, services['ask-sanctuary']!, fixture);
  });
  after(() => database.drop());

  const periods = [...FY.quarters, FY.year, financialYear(2024).year];
  const outcome = (id: string) => ASK.outcomes.find((o) => o.id === id)!;

  it('reproduces the hand-worked ASK table of "% feel safer" and "% no repeat incidents" by quarter', async () => {
    const feelSafer = (await measures.outcome(db(), partnershipId, services['ask-sanctuary']!, periods, outcome('feels_safer'))) as measures.Rate[];
    const noRepeat = (await measures.outcome(db(), partnershipId, services['ask-sanctuary']!, periods, outcome('no_repeat'))) as measures.Rate[];
    assert.deepEqual(
      feelSafer.map((r) => [r.numerator, r.denominator, r.percent]),
      [
        [3, 4, 75],
        [5, 5, 100],
        [1, 2, 50],
        [0, 0, null],
        [9, 11, 81.8],
        [1, 1, 100],
      ],
    );
    assert.deepEqual(
      noRepeat.map((r) => [r.numerator, r.denominator, r.percent]),
      [
        [2, 3, 66.7],
        [4, 5, 80],
        [3, 3, 100],
        [0, 0, null],
        [9, 11, 81.8],
        [0, 1, 0],
      ],
    );
  });

  it('counts completions by quarter and the completion rate with leavers after starting', async () => {
    assert.deepEqual(await measures.completions(db(), partnershipId, services['ask-sanctuary']!, periods), [4, 5, 3, 0, 12, 1]);
    assert.deepEqual(await measures.leftEarlyAfterStart(db(), partnershipId, services['ask-sanctuary']!, periods), [0, 1, 0, 0, 1, 0]);
    const rate = await measures.completionRate(db(), partnershipId, services['ask-sanctuary']!, periods);
    assert.deepEqual(
      rate.map((r) => r.percent),
      [100, 83.3, 100, null, 92.3, 100],
    );
  });

  it('reports the change from the year before in percentage points for rates and percent for counts', async () => {
    const report = await serviceReport(
      db(),
      await userActor(db(), partnershipId, 'analyst@demo.harbour.example', 'test'),
      services['ask-sanctuary']!,
      FY,
      'page',
    );
    const row = (id: string) => report.rows.find((r) => r.id === id)!;
    assert.equal(row('feels_safer').change, -18.2);
    assert.equal(row('no_repeat').change, 81.8);
    // Completions: 12 this year against 1 the year before = +1100%.
    assert.equal(row('completions').change, 1100);
    assert.equal(percentChange(0, 5), null, 'no percent change from nothing');
    assert.equal(pointChange(null, 50), null);
  });
});

describe('small-number suppression', () => {
  it('hides counts from 1 to 4, and the smallest other count when one hidden cell could be worked out from the total', () => {
    assert.deepEqual(suppressCounts([12, 3, 20, 0]), [null, null, 20, 0], '3 alone would be total − 32: 12 goes too');
    assert.deepEqual(suppressCounts([12, 3, 2, 7]), [12, null, null, 7], 'two hidden cells protect each other');
    assert.deepEqual(suppressCounts([3, 0, 0]), [null, null, null], 'nothing else to hide: the whole column goes');
    assert.deepEqual(suppressCounts([5, 9, 0]), [5, 9, 0], '5 and over, and zero, are shown');
  });

  it('suppresses a service’s equality table from the people module’s coded characteristics', async () => {
    const database = await createTestDatabase();
    try {
      const partnershipId = await seedAdminDemo(database.db, testConfig().partnershipName);
      const services = await configureServices(database.db, partnershipId);
      // 7 women and 2 men referred in Q1 2025-26; 1 of unknown gender.
      const people = [...Array(7).fill('woman'), 'man', 'man', 'not_known'];
      for (const gender of people) await insertRecord(database.db, partnershipId, services.refuge!, { referredOn: '2025-05-01', person: { gender } });
      const gender = (await byCharacteristic(database.db, partnershipId, services.refuge!, FY.year)).find((t) => t.characteristic === 'gender')!;
      assert.deepEqual(
        gender.rows.map((r) => [r.category, r.referrals]),
        [
          ['Man', null],
          ['Woman', 7],
          ['Not known', null],
        ],
      );
      assert.equal(gender.totals.referrals, 10);
    } finally {
      await database.drop();
    }
  });
});
