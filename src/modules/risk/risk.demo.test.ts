import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/support/app.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { userActor } from '../../platform/request-context.js';
import { seedCasesDemo } from '../people/case.demo.js';
import { seedRiskDemo } from './risk.demo.js';
import { presentRiskHistory } from './risk.presenter.js';
import { listCaseAssessments } from './risk.service.js';

describe('demo risk histories', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await seedCasesDemo(t.database.db, t.partnershipId);
    assert.equal(await seedRiskDemo(t.database.db, t.partnershipId), 20);
  });
  after(() => t.close());

  it('gives demo cases histories over time: high, medium and standard, one raised by professional judgement', async () => {
    type Counts = Record<'submitted' | 'drafts' | 'high' | 'medium' | 'standard' | 'raised' | 'supplementary' | 'with_history' | 'audited', number>;
    const { rows } = await sql<Counts>`
      select
        count(*) filter (where status = 'submitted')::int as submitted,
        count(*) filter (where status = 'draft')::int as drafts,
        count(*) filter (where score_band = 'high')::int as high,
        count(*) filter (where score_band = 'medium')::int as medium,
        count(*) filter (where score_band = 'standard')::int as standard,
        count(*) filter (where raised_by_judgement)::int as raised,
        count(*) filter (where instrument_id <> 'dash-ric-24' and status = 'submitted')::int as supplementary,
        (select count(*) from (select case_id from risk_assessments where status = 'submitted' and instrument_id = 'dash-ric-24'
           group by case_id having count(*) > 1) x)::int as with_history,
        (select count(*) from audit_events where action = 'risk.assessment.submit' and details ->> 'via' = 'demo seed')::int as audited
      from risk_assessments`.execute(t.database.db);
    assert.deepEqual(rows[0], {
      submitted: 19,
      drafts: 1,
      high: 6,
      medium: 7,
      standard: 3,
      raised: 1,
      supplementary: 3,
      with_history: 5,
      audited: 19,
    });
    const raised = await t.database.db
      .selectFrom('risk_assessments')
      .select(['score', 'score_band', 'level', 'judgement_rationale'])
      .where('raised_by_judgement', '=', true)
      .executeTakeFirstOrThrow();
    assert.deepEqual([raised.score, raised.score_band, raised.level], [9, 'standard', 'high']);
    assert.ok(raised.judgement_rationale);
  });

  it('shows a case’s risk history to an agency that shares it, newest first, with its chart points oldest first', async () => {
    const idva = await userActor(t.database.db, t.partnershipId, 'idva@demo.harbour.example', 'test');
    const { id } = await t.database.db
      .selectFrom('cases as c')
      .innerJoin('case_people as cp', 'cp.case_id', 'c.id')
      .innerJoin('person_names as n', 'n.person_id', 'cp.person_id')
      .select('c.id')
      .where('cp.role', '=', 'victim')
      .where('n.family_name', '=', 'Castell')
      .executeTakeFirstOrThrow();
    const history = presentRiskHistory(await listCaseAssessments(t.database.db, idva.principal as UserPrincipal, id));
    assert.deepEqual(
      history.rows.map((r) => [r.score, r.scoreBand, r.level?.text]),
      [
        ['12', 'Medium', 'Medium'],
        ['7', 'No score cut-off', 'High'],
        ['15', 'High', 'High'],
        ['11', 'Medium', 'Medium'],
      ],
    );
    assert.deepEqual(
      history.points.map((p) => [p.score, p.level]),
      [
        [11, 'medium'],
        [15, 'high'],
        [12, 'medium'],
      ],
    );
  });
});
