import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, WebClient, type TestApp } from '../../../test/support/app.js';
import { seedCasesDemo } from './case.demo.js';

describe('demo cases', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    assert.equal(await seedCasesDemo(t.database.db, t.partnershipId), 25);
  });
  after(() => t.close());

  it('covers the stages and shapes a demo needs', async () => {
    type Counts = Record<'cases' | 'closed' | 'two_perpetrators' | 'repeat_perpetrators' | 'children' | 'shared' | 'restrictions' | 'audited', number>;
    const { rows } = await sql<Counts>`
      select
        (select count(*) from cases)::int as cases,
        (select count(*) from cases where status = 'closed')::int as closed,
        (select count(*) from (select case_id from case_people where role = 'perpetrator' group by case_id having count(*) = 2) x)::int as two_perpetrators,
        (select count(*) from (select person_id from case_people where role = 'perpetrator' group by person_id having count(*) > 1) x)::int as repeat_perpetrators,
        (select count(*) from case_people where role = 'child')::int as children,
        (select count(*) from case_agencies)::int as shared,
        (select count(*) from restrictions where removed_at is null and blocked_user_id is not null)::int as restrictions,
        (select count(*) from audit_events where action = 'case.create')::int as audited`.execute(t.database.db);
    const counts = rows[0]!;
    assert.equal(counts.cases, 25);
    assert.ok(counts.closed >= 5 && counts.closed < 25, 'open and closed cases');
    assert.ok(counts.two_perpetrators >= 3, 'some victims have two perpetrators');
    assert.equal(counts.repeat_perpetrators, 1, 'one perpetrator is on two cases');
    assert.ok(counts.children >= 10);
    assert.ok(counts.shared >= 20);
    assert.equal(counts.restrictions, 1);
    assert.equal(counts.audited, 25, 'each case has its audit trail, so its timeline');
  });

  it('hides the restricted case from the named demo user only', async () => {
    const rep = new WebClient(t.app, '10.5.0.1');
    await rep.signIn('rep@demo.harbour.example');
    const list = await rep.get('/cases');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Zara Mensah/, 'Housing sees cases shared with it');
    assert.doesNotMatch(list.body, /Uma Patel/);
    const chair = new WebClient(t.app, '10.5.0.2');
    await chair.signIn('chair@demo.harbour.example');
    assert.match((await chair.get('/cases')).body, /Uma Patel/, 'the police, who were given it too, still see it');
  });
});
