import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withViewer } from '../../db/viewer.js';
import { dbViewerFor } from '../../platform/authentication.js';
import { HarbourError } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { userActor, type Actor } from '../../platform/request-context.js';
import { createTestApp, type TestApp } from '../../../test/support/app.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { recordIncident, type IncidentInput } from './incident.service.js';
import { createReferral, type ReferralInput } from './referral.service.js';
import { decideReferral, screeningQueue } from './screening.service.js';
import { insertSubmittedAssessment, prepareReferrals } from './referral.test-support.js';

/**
 * Repeat detection, escalation counting, the MARAC criteria and screening, on a real database. Each call runs as
 * the acting user's database viewer, so row-level security applies as it does in a request.
 */
describe('referrals, repeats and screening', () => {
  let t: TestApp;
  const db = () => t.database.db;
  const actors = {} as Record<'police' | 'housing' | 'coordinator' | 'practitioner', Actor>;
  const agencies: Record<string, string> = {};
  let victim: string;
  let perpetrator: string;
  let otherPerpetrator: string;
  let policeCase: string;

  const viewer = (actor: Actor) => actor.principal as UserPrincipal;
  const as = <T>(actor: Actor, work: () => Promise<T>) => withViewer(dbViewerFor(actor.principal), work);
  const refer = (actor: Actor, input: Partial<ReferralInput> & Pick<ReferralInput, 'caseId'>) =>
    as(actor, () =>
      createReferral(db(), actor, viewer(actor), {
        destination: 'marac',
        criterion: 'professional_judgement',
        toAgencyId: null,
        reasons: 'Escalating threats',
        referredOn: '2025-01-10',
        perpetratorIds: [perpetrator],
        riskAssessmentId: null,
        consent: { status: 'given', lawfulBasis: null, reason: null },
        ...input,
      }),
    );
  const incident = (actor: Actor, caseId: string, input: Partial<IncidentInput>) =>
    as(actor, () =>
      recordIncident(db(), actor, viewer(actor), caseId, {
        occurred_on: '2025-03-01',
        occurred_at_time: null,
        types: ['physical'],
        reported_to_police: true,
        police_reference: null,
        injuries: 'minor',
        children_present: 'no',
        location_type: 'victim_home',
        summary: null,
        perpetratorIds: [perpetrator],
        ...input,
      }),
    );
  const refusal = async (promise: Promise<unknown>): Promise<{ status: number; field: string | undefined; message: string }> => {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof HarbourError, String(error));
      return { status: error.status, field: error.fieldErrors[0]?.field, message: error.message };
    }
    assert.fail('expected a refusal');
  };
  /** A fresh victim and perpetrator in a police case, so each test's referral history starts empty. */
  async function freshCase(): Promise<void> {
    const pid = t.partnershipId;
    victim = await insertPerson(db(), pid, { agency: 'POLICE', given: 'Leah', family: 'Marsh', dob: '1990-02-01' });
    perpetrator = await insertPerson(db(), pid, { agency: 'POLICE', given: 'Gary', family: 'Marsh' });
    otherPerpetrator = await insertPerson(db(), pid, { agency: 'POLICE', given: 'Shane', family: 'Doyle' });
    policeCase = await insertCase(db(), pid, 'POLICE', [
      { id: victim, role: 'victim' },
      { id: perpetrator, role: 'perpetrator' },
      { id: otherPerpetrator, role: 'perpetrator' },
    ]);
  }
  const assessment = (caseId: string, score: number, band: 'standard' | 'medium' | 'high') =>
    insertSubmittedAssessment(db(), {
      partnershipId: t.partnershipId,
      caseId,
      personId: victim,
      agencyId: agencies.POLICE!,
      score,
      band,
      assessedOn: '2025-01-05',
    });

  before(async () => {
    t = await createTestApp();
    const pid = t.partnershipId;
    Object.assign(agencies, await prepareReferrals(db(), pid));
    actors.police = await userActor(db(), pid, 'chair@demo.harbour.example', 'test');
    actors.housing = await userActor(db(), pid, 'rep@demo.harbour.example', 'test');
    actors.coordinator = await userActor(db(), pid, 'coordinator@demo.harbour.example', 'test');
    actors.practitioner = await userActor(db(), pid, 'practitioner@demo.harbour.example', 'test');
  });
  after(() => t.close());

  it('flags a repeat 364 and 365 days after the last MARAC referral (12 months, inclusive) but not 366', async () => {
    await freshCase();
    const first = await refer(actors.police, { caseId: policeCase, referredOn: '2025-01-10' });
    assert.equal(first.repeat, false);
    const at364 = await refer(actors.police, { caseId: policeCase, referredOn: '2026-01-09' });
    assert.deepEqual([at364.repeat, at364.repeatOf], [true, first.id]);

    await freshCase();
    const again = await refer(actors.police, { caseId: policeCase, referredOn: '2025-01-10' });
    const at365 = await refer(actors.police, { caseId: policeCase, referredOn: '2026-01-10' });
    assert.deepEqual([at365.repeat, at365.repeatOf], [true, again.id]);

    await freshCase();
    await refer(actors.police, { caseId: policeCase, referredOn: '2025-01-10' });
    const at366 = await refer(actors.police, { caseId: policeCase, referredOn: '2026-01-11' });
    assert.deepEqual([at366.repeat, at366.repeatOf], [false, null]);
  });

  it('does not flag a repeat for a different perpetrator, or after a declined referral', async () => {
    await freshCase();
    const first = await refer(actors.police, { caseId: policeCase, referredOn: '2025-01-10' });
    const other = await refer(actors.police, { caseId: policeCase, referredOn: '2025-02-10', perpetratorIds: [otherPerpetrator] });
    assert.equal(other.repeat, false);
    const queued = (await as(actors.coordinator, () => screeningQueue(db(), actors.coordinator))).rows.find((r) => r.id === first.id)!;
    await as(actors.coordinator, () =>
      decideReferral(db(), actors.coordinator, first.id, queued.version, {
        decision: 'decline',
        declineCode: 'does_not_meet_criteria',
        reason: 'Not high risk',
      }),
    );
    const later = await refer(actors.police, { caseId: policeCase, referredOn: '2025-03-10' });
    assert.equal(later.repeat, false, 'the declined referral was not a referral to MARAC');
  });

  it('finds a repeat from an incident another agency records, without showing that agency the earlier case', async () => {
    await freshCase();
    const first = await refer(actors.police, { caseId: policeCase, referredOn: '2025-01-10' });
    const housingCase = await insertCase(db(), t.partnershipId, 'HOUSING', [
      { id: victim, role: 'victim' },
      { id: perpetrator, role: 'perpetrator' },
    ]);
    const recorded = await incident(actors.housing, housingCase, { occurred_on: '2025-06-01' });
    assert.deepEqual([recorded.repeat, recorded.repeatOf], [true, first.id]);
    const seen = await as(actors.housing, () => db().selectFrom('referrals').select('id').where('id', '=', first.id).execute());
    assert.deepEqual(seen, [], 'Housing still cannot read the police referral');
    const outside = await incident(actors.housing, housingCase, { occurred_on: '2026-02-01' });
    assert.equal(outside.repeat, false);
  });

  it('follows merges: a referral on a record since merged into the victim’s, or the perpetrator’s, still counts', async () => {
    await freshCase();
    const first = await refer(actors.police, { caseId: policeCase, referredOn: '2025-01-10' });
    const [oldVictim, oldPerpetrator] = [victim, perpetrator];
    await freshCase();
    for (const [merged, survivor] of [
      [oldVictim, victim],
      [oldPerpetrator, perpetrator],
    ])
      await db().updateTable('people').set({ merged_into_id: survivor, merged_at: new Date() }).where('id', '=', merged!).execute();
    const later = await refer(actors.police, { caseId: policeCase, referredOn: '2025-06-01' });
    assert.deepEqual([later.repeat, later.repeatOf], [true, first.id]);
  });

  it('counts incidents for potential escalation up to the same day 12 months before, and refuses too few', async () => {
    await freshCase();
    for (const occurred_on of ['2025-06-14', '2025-09-01', '2026-06-15']) await incident(actors.police, policeCase, { occurred_on });
    const tooFew = await refusal(refer(actors.police, { caseId: policeCase, criterion: 'potential_escalation', referredOn: '2026-06-15' }));
    assert.deepEqual([tooFew.status, tooFew.field], [422, 'criterion']);
    assert.match(tooFew.message, /2 incidents recorded in the 12 months to the referral date; potential escalation needs 3/);
    await incident(actors.police, policeCase, { occurred_on: '2025-06-15' });
    const enough = await refer(actors.police, { caseId: policeCase, criterion: 'potential_escalation', referredOn: '2026-06-15' });
    assert.equal(enough.escalationCount, 3);
  });

  it('accepts visible high risk only on a score of 14 or more, and professional judgement only with reasons', async () => {
    await freshCase();
    await assessment(policeCase, 13, 'medium');
    const medium = await refusal(refer(actors.police, { caseId: policeCase, criterion: 'visible_high_risk' }));
    assert.match(medium.message, /scores 13, under the high-risk threshold/);
    const high = await assessment(policeCase, 14, 'high');
    const referred = await refer(actors.police, { caseId: policeCase, criterion: 'visible_high_risk', riskAssessmentId: high });
    assert.deepEqual([referred.score, referred.band], [14, 'high']);
    const noReasons = await refusal(refer(actors.police, { caseId: policeCase, reasons: '  ' }));
    assert.deepEqual([noReasons.status, noReasons.field], [422, 'reasons']);
    const repeatClaim = await refusal(refer(actors.police, { caseId: policeCase, criterion: 'repeat', perpetratorIds: [otherPerpetrator] }));
    assert.match(repeatClaim.message, /not a repeat/);
  });

  it('refuses a perpetrator who is not on the case, and a MARAC referral from an agency without an agreement in force', async () => {
    await freshCase();
    const stranger = await insertPerson(db(), t.partnershipId, { agency: 'POLICE', given: 'Ned', family: 'Vale' });
    const notOnCase = await refusal(refer(actors.police, { caseId: policeCase, perpetratorIds: [stranger] }));
    assert.deepEqual([notOnCase.status, notOnCase.field], [422, 'perpetratorIds.0']);
    const before = await db()
      .selectFrom('referrals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const agreement = await db()
      .selectFrom('agencies')
      .select(['isa_signed_on', 'isa_expires_on'])
      .where('id', '=', agencies.POLICE!)
      .executeTakeFirstOrThrow();
    await db().updateTable('agencies').set({ isa_signed_on: '2023-01-01', isa_expires_on: '2024-01-01' }).where('id', '=', agencies.POLICE!).execute();
    try {
      const expired = await refusal(refer(actors.police, { caseId: policeCase }));
      assert.match(expired.message, /information-sharing agreement is not in force/);
    } finally {
      await db().updateTable('agencies').set(agreement).where('id', '=', agencies.POLICE!).execute();
    }
    const afterCount = await db()
      .selectFrom('referrals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(afterCount.n, before.n, 'nothing half-saved');
  });

  it('puts MARAC referrals in the coordinator’s queue, shares the case with the MARAC agency, and refuses a stale decision', async () => {
    await freshCase();
    const made = await refer(actors.police, { caseId: policeCase, referredOn: '2026-11-20' });
    const queue = await as(actors.coordinator, () => screeningQueue(db(), actors.coordinator));
    const row = queue.rows.find((r) => r.id === made.id);
    assert.ok(row, 'the coordinator (Council, the MARAC agency) sees the referral');
    assert.equal(row.criterion, 'professional_judgement');
    await as(actors.coordinator, () => decideReferral(db(), actors.coordinator, made.id, row.version, { decision: 'accept' }));
    const stale = await refusal(as(actors.coordinator, () => decideReferral(db(), actors.coordinator, made.id, row.version, { decision: 'accept' })));
    assert.equal(stale.status, 409);
    const denied = await refusal(as(actors.practitioner, () => screeningQueue(db(), actors.practitioner)));
    assert.equal(denied.status, 403);
    const saved = await db().selectFrom('referrals').select(['status', 'decided_by']).where('id', '=', made.id).executeTakeFirstOrThrow();
    assert.deepEqual(saved, { status: 'accepted', decided_by: viewer(actors.coordinator).userId });
  });
});
