import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { londonToday, shiftDays } from '../../platform/format.js';
import { createTestApp, csrfToken, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { insertSubmittedAssessment, prepareReferrals } from './referral.test-support.js';

const PRACTITIONER = 'practitioner@demo.harbour.example'; // Children's Social Care
const COORDINATOR = 'coordinator@demo.harbour.example'; // Council: screens MARAC referrals
const CHAIR = 'chair@demo.harbour.example'; // Police
const REP = 'rep@demo.harbour.example'; // Housing

/** A GOV.UK date input's three fields. */
function dateFields(name: string, iso: string): Record<string, string> {
  const [year, month, day] = iso.split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year! };
}

/** The message GOV.UK shows next to a field (its "<id>-error" paragraph), or '' when there is none. */
function fieldError(html: string, id: string): string {
  const match = new RegExp(`<p id="${id}-error" class="govuk-error-message">([\\s\\S]*?)</p>`).exec(html);
  return (match?.[1] ?? '')
    .replace(/<[^>]+>/g, '')
    .replace(/^\s*Error:\s*/, '')
    .trim();
}

describe('incident, referral and screening pages', () => {
  let t: TestApp;
  const db = () => t.database.db;
  const agencies: Record<string, string> = {};
  let practitioner: WebClient;
  let coordinator: WebClient;
  let chair: WebClient;
  let rep: WebClient;
  let victim: string;
  let perpetrator: string;
  let stranger: string;
  let caseId: string;
  const today = londonToday();

  const incidentFields = (overrides: Record<string, string | string[]> = {}) => ({
    ...dateFields('occurredOn', shiftDays(today, -20)),
    occurredAt: '22:40',
    types: ['physical', 'controlling_coercive'],
    perpetratorIds: [perpetrator],
    reportedToPolice: 'yes',
    policeReference: 'HS-240017',
    injuries: 'minor',
    childrenPresent: 'yes',
    locationType: 'victim_home',
    summary: 'He pushed her against the door.',
    ...overrides,
  });
  const referralFields = (overrides: Record<string, string | string[]> = {}) => ({
    destination: 'marac',
    criterion: 'professional_judgement',
    toAgencyId: '',
    reasons: 'Threats have become specific since he learned her new address.',
    ...dateFields('referredOn', today),
    perpetratorIds: [perpetrator],
    consent: 'given',
    ...overrides,
  });
  const count = async (table: 'incidents' | 'referrals') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const refer = (client: WebClient, fields: Record<string, string | string[]>, onCase = caseId) =>
    client.submit(`/cases/${onCase}/referrals/new`, `/cases/${onCase}/referrals`, fields);
  const idFrom = (location: unknown, path: string) => {
    const id = new RegExp(`^/${path}/([0-9a-f-]{36})$`).exec(String(location))?.[1];
    assert.ok(id, `expected a redirect to /${path}/<id>, got ${String(location)}`);
    return id;
  };

  before(async () => {
    t = await createTestApp();
    const pid = t.partnershipId;
    Object.assign(agencies, await prepareReferrals(db(), pid));
    victim = await insertPerson(db(), pid, { agency: 'CSC', given: 'Leah', family: 'Marsh', dob: '1990-02-01' });
    perpetrator = await insertPerson(db(), pid, { agency: 'CSC', given: 'Gary', family: 'Marsh' });
    stranger = await insertPerson(db(), pid, { agency: 'CSC', given: 'Ned', family: 'Vale' });
    caseId = await insertCase(db(), pid, 'CSC', [
      { id: victim, role: 'victim' },
      { id: perpetrator, role: 'perpetrator' },
    ]);
    practitioner = new WebClient(t.app, '10.4.0.1');
    coordinator = new WebClient(t.app, '10.4.0.2');
    chair = new WebClient(t.app, '10.4.0.3');
    rep = new WebClient(t.app, '10.4.0.4');
    await practitioner.signIn(PRACTITIONER);
    await coordinator.signIn(COORDINATOR);
    await chair.signIn(CHAIR);
    await rep.signIn(REP);
  });
  after(() => t.close());

  it('refuses a future date, no type and a perpetrator not on the case, each with its message, and saves nothing', async () => {
    const form = `/cases/${caseId}/incidents/new`;
    let response = await practitioner.submit(
      form,
      `/cases/${caseId}/incidents`,
      incidentFields({ ...dateFields('occurredOn', shiftDays(today, 1)), types: [] }),
    );
    assert.equal(response.headers.location, form);
    let page = await practitioner.get(form);
    assert.deepEqual(errorSummary(page.body), ['Date of the incident must be today or in the past', 'Select the type of abuse']);
    assert.equal(fieldError(page.body, 'types'), 'Select the type of abuse');
    assert.match(page.body, /name="occurredAt"[^>]*value="22:40"/, 'what was typed comes back');

    await practitioner.submit(form, `/cases/${caseId}/incidents`, incidentFields({ 'occurredOn-year': '1899', occurredAt: '25:00', reportedToPolice: '' }));
    assert.deepEqual(errorSummary((await practitioner.get(form)).body), [
      'Date of the incident must be the same as or after 1 January 1900',
      'Enter the time on the 24-hour clock, like 22:40',
      'Select whether the incident was reported to the police',
    ]);

    response = await practitioner.submit(form, `/cases/${caseId}/incidents`, incidentFields({ perpetratorIds: [perpetrator, stranger] }));
    assert.equal(response.headers.location, form);
    page = await practitioner.get(form);
    assert.deepEqual(errorSummary(page.body), ['Select perpetrators who are on this case']);
    assert.match(page.body, /href="#perpetratorIds"/, 'the summary links to the checkboxes');
    assert.equal(await count('incidents'), 0, 'nothing half-saved');
  });

  it('records an incident and shows it on its page and on the case', async () => {
    const response = await practitioner.submit(`/cases/${caseId}/incidents/new`, `/cases/${caseId}/incidents`, incidentFields());
    const id = idFrom(response.headers.location, 'incidents');
    const page = await practitioner.get(`/incidents/${id}`);
    assert.equal(page.statusCode, 200);
    for (const text of [
      'Incident recorded',
      'Physical abuse, Controlling or coercive behaviour',
      'Gary Marsh',
      'Yes, reference HS-240017',
      'Minor injuries',
      'The victim’s home',
    ])
      assert.ok(page.body.includes(text), `the incident page shows ${text}`);
    assert.doesNotMatch(page.body, /This is a repeat/);
    const saved = await db().selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([saved.occurred_at_time, saved.police_reference, saved.is_repeat], ['22:40:00', 'HS-240017', false]);

    const casePage = await practitioner.get(`/cases/${caseId}`);
    assert.match(casePage.body, new RegExp(`href="/incidents/${id}"`));
    assert.match(casePage.body, /Record an incident/);
    assert.match(casePage.body, /Make a referral/);
    assert.equal((await rep.get(`/incidents/${id}`)).statusCode, 404, 'another agency cannot open it');
  });

  it('shows the service’s reason next to the criterion when the records do not support it', async () => {
    const form = `/cases/${caseId}/referrals/new`;
    let response = await refer(practitioner, referralFields({ criterion: 'visible_high_risk' }));
    assert.equal(response.headers.location, form);
    let page = await practitioner.get(form);
    const noScore =
      'There is no scored risk assessment on this case, so it is not visible high risk. Complete a DASH, or choose professional judgement and give your reasons.';
    assert.deepEqual(errorSummary(page.body), [noScore]);
    assert.equal(fieldError(page.body, 'criterion'), noScore);
    assert.match(page.body, /value="visible_high_risk" checked/, 'the choice comes back');

    await insertSubmittedAssessment(db(), {
      partnershipId: t.partnershipId,
      caseId,
      personId: victim,
      agencyId: agencies.CSC!,
      score: 12,
      band: 'medium',
      assessedOn: shiftDays(today, -3),
    });
    page = await practitioner.get(form);
    assert.match(page.body, /Score 12 \(Medium\)/, 'the form shows the latest score and band');
    await refer(practitioner, referralFields({ criterion: 'visible_high_risk' }));
    assert.match(fieldError((await practitioner.get(form)).body, 'criterion'), /scores 12, under the high-risk threshold/);

    page = await practitioner.get(form);
    assert.match(page.body, /1 incident in the 12 months to today/, 'the form counts incidents in the escalation window');
    await refer(practitioner, referralFields({ criterion: 'potential_escalation' }));
    assert.equal(
      fieldError((await practitioner.get(form)).body, 'criterion'),
      '1 incident recorded in the 12 months to the referral date; potential escalation needs 3.',
    );
    await refer(practitioner, referralFields({ criterion: 'repeat' }));
    assert.match(
      fieldError((await practitioner.get(form)).body, 'criterion'),
      /no MARAC referral with these perpetrators in the 12 months before .*, so this is not a repeat/,
    );

    await refer(practitioner, referralFields({ criterion: 'professional_judgement', reasons: ' ' }));
    assert.equal(fieldError((await practitioner.get(form)).body, 'reasons'), 'Give your reasons for referring on professional judgement');
    assert.equal(await count('referrals'), 0);
  });

  it('refuses sharing without consent unless a lawful basis and a reason are given', async () => {
    const form = `/cases/${caseId}/referrals/new`;
    await refer(practitioner, referralFields({ consent: 'refused' }));
    let page = await practitioner.get(form);
    assert.deepEqual(errorSummary(page.body), ['Select the lawful basis for sharing without consent', 'Give your reason for sharing without consent']);
    assert.equal(fieldError(page.body, 'lawfulBasis-refused'), 'Select the lawful basis for sharing without consent');
    await refer(
      practitioner,
      referralFields({ consent: 'not_sought', 'lawfulBasis-not_sought': 'made_up', 'consentReason-not_sought': 'Contact would alert him' }),
    );
    page = await practitioner.get(form);
    assert.deepEqual(errorSummary(page.body), ['Select the lawful basis for sharing without consent']);
    assert.equal(await count('referrals'), 0);
  });

  it('says up front when the agency’s information-sharing agreement is not in force, and refuses a MARAC referral', async () => {
    const form = `/cases/${caseId}/referrals/new`;
    const agreement = await db().selectFrom('agencies').select(['isa_signed_on', 'isa_expires_on']).where('id', '=', agencies.CSC!).executeTakeFirstOrThrow();
    await db()
      .updateTable('agencies')
      .set({ isa_signed_on: '2023-01-01', isa_expires_on: shiftDays(today, -1) })
      .where('id', '=', agencies.CSC!)
      .execute();
    try {
      const message = 'Your agency’s information-sharing agreement is not in force, so it cannot refer to MARAC. Ask your partnership manager to renew it.';
      assert.ok((await practitioner.get(form)).body.includes(message), 'the form warns before it is filled in');
      await refer(practitioner, referralFields());
      const page = await practitioner.get(form);
      assert.deepEqual(errorSummary(page.body), [message]);
      assert.equal(fieldError(page.body, 'destination'), message);
    } finally {
      await db().updateTable('agencies').set(agreement).where('id', '=', agencies.CSC!).execute();
    }
    assert.equal(await count('referrals'), 0);
  });

  let maracReferral: string;
  let maracReference: string;

  it('makes a MARAC referral, and a later incident is flagged as a repeat of it, linked only for those who may see it', async () => {
    const response = await refer(
      practitioner,
      referralFields({ consent: 'not_sought', 'lawfulBasis-not_sought': 'safeguarding', 'consentReason-not_sought': 'Contact would alert him' }),
    );
    maracReferral = idFrom(response.headers.location, 'referrals');
    const page = await practitioner.get(`/referrals/${maracReferral}`);
    assert.equal(page.statusCode, 200);
    maracReference = /<h1 class="govuk-heading-l">(REF-\d+)<\/h1>/.exec(page.body)?.[1] ?? '';
    assert.ok(maracReference, 'the page is headed by the referral’s reference');
    for (const text of [
      `Referral ${maracReference} made`,
      'Awaiting screening',
      'Professional judgement',
      'Threats have become specific',
      'Consent was not sought',
      'Safeguarding a child or an adult at risk',
      'Contact would alert him',
      '1 incident when the referral was made',
      'Harbourshire Council Community Safety',
    ])
      assert.ok(page.body.includes(text), `the referral page shows ${text}`);

    const form = await practitioner.get(`/cases/${caseId}/referrals/new`);
    assert.match(form.body, /Yes: a referral to MARAC today would be a repeat/);

    const incident = await practitioner.submit(`/cases/${caseId}/incidents/new`, `/cases/${caseId}/incidents`, incidentFields(dateFields('occurredOn', today)));
    const incidentPage = await practitioner.get(String(incident.headers.location));
    assert.match(incidentPage.body, /Incident recorded. Harbour has flagged it as a repeat./);
    assert.match(incidentPage.body, /This is a repeat: within 12 months of the MARAC referral on/);
    assert.match(incidentPage.body, new RegExp(`href="/referrals/${maracReferral}"`), 'linked for the referrer');

    const housingCase = await insertCase(db(), t.partnershipId, 'HOUSING', [
      { id: victim, role: 'victim' },
      { id: perpetrator, role: 'perpetrator' },
    ]);
    const housing = await rep.submit(`/cases/${housingCase}/incidents/new`, `/cases/${housingCase}/incidents`, incidentFields(dateFields('occurredOn', today)));
    const housingPage = await rep.get(String(housing.headers.location));
    assert.match(housingPage.body, /This is a repeat: within 12 months of the MARAC referral on/);
    assert.doesNotMatch(housingPage.body, new RegExp(`/referrals/${maracReferral}`), 'not linked for an agency that may not open it');
    assert.equal((await rep.get(`/referrals/${maracReferral}`)).statusCode, 404, 'another agency gets 404');
    assert.equal((await rep.get(`/cases/${caseId}/referrals/new`)).statusCode, 404);
  });

  it('gives the coordinator the queue (403 for a practitioner); declining needs a coded reason and an explanation', async () => {
    assert.equal((await practitioner.get('/referrals/screening')).statusCode, 403);
    assert.equal((await practitioner.get(`/referrals/${maracReferral}/screening`)).statusCode, 403);
    const queue = await coordinator.get('/referrals/screening');
    assert.equal(queue.statusCode, 200);
    assert.match(queue.body, /1 referral awaiting screening/);
    const row = new RegExp(`href="/referrals/${maracReferral}/screening">${maracReference}[\\s\\S]*?</tr>`).exec(queue.body)?.[0] ?? '';
    for (const text of ['LM', 'Professional judgement', '12', 'Referred today', 'Children’s Social Care'])
      assert.ok(row.includes(text), `the queue row shows ${text}`);
    assert.match(queue.body, /href="\/referrals\/screening"[^>]*aria-current/, 'the navigation shows the queue');

    const decision = `/referrals/${maracReferral}/screening`;
    let response = await coordinator.submit(decision, decision, { version: '1', outcome: 'decline', declineCode: '', declineReason: '' });
    assert.equal(response.headers.location, decision);
    assert.deepEqual(errorSummary((await coordinator.get(decision)).body), [
      'Select why you are declining the referral',
      'Explain why you are declining the referral',
    ]);

    response = await coordinator.submit(decision, decision, {
      version: '1',
      outcome: 'decline',
      declineCode: 'insufficient_information',
      declineReason: 'No detail of the threats: please add the incidents.',
    });
    assert.equal(response.headers.location, '/referrals/screening');
    const after = await coordinator.get('/referrals/screening');
    assert.match(after.body, new RegExp(`Referral ${maracReference} declined`));
    assert.match(after.body, /There are no MARAC referrals waiting to be screened/);

    const stale = await coordinator.post(decision, { version: '1', outcome: 'accept' }, after.body);
    assert.equal(stale.headers.location, decision);
    const conflict = await coordinator.get(decision);
    assert.deepEqual(errorSummary(conflict.body), [
      'Someone else changed this record while you were editing it. Your changes were not saved: check the record as it is now and make them again.',
    ]);
    const saved = await db().selectFrom('referrals').select(['status', 'decline_code']).where('id', '=', maracReferral).executeTakeFirstOrThrow();
    assert.deepEqual(saved, { status: 'declined', decline_code: 'insufficient_information' });
  });

  it('shows the referrer the decision and the coordinator’s explanation', async () => {
    const page = await practitioner.get(`/referrals/${maracReferral}`);
    for (const text of ['Declined', 'There is not enough information to screen it', 'No detail of the threats: please add the incidents.', 'Tasha Greenwood'])
      assert.ok(page.body.includes(text), `the referrer sees ${text}`);
    const events = await db().selectFrom('audit_events').select(['action', 'outcome']).where('subject_id', '=', maracReferral).orderBy('seq').execute();
    const actions = events.map((e) => `${e.action}:${e.outcome}`);
    for (const expected of [
      'referral.create:success',
      'referral.view:success',
      'referral.screen.view:success',
      'referral.decline:success',
      'referral.decide:failure',
    ])
      assert.ok(actions.includes(expected), `audited ${expected}: ${actions.join(', ')}`);
  });

  it('accepts a referral from the queue, oldest first', async () => {
    const policeVictim = await insertPerson(db(), t.partnershipId, { agency: 'POLICE', given: 'Zoe', family: 'Ashby' });
    const policeCase = await insertCase(db(), t.partnershipId, 'POLICE', [{ id: policeVictim, role: 'victim' }]);
    const older = idFrom(
      (await refer(chair, referralFields({ perpetratorIds: [], ...dateFields('referredOn', shiftDays(today, -4)) }), policeCase)).headers.location,
      'referrals',
    );
    const newer = idFrom((await refer(practitioner, referralFields({ perpetratorIds: [] }))).headers.location, 'referrals');
    const queue = await coordinator.get('/referrals/screening');
    assert.ok(queue.body.indexOf(older) < queue.body.indexOf(newer) && queue.body.indexOf(older) > 0, 'oldest first');
    assert.match(queue.body, /4 days/);
    const decision = `/referrals/${older}/screening`;
    const response = await coordinator.submit(decision, decision, { version: '1', outcome: 'accept' });
    assert.equal(response.headers.location, '/referrals/screening');
    assert.match((await coordinator.get('/referrals/screening')).body, /accepted for the next MARAC/);
    assert.match((await chair.get(`/referrals/${older}`)).body, /Accepted for the next MARAC/);
  });

  it('shows the queue 50 referrals a page, oldest first, with a link to the next page', async () => {
    const made = idFrom((await refer(practitioner, referralFields({ perpetratorIds: [] }))).headers.location, 'referrals');
    // 60 more awaiting screening, referred on the 60 days before today: copies of the one just made.
    await sql`insert into referrals select (jsonb_populate_record(null::referrals, to_jsonb(r) || jsonb_build_object('id', gen_random_uuid(),
        'reference', r.reference || '-' || g, 'referred_on', r.referred_on - g, 'idempotency_key', null))).*
      from referrals r, generate_series(1, 60) g where r.id = ${made}`.execute(db());
    const waiting = await db()
      .selectFrom('referrals')
      .select(['id', 'referred_on', 'created_at'])
      .where('destination', '=', 'marac')
      .where('status', '=', 'awaiting_screening')
      .orderBy('referred_on')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    assert.ok(waiting.length > 60 && waiting.length <= 100, `${waiting.length} awaiting`);
    const listed = (body: string) => [...body.matchAll(/href="\/referrals\/([0-9a-f-]{36})\/screening"/g)].map((m) => m[1]);
    const first = await coordinator.get('/referrals/screening');
    assert.deepEqual(
      listed(first.body),
      waiting.slice(0, 50).map((r) => r.id),
      'the 50 oldest, in order',
    );
    assert.match(first.body, /50 referrals awaiting screening on this page/);
    const next = /<a class="govuk-link govuk-pagination__link" href="(\/referrals\/screening\?after=[^"]+)" rel="next">/.exec(first.body)?.[1];
    assert.equal(next, `/referrals/screening?after=${waiting[49]!.id}`);
    const second = await coordinator.get(next!.replace(/&amp;/g, '&'));
    assert.deepEqual(
      listed(second.body),
      waiting.slice(50).map((r) => r.id),
      'the rest, in order',
    );
    assert.match(second.body, /href="\/referrals\/screening" rel="prev">[\s\S]*?Back to the oldest/);
    assert.doesNotMatch(second.body, /rel="next"/, 'no page after the last');
    assert.equal((await coordinator.get('/referrals/screening?after=not-a-referral')).statusCode, 400);
  });

  it('refers to another service: the receiving agency is required and is given the case', async () => {
    const form = `/cases/${caseId}/referrals/new`;
    await refer(practitioner, referralFields({ destination: 'idva', criterion: '' }));
    assert.deepEqual(errorSummary((await practitioner.get(form)).body), ['Select the agency that will receive the referral']);
    const reasons = 'She asked for an IDVA.\n<b>Call on her work phone</b>';
    const response = await refer(practitioner, referralFields({ destination: 'idva', criterion: '', toAgencyId: agencies.IDVA!, reasons }));
    const id = idFrom(response.headers.location, 'referrals');
    const page = await practitioner.get(`/referrals/${id}`);
    assert.match(page.body, /IDVA service: Safer Futures IDVA Service/);
    assert.match(page.body, /She asked for an IDVA\.<br \/>\s*&lt;b&gt;Call on her work phone&lt;\/b&gt;/, 'reasons keep their lines, escaped');
    assert.match(page.body, /Sent/);
    const shared = await db().selectFrom('case_agencies').select('agency_id').where('case_id', '=', caseId).execute();
    assert.ok(shared.some((s) => s.agency_id === agencies.IDVA));
    const casePage = await practitioner.get(`/cases/${caseId}`);
    assert.match(casePage.body, new RegExp(`href="/referrals/${id}"`));
    assert.match(casePage.body, new RegExp(`href="/referrals/${maracReferral}"`));
  });

  it('answers 404 for a case or referral that does not exist, and refuses a form without its token', async () => {
    assert.equal((await practitioner.get('/cases/00000000-0000-4000-8000-000000000000/incidents/new')).statusCode, 404);
    assert.equal((await practitioner.get('/referrals/00000000-0000-4000-8000-000000000000')).statusCode, 404);
    const page = await practitioner.get(`/cases/${caseId}/incidents/new`);
    const forged = await practitioner.post(`/cases/${caseId}/incidents`, { ...incidentFields(), _csrf: `${csrfToken(page.body)}x` });
    assert.equal(forged.statusCode, 403);
  });
});
