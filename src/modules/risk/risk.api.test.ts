import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemActor } from '../../platform/request-context.js';
import { apiTestApp } from '../people/people.api.test-support.js';
import { riskScore } from './risk.api.schemas.js';
import { setBandThresholds } from './risk.settings.service.js';

const URL = '/api/v1/risk-assessments/score';

/** The 24 DASH answers: the first `yes` questions yes, the next `notKnown` not known, every other no. */
function dash(yes: number, notKnown = 0): Record<string, string> {
  return Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`q${i + 1}`, i < yes ? 'yes' : i < yes + notKnown ? 'not_known' : 'no']));
}

/** POST /api/v1/risk-assessments/score on a real database: the contract of issue 4, audited, storing nothing. */
describe('POST /api/v1/risk-assessments/score', () => {
  const api = apiTestApp({
    risk: { agency: 'POLICE', scopes: ['risk'] },
    all: { agency: 'IDVA', scopes: ['*'] },
    peopleOnly: { agency: 'POLICE', scopes: ['people:read', 'people:write', 'referrals'] },
  });
  const { tokens, call, problem, fields, events, db } = api;
  const score = async (body: unknown, token = tokens.risk.token) => {
    const response = await call('POST', URL, token, body);
    assert.equal(response.statusCode, 200, response.body);
    return riskScore.parse(response.json());
  };

  it('answers 401 without a token and 403 problem+json without the risk scope', async () => {
    assert.equal(problem(await call('POST', URL, undefined, { instrument: 'dash-ric-24', answers: dash(14) }), 401).code, 'unauthenticated');
    const refused = problem(await call('POST', URL, tokens.peopleOnly.token, { instrument: 'dash-ric-24', answers: dash(14) }), 403);
    assert.equal(refused.code, 'forbidden');
    const [denied] = (await events('risk.score')).filter((e) => e.api_token_id === tokens.peopleOnly.id);
    assert.equal(denied?.outcome, 'denied');
  });

  it('scores and bands DASH at its boundaries: 9 standard, 10 and 13 medium, 14 high', async () => {
    const bandOf = async (yes: number) => {
      const { instrument, version, score: n, band } = await score({ instrument: 'dash-ric-24', answers: dash(yes) });
      assert.deepEqual([instrument, version, n], ['dash-ric-24', 1, yes]);
      return band;
    };
    assert.equal(await bandOf(9), 'standard');
    assert.equal(await bandOf(10), 'medium');
    assert.equal(await bandOf(13), 'medium');
    assert.equal(await bandOf(14), 'high');
    assert.deepEqual(await score({ instrument: 'dash-ric-24', version: 1, answers: dash(0, 24) }), {
      instrument: 'dash-ric-24',
      version: 1,
      score: 0,
      band: 'standard',
    });
    // A "*" token has every scope.
    assert.equal((await score({ instrument: 'dash-ric-24', answers: dash(14) }, tokens.all.token)).band, 'high');
  });

  it('answers band null for an instrument with no score cut-off (the assessor decides the level)', async () => {
    const answers = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`q${i + 1}`, i < 6 ? 'yes' : 'no']));
    assert.deepEqual(await score({ instrument: 's-dash', answers }), { instrument: 's-dash', version: 1, score: 6, band: null });
  });

  it('bands with the partnership’s own thresholds', async () => {
    await setBandThresholds(db(), systemActor(api.partnershipId(), 'test'), 'dash-ric-24', { medium: 8, high: 12 });
    try {
      assert.equal((await score({ instrument: 'dash-ric-24', answers: dash(12) })).band, 'high');
    } finally {
      await setBandThresholds(db(), systemActor(api.partnershipId(), 'test'), 'dash-ric-24', null);
    }
    assert.equal((await score({ instrument: 'dash-ric-24', answers: dash(12) })).band, 'medium');
  });

  it('lists every problem with the answers, one per question, with its path', async () => {
    const { q1: _missing, q7: _alsoMissing, ...answers } = dash(14);
    const body = problem(
      await call('POST', URL, tokens.risk.token, { instrument: 'dash-ric-24', answers: { ...answers, q5: 'maybe', q9: 1, q99: 'yes' } }),
      400,
    );
    assert.equal(body.code, 'validation_failed');
    assert.deepEqual(fields(body), {
      'answers.q1': 'Question 1 is not answered: select yes, no or not known',
      'answers.q5': 'Question 5 must be answered yes, no or not known',
      'answers.q7': 'Question 7 is not answered: select yes, no or not known',
      'answers.q9': 'Question 9 must be answered yes, no or not known',
      'answers.q99': 'Domestic abuse risk checklist (DASH RIC, 24 questions) (version 1) has no question q99',
    });
    assert.deepEqual(Object.keys(fields(problem(await call('POST', URL, tokens.risk.token, { answers: [] }), 400))).sort(), ['answers', 'instrument']);
    assert.deepEqual(fields(problem(await call('POST', URL, tokens.risk.token, { instrument: 'dash-ric-99', answers: dash(1) }), 400)), {
      instrument: 'There is no risk instrument dash-ric-99',
    });
    assert.deepEqual(fields(problem(await call('POST', URL, tokens.risk.token, { instrument: 'dash-ric-24', version: 7, answers: dash(1) }), 400)), {
      instrument: 'There is no version 7 of the risk instrument dash-ric-24',
    });
  });

  it('stores nothing, and audits each call with the token and the instrument, never the answers', async () => {
    const before = await db()
      .selectFrom('risk_assessments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await score({ instrument: 'dash-ric-24', answers: dash(3) });
    const after = await db()
      .selectFrom('risk_assessments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
    const audited = (await events('risk.score')).filter((e) => e.api_token_id === tokens.risk.id);
    const last = audited.at(-1)!;
    assert.equal(last.outcome, 'success');
    assert.equal(last.user_id, null);
    assert.deepEqual(
      { instrument: (last.details as Record<string, unknown>).instrument, version: (last.details as Record<string, unknown>).version },
      { instrument: 'dash-ric-24', version: 1 },
    );
    assert.doesNotMatch(JSON.stringify(last.details), /q1|yes/);
    assert.ok(
      audited.some((e) => e.outcome === 'failure'),
      'refused requests are audited too',
    );
  });

  it('is in the OpenAPI document with its request and response components', async () => {
    const doc = (await call('GET', '/api/v1/openapi.json')).json();
    const operation = doc.paths['/api/v1/risk-assessments/score'].post;
    assert.equal(operation['x-required-scope'], 'risk');
    assert.equal(operation.requestBody.content['application/json'].schema.$ref, '#/components/schemas/RiskScoreRequest');
    assert.equal(operation.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/RiskScore');
    assert.deepEqual(doc.components.schemas.RiskScore.properties.band.anyOf, [{ type: 'string', enum: ['standard', 'medium', 'high'] }, { type: 'null' }]);
    assert.deepEqual(doc.components.schemas.RiskScoreRequest.required.sort(), ['answers', 'instrument']);
  });
});
