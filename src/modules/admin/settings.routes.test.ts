import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';

/** The partnership's settings pages, on a real database, as the demo administrator. */
describe('partnership settings', () => {
  let t: TestApp;
  let admin: WebClient;
  const db = () => t.database.db;
  const agencyId = async (code: string) => (await db().selectFrom('agencies').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

  before(async () => {
    t = await createTestApp();
    admin = new WebClient(t.app);
    await admin.signIn('admin@demo.harbour.example');
  });
  after(() => t.close());

  it('is for those who manage settings: a coordinator gets 403 and no link', async () => {
    const coordinator = new WebClient(t.app);
    await coordinator.signIn('coordinator@demo.harbour.example');
    assert.equal((await coordinator.get('/admin/settings')).statusCode, 403);
    assert.ok(!(await coordinator.get('/')).body.includes('href="/admin/settings"'));
    const page = await admin.get('/admin/settings');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Not set: MARAC referrals cannot be made/);
    assert.match(page.body, /Standard 0–9, Medium 10–13, High 14–24/);
  });

  it('saves the escalation window and MARAC agency, refusing bad values, an agency without an agreement and a stale form', async () => {
    const bad = await admin.submit('/admin/settings/referrals', '/admin/settings/referrals', {
      escalationIncidents: '1',
      escalationMonths: 'twelve',
      maracAgencyId: '',
      version: '0',
    });
    assert.equal(bad.statusCode, 303);
    assert.deepEqual(errorSummary((await admin.get('/admin/settings/referrals')).body), [
      'The number of incidents must be between 2 and 20',
      'The number of months must be a whole number',
      'Select the agency that receives MARAC referrals',
    ]);
    await admin.submit('/admin/settings/referrals', '/admin/settings/referrals', {
      escalationIncidents: '3',
      escalationMonths: '6',
      maracAgencyId: await agencyId('SUBSTANCE'),
      version: '0',
    });
    assert.deepEqual(errorSummary((await admin.get('/admin/settings/referrals')).body), [
      'Select an active agency with an information-sharing agreement in force',
    ]);

    const saved = await admin.submit('/admin/settings/referrals', '/admin/settings/referrals', {
      escalationIncidents: '3',
      escalationMonths: '6',
      maracAgencyId: await agencyId('COUNCIL'),
      version: '0',
    });
    assert.equal(saved.headers.location, '/admin/settings');
    const row = await db().selectFrom('referral_settings').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual([row.escalation_incidents, row.escalation_months, row.marac_agency_id, row.version], [3, 6, await agencyId('COUNCIL'), 1]);
    assert.match((await admin.get('/admin/settings')).body, /3 or more incidents in 6 months/);

    // A form opened before that save (version 0) is refused, not applied over it.
    await admin.submit('/admin/settings/referrals', '/admin/settings/referrals', {
      escalationIncidents: '5',
      escalationMonths: '12',
      maracAgencyId: await agencyId('COUNCIL'),
      version: '0',
    });
    assert.match(errorSummary((await admin.get('/admin/settings/referrals')).body)[0] ?? '', /Someone else changed this record/);
    assert.equal((await db().selectFrom('referral_settings').select('escalation_incidents').executeTakeFirstOrThrow()).escalation_incidents, 3);
    const audit = await db()
      .selectFrom('audit_events')
      .select(['details'])
      .where('action', '=', 'referral.settings.update')
      .where('outcome', '=', 'success')
      .execute();
    assert.equal(audit.length, 1);
  });

  it('moves the DASH bands for the partnership, refusing bands out of order', async () => {
    await admin.submit('/admin/settings/risk/dash-ric-24/bands', '/admin/settings/risk/dash-ric-24/bands', { medium: '12', high: '11' });
    assert.deepEqual(errorSummary((await admin.get('/admin/settings/risk/dash-ric-24/bands')).body), [
      'The high band must start at a higher score than the medium band',
    ]);
    await admin.submit('/admin/settings/risk/dash-ric-24/bands', '/admin/settings/risk/dash-ric-24/bands', { medium: '8', high: '12' });
    assert.match((await admin.get('/admin/settings')).body, /Standard 0–7, Medium 8–11, High 12–24 \(this partnership’s thresholds\)/);
    assert.equal((await admin.get('/admin/settings/risk/s-dash/bands')).statusCode, 404, 'no score cut-off to change');
  });

  it('imports a new version, listing every problem with a bad one and saving nothing', async () => {
    await admin.submit('/admin/settings/risk/import', '/admin/settings/risk/import', { definition: '{"id": ' });
    assert.deepEqual(errorSummary((await admin.get('/admin/settings/risk/import')).body), ['The definition is not valid JSON: check it was copied whole']);
    const definition = {
      id: 'h-dash',
      version: 2,
      title: 'Honour-based abuse screening (licensed wording)',
      purpose: 'Screening',
      source: 'Licensed copy',
      answers: ['yes', 'no', 'not_known'],
      sections: [
        {
          id: 'all',
          title: 'Questions',
          questions: [
            { id: 'q1', text: 'First' },
            { id: 'q1', text: 'Again' },
          ],
        },
      ],
      scoring: { rule: 'count_yes', bands: null },
      triggers: [{ question: 'q9', answer: 'yes', instrument: 's-dash' }],
    };
    await admin.submit('/admin/settings/risk/import', '/admin/settings/risk/import', { definition: JSON.stringify(definition) });
    const problems = errorSummary((await admin.get('/admin/settings/risk/import')).body);
    assert.equal(problems.length, 2, problems.join(' | '));
    assert.ok(
      problems.every((p) => /^(sections|triggers)\./.test(p)),
      problems.join(' | '),
    );

    definition.sections[0]!.questions[1]!.id = 'q2';
    definition.triggers[0]!.question = 'q2';
    const imported = await admin.submit('/admin/settings/risk/import', '/admin/settings/risk/import', { definition: JSON.stringify(definition) });
    assert.equal(imported.headers.location, '/admin/settings');
    const held = await db().selectFrom('risk_instruments').select(['version', 'source']).where('instrument_id', '=', 'h-dash').orderBy('version').execute();
    assert.deepEqual(held, [
      { version: 1, source: 'shipped' },
      { version: 2, source: 'imported' },
    ]);
    await admin.submit('/admin/settings/risk/import', '/admin/settings/risk/import', { definition: JSON.stringify(definition) });
    assert.deepEqual(errorSummary((await admin.get('/admin/settings/risk/import')).body), ['Version must be higher than 2, the latest version of h-dash held']);
  });
});
