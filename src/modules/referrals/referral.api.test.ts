import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { insertCase } from '../../../test/support/people.js';
import { MISSING_ID, type Json } from '../people/people.api.test-support.js';
import { referralCreatedSchema, type ReferralOut } from './referral.api.schemas.js';
import { referralApiTestApp } from './referral.api.test-support.js';

const URL = '/api/v1/referrals';

/** The 24 DASH answers: the first `yes` questions yes, every other no. */
const dash = (yes: number) => Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`q${i + 1}`, i < yes ? 'yes' : 'no']));

/** A MARAC referral on visible high risk of a new victim and perpetrator, with a 14-yes DASH and one incident. */
function referral(family: string, overrides: Json = {}): Json {
  return {
    destination: 'marac',
    criterion: 'visible_high_risk',
    referredOn: '2025-01-10',
    victim: { firstName: 'Leah', lastName: family, dateOfBirth: '1990-04-02' },
    perpetrators: [{ firstName: 'Gary', lastName: `${family}-Cole`, relationship: 'ex_partner' }],
    riskAssessment: { instrument: 'dash-ric-24', answers: dash(14) },
    incidents: [{ occurredOn: '2024-12-20', types: ['physical', 'controlling_coercive'], policeReference: 'HP/123/24' }],
    consent: { status: 'given' },
    ...overrides,
  };
}

/** POST /api/v1/referrals on a real database: the contract of issue 4, all or nothing, idempotent, audited. */
describe('POST /api/v1/referrals', () => {
  const api = referralApiTestApp({
    police: { agency: 'POLICE', scopes: ['referrals'] },
    policeAll: { agency: 'POLICE', scopes: ['*'] },
    housing: { agency: 'HOUSING', scopes: ['referrals'] },
    education: { agency: 'EDUCATION', scopes: ['referrals'] },
    noReferrals: { agency: 'POLICE', scopes: ['risk', 'cases:write', 'people:write'] },
  });
  const { tokens, post, problem, counts, db } = api;
  const created = async (response: Awaited<ReturnType<typeof post>>): Promise<ReferralOut> => {
    assert.equal(response.statusCode, 201, response.body);
    return referralCreatedSchema.parse(response.json());
  };
  const namedPeople = async (family: string) =>
    (await db().selectFrom('person_names').select('person_id').where('family_name', '=', family).execute()).map((r) => r.person_id);

  it('answers 401 without a token and 403 problem+json without the referrals scope', async () => {
    assert.equal(problem(await post(URL, undefined, referral('Nobody')), 401).code, 'unauthenticated');
    assert.equal(problem(await post(URL, tokens.noReferrals.token, referral('Nobody')), 403).code, 'forbidden');
  });

  let first: ReferralOut;

  it('records the victim, perpetrator, case, assessment and incident, then the referral, audited with the token', async () => {
    first = await created(await post(URL, tokens.police.token, referral('Marsh')));
    const [victimId] = await namedPeople('Marsh');
    const [perpetratorId] = await namedPeople('Marsh-Cole');
    assert.deepEqual([first.victimId, first.perpetratorIds], [victimId, [perpetratorId]]);
    assert.equal(first.caseOpened, true);
    assert.deepEqual(
      [first.destination, first.criterion, first.referredOn, first.repeat, first.repeatOf, first.score, first.band, first.escalationCount],
      ['marac', 'visible_high_risk', '2025-01-10', false, null, 14, 'high', 1],
    );
    assert.equal(first.toAgencyId, await api.agencyId('COUNCIL'));
    assert.match(first.reference, /^REF-\d{6}$/);

    const police = await api.agencyId('POLICE');
    const theCase = await db().selectFrom('cases').selectAll().where('id', '=', first.caseId).executeTakeFirstOrThrow();
    assert.deepEqual([theCase.owning_agency_id, theCase.status, theCase.opened_on], [police, 'open', '2025-01-10']);
    const onCase = await db()
      .selectFrom('case_people')
      .select(['person_id', 'role', 'relationship'])
      .where('case_id', '=', first.caseId)
      .orderBy('role')
      .execute();
    assert.deepEqual(onCase, [
      { person_id: perpetratorId, role: 'perpetrator', relationship: 'ex_partner' },
      { person_id: victimId, role: 'victim', relationship: null },
    ]);
    const people = await db().selectFrom('people').select(['owning_agency_id', 'date_of_birth']).where('id', 'in', [victimId!, perpetratorId!]).execute();
    assert.ok(people.every((p) => p.owning_agency_id === police));

    const assessment = await db().selectFrom('risk_assessments').selectAll().where('id', '=', first.riskAssessmentId!).executeTakeFirstOrThrow();
    assert.deepEqual(
      [assessment.case_id, assessment.status, assessment.score, assessment.score_band, assessment.level, assessment.assessed_on],
      [first.caseId, 'submitted', 14, 'high', 'high', '2025-01-10'],
    );
    assert.deepEqual([assessment.assessor_user_id, assessment.assessor_agency_id, assessment.victim_participated], [null, police, true]);
    assert.equal(Object.keys(assessment.answers).length, 24);

    const [incident] = await db().selectFrom('incidents').selectAll().where('case_id', '=', first.caseId).execute();
    assert.deepEqual(first.incidentIds, [incident!.id]);
    assert.deepEqual(
      [incident!.occurred_on, incident!.types, incident!.reported_to_police, incident!.police_reference, incident!.perpetrator_ids, incident!.injuries],
      ['2024-12-20', ['physical', 'controlling_coercive'], true, 'HP/123/24', [perpetratorId], 'not_known'],
    );
    assert.equal(incident!.recorded_by, null);

    const row = await db().selectFrom('referrals').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    assert.deepEqual([row.api_token_id, row.referred_by, row.idempotency_key, row.risk_assessment_id], [tokens.police.id, null, null, first.riskAssessmentId]);
    const sharedWith = await db().selectFrom('case_agencies').select('agency_id').where('case_id', '=', first.caseId).execute();
    assert.deepEqual(sharedWith, [{ agency_id: first.toAgencyId }]);

    // One request, one audit trail: each step under its own event name, all naming the token and no user.
    const made = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'referral.create')
      .where('subject_id', '=', first.id)
      .executeTakeFirstOrThrow();
    const trail = await db().selectFrom('audit_events').selectAll().where('request_id', '=', made.request_id).orderBy('seq').execute();
    assert.deepEqual(
      trail.map((e) => e.action),
      ['person.create', 'case.create', 'person.create', 'case.person.add', 'risk.assessment.submit', 'incident.create', 'referral.create'],
    );
    assert.ok(trail.every((e) => e.api_token_id === tokens.police.id && e.user_id === null && e.outcome === 'success'));
  });

  it('answers 400 listing every problem with the body at once, and saves nothing', async () => {
    const before = await counts();
    const body = problem(
      await post(URL, tokens.police.token, {
        destination: 'marac',
        referredOn: '2999-01-01',
        victim: { firstName: 'Leah' },
        perpetrators: [{ firstName: 'Gary', lastName: 'Cole', dateOfBirth: '1990-13-01', relationship: 'neighbour' }, { id: 'not-an-id' }],
        incidents: [{ occurredOn: '2999-01-01', types: [] }],
        consent: { status: 'not_sought' },
      }),
      400,
    );
    assert.equal(body.code, 'validation_failed');
    assert.deepEqual(body.fields, {
      referredOn: 'Date of the referral must be today or in the past',
      'perpetrators.0.dateOfBirth': 'Date of birth must be a real date in the form YYYY-MM-DD',
      'perpetrators.0.relationship': `relationship must be one of: partner, ex_partner, spouse, ex_spouse, engaged, parent_of_same_child, relative_parent, relative_child, relative_sibling, relative_grandparent, relative_other, carer, other`,
      'incidents.0.occurredOn': 'Date of the incident must be today or in the past',
      'incidents.0.types': 'Select at least one type of abuse',
      criterion: 'Select the criterion the MARAC referral meets',
      'consent.lawfulBasis': 'Without the victim’s consent, give the lawful basis for sharing',
      'consent.reason': 'Without the victim’s consent, give your reason for sharing',
      'victim.lastName': 'Enter their last name',
      'victim.dateOfBirth': 'Enter their date of birth, or an estimated age if you do not know it',
      'perpetrators.1.id': 'Enter the Harbour ID exactly as it appears on the person’s page',
    });

    // The answers are checked against the instrument, each problem on its path.
    const { q3: _missing, ...answers } = dash(14);
    const unanswered = problem(
      await post(
        URL,
        tokens.police.token,
        referral('Unsaved', { riskAssessment: { instrument: 'dash-ric-24', answers: { ...answers, q4: 'maybe', q77: 'yes' } } }),
      ),
      400,
    );
    assert.deepEqual(Object.keys(unanswered.fields), ['riskAssessment.answers.q3', 'riskAssessment.answers.q4', 'riskAssessment.answers.q77']);
    // Professional judgement raising a level needs reasons: refused after the people were written, so rolled back.
    const raised = problem(
      await post(URL, tokens.police.token, referral('Unsaved', { riskAssessment: { instrument: 'dash-ric-24', answers: dash(10), level: 'high' } })),
      400,
    );
    assert.deepEqual(Object.keys(raised.fields), ['riskAssessment.rationale']);
    const key = problem(await post(URL, tokens.police.token, referral('Unsaved'), { 'idempotency-key': 'k'.repeat(201) }), 400);
    assert.deepEqual(key.fields, { 'Idempotency-Key': 'Idempotency-Key must be 1 to 200 printable characters' });
    assert.deepEqual(await counts(), before);
  });

  it('answers 422 saying why for a criterion the data does not support, leaving no person, case, assessment or incident behind', async () => {
    const before = await counts();
    const notHigh = problem(
      await post(URL, tokens.police.token, referral('Okafor', { riskAssessment: { instrument: 'dash-ric-24', answers: dash(13) } })),
      422,
    );
    assert.equal(notHigh.code, 'criterion_not_met');
    assert.match(notHigh.fields.criterion!, /scores 13, under the high-risk threshold/);
    assert.deepEqual(await namedPeople('Okafor'), []);

    const noReasons = problem(await post(URL, tokens.police.token, referral('Okafor', { criterion: 'professional_judgement' })), 422);
    assert.deepEqual(noReasons.fields, { reasons: 'Give your reasons for referring on professional judgement' });
    const notEscalating = problem(await post(URL, tokens.police.token, referral('Okafor', { criterion: 'potential_escalation' })), 422);
    assert.equal(notEscalating.fields.criterion, '1 incident recorded in the 12 months to the referral date; potential escalation needs 3.');
    const noAgreement = problem(await post(URL, tokens.education.token, referral('Okafor')), 422);
    assert.equal(noAgreement.code, 'isa_not_in_force');
    assert.deepEqual(await counts(), before);

    // The failure is audited under the request's own event; the steps' events went with the rollback.
    const failures = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'referral.create')
      .where('outcome', '=', 'failure')
      .where('api_token_id', '=', tokens.police.id)
      .orderBy('seq')
      .execute();
    const failed = failures.find((e) => (e.details as Json).error === 'criterion_not_met');
    assert.equal((failed!.details as Json).status, 422);
    const steps = await db().selectFrom('audit_events').select('action').where('request_id', '=', failed!.request_id).execute();
    assert.deepEqual(steps, [{ action: 'referral.create' }]);
  });

  it('treats a victim, perpetrator or case the token’s agency may not see as not found: 422, exactly like a missing one', async () => {
    const before = await counts();
    const hidden = problem(await post(URL, tokens.housing.token, referral('Marsh', { victim: { id: first.victimId } })), 422);
    const missing = problem(await post(URL, tokens.housing.token, referral('Marsh', { victim: { id: MISSING_ID } })), 422);
    assert.equal(hidden.code, 'person_not_found');
    assert.deepEqual(hidden.fields, missing.fields);
    assert.deepEqual(Object.keys(hidden.fields), ['victim.id']);
    const perpetrator = problem(await post(URL, tokens.housing.token, referral('Hidden', { perpetrators: [{ id: first.perpetratorIds[0] }] })), 422);
    assert.deepEqual([perpetrator.code, Object.keys(perpetrator.fields)], ['person_not_found', ['perpetrators.0.id']]);
    const theCase = problem(await post(URL, tokens.housing.token, referral('Hidden', { caseId: first.caseId, victim: undefined })), 422);
    assert.deepEqual([theCase.code, Object.keys(theCase.fields)], ['case_not_found', ['caseId']]);
    assert.deepEqual(await counts(), before);
  });

  let june: ReferralOut;

  it('uses the victim’s open case that has these perpetrators, else opens one, and flags a repeat', async () => {
    const again = { victim: { id: first.victimId }, perpetrators: [{ id: first.perpetratorIds[0] }], riskAssessment: undefined, incidents: [] };
    june = await created(await post(URL, tokens.police.token, referral('Marsh', { ...again, criterion: 'repeat', referredOn: '2025-06-01' })));
    assert.deepEqual([june.caseId, june.caseOpened, june.repeat, june.repeatOf], [first.caseId, false, true, first.id]);
    // With no assessment sent, the case's latest scored one counts.
    assert.deepEqual([june.riskAssessmentId, june.score, june.band, june.incidentIds], [first.riskAssessmentId, 14, 'high', []]);

    // A perpetrator new to Harbour is on no case: a new case, which is no repeat of a referral about someone else.
    const newPerpetrator = { firstName: 'Shane', lastName: 'Doyle' };
    const other = await created(
      await post(
        URL,
        tokens.police.token,
        referral('Marsh', { ...again, perpetrators: [newPerpetrator], criterion: 'professional_judgement', reasons: 'Threats' }),
      ),
    );
    assert.deepEqual([other.victimId, other.caseOpened, other.repeat, other.score], [first.victimId, true, false, null]);
    assert.notEqual(other.caseId, first.caseId);
    const onNewCase = await db().selectFrom('case_people').select(['role', 'relationship']).where('case_id', '=', other.caseId).orderBy('role').execute();
    assert.deepEqual(onNewCase, [
      { role: 'perpetrator', relationship: 'other' },
      { role: 'victim', relationship: null },
    ]);

    // Given the case, a perpetrator not on it yet is added to it.
    const onFirst = await created(
      await post(URL, tokens.police.token, {
        ...referral('Marsh', { ...again, caseId: first.caseId, victim: undefined, perpetrators: [{ id: other.perpetratorIds[0] }] }),
        criterion: 'professional_judgement',
        reasons: 'New partner',
      }),
    );
    assert.deepEqual([onFirst.caseId, onFirst.victimId, onFirst.caseOpened], [first.caseId, first.victimId, false]);
    const perpetrators = await db()
      .selectFrom('case_people')
      .select('person_id')
      .where('case_id', '=', first.caseId)
      .where('role', '=', 'perpetrator')
      .execute();
    assert.equal(perpetrators.length, 2);
  });

  it('finds a repeat of a MARAC referral another agency made, on a case the referring agency cannot see', async () => {
    const [victim, perpetrator] = [first.victimId, first.perpetratorIds[0]!];
    const housingCase = await insertCase(db(), api.partnershipId(), 'HOUSING', [
      { id: victim, role: 'victim' },
      { id: perpetrator, role: 'perpetrator' },
    ]);
    const sent = { victim: { id: victim }, perpetrators: [{ id: perpetrator }], riskAssessment: undefined, incidents: [], criterion: 'repeat' };
    // Twelve calendar months and a day after the last one, it would be a new referral: the repeat criterion is refused.
    const late = problem(await post(URL, tokens.housing.token, referral('Marsh', { ...sent, referredOn: '2026-06-02' })), 422);
    assert.equal(late.code, 'criterion_not_met');
    assert.match(late.fields.criterion!, /no MARAC referral with these perpetrators in the 12 months before/);
    const repeat = await created(await post(URL, tokens.housing.token, referral('Marsh', { ...sent, referredOn: '2026-06-01' })));
    assert.deepEqual([repeat.caseId, repeat.caseOpened, repeat.repeat, repeat.repeatOf], [housingCase, false, true, june.id]);
  });

  it('makes nothing twice for a retried Idempotency-Key, answering 201 with the first referral and a replay header', async () => {
    const key = randomUUID();
    const idva = await api.agencyId('IDVA');
    const body = referral('Idem', { destination: 'idva', criterion: undefined, toAgencyId: idva, riskAssessment: undefined });
    const original = await post(URL, tokens.police.token, body, { 'idempotency-key': key });
    const made = await created(original);
    assert.equal(original.headers['idempotent-replayed'], undefined);
    assert.deepEqual([made.destination, made.criterion, made.toAgencyId, made.repeat, made.score], ['idva', null, idva, false, null]);
    const shared = await db().selectFrom('case_agencies').select('agency_id').where('case_id', '=', made.caseId).execute();
    assert.deepEqual(shared, [{ agency_id: idva }]);

    const before = await counts();
    const retry = await post(URL, tokens.police.token, body, { 'idempotency-key': key });
    assert.equal(retry.statusCode, 201);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.deepEqual(await created(retry), made);
    assert.deepEqual(await counts(), before);
    const replays = await db().selectFrom('audit_events').selectAll().where('action', '=', 'referral.replay').where('subject_id', '=', made.id).execute();
    assert.deepEqual(
      replays.map((e) => [e.outcome, e.api_token_id]),
      [['success', tokens.police.id]],
    );

    // The key is the token's own: another token's request with it is another referral.
    const otherToken = await created(await post(URL, tokens.policeAll.token, body, { 'idempotency-key': key }));
    assert.notEqual(otherToken.id, made.id);
    // The same key for a different referral is a mistake, said so.
    const reused = problem(await post(URL, tokens.police.token, { ...body, referredOn: '2025-01-11' }, { 'idempotency-key': key }), 422);
    assert.equal(reused.code, 'idempotency_key_reused');
  });

  it('makes one referral from two identical requests sent at once with the same key', async () => {
    const key = randomUUID();
    const body = referral('Twice', { criterion: 'professional_judgement', reasons: 'Sent twice by a retrying client' });
    const before = await counts();
    const [a, b] = await Promise.all([
      post(URL, tokens.police.token, body, { 'idempotency-key': key }),
      post(URL, tokens.police.token, body, { 'idempotency-key': key }),
    ]);
    assert.deepEqual(await created(a), await created(b));
    assert.deepEqual([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].sort(), ['true', undefined].sort());
    assert.equal((await namedPeople('Twice')).length, 1);
    const after = await counts();
    assert.deepEqual(Object.fromEntries(Object.keys(after).map((table) => [table, after[table]! - before[table]!])), {
      people: 2,
      person_names: 2,
      cases: 1,
      case_people: 2,
      case_agencies: 1,
      risk_assessments: 1,
      incidents: 1,
      referrals: 1,
    });
  });

  it('is in the OpenAPI document with its request and response components', async () => {
    const doc = (await api.get('/api/v1/openapi.json')).json();
    const operation = doc.paths['/api/v1/referrals'].post;
    assert.equal(operation['x-required-scope'], 'referrals');
    assert.equal(operation.requestBody.content['application/json'].schema.$ref, '#/components/schemas/ReferralInput');
    assert.equal(operation.responses['201'].content['application/json'].schema.$ref, '#/components/schemas/ReferralCreated');
    assert.match(operation.summary, /Idempotency-Key/);
    const header = operation.parameters.find((p: { in: string }) => p.in === 'header');
    assert.deepEqual([header.name, header.required], ['Idempotency-Key', false]);
    assert.ok(operation.responses['422'], 'the 422 answer is documented');
    assert.equal(operation.responses['409'], undefined);
    assert.equal(doc.paths['/api/v1/risk-assessments/score'].post.responses['409'], undefined, 'the instrument version is no record version');
    const schemas = doc.components.schemas;
    for (const name of ['ReferralVictim', 'ReferralPerpetrator', 'ReferralRiskAssessment', 'ReferralIncident', 'ReferralConsent'])
      assert.ok(schemas[name], name);
    assert.deepEqual(schemas.ReferralInput.required.sort(), ['consent', 'destination', 'referredOn']);
    for (const field of ['id', 'caseId', 'victimId', 'perpetratorIds', 'repeat', 'repeatOf'])
      assert.ok(schemas.ReferralCreated.required.includes(field), field);
  });
});
