import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyThresholds, SHIPPED_INSTRUMENTS, triggeredInstruments, type AnswerValue, type Band } from './risk.instrument.js';
import { assess, bandFor, checkAnswers, judge, scoreAnswers } from './risk.scoring.js';

const [DASH, SDASH] = SHIPPED_INSTRUMENTS as [(typeof SHIPPED_INSTRUMENTS)[number], (typeof SHIPPED_INSTRUMENTS)[number]];
const DASH_BANDS = DASH.scoring.bands!;

/** The 24 DASH answers: the listed question numbers yes (or not known), every other no. */
function dash(yes: number[], notKnown: number[] = []): Record<string, AnswerValue> {
  const value = (n: number): AnswerValue => (yes.includes(n) ? 'yes' : notKnown.includes(n) ? 'not_known' : 'no');
  return Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`q${i + 1}`, value(i + 1)]));
}
const firstN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

function submitted(raw: Record<string, unknown>, options: { level?: 'standard' | 'medium' | 'high'; rationale?: string; bands?: Band[] | null } = {}) {
  return assess(DASH, raw, {
    bands: options.bands === undefined ? DASH_BANDS : options.bands,
    level: options.level ?? null,
    rationale: options.rationale ?? null,
  });
}

describe('DASH scoring and banding', () => {
  it('counts the yes answers of a hand-worked set, and how many were not known', () => {
    // Injury, fear, what is feared, stalking, controlling, threats to kill, strangulation: 7 yes; money and drugs not known.
    const { answers, problems } = checkAnswers(DASH, dash([1, 2, 3, 8, 12, 14, 15], [20, 21]), { requireAll: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(scoreAnswers(answers), { score: 7, answered: 24, notKnown: 2 });
    assert.equal(bandFor(DASH_BANDS, 7), 'standard');
  });

  it('bands the boundaries: 9 standard, 10 medium, 13 medium, 14 high (the MARAC threshold)', () => {
    const bandOf = (yes: number) => {
      const outcome = submitted(dash(firstN(yes)));
      assert.ok(outcome.ok);
      return [outcome.result.score, outcome.result.scoreBand, outcome.result.level];
    };
    assert.deepEqual(bandOf(0), [0, 'standard', 'standard']);
    assert.deepEqual(bandOf(9), [9, 'standard', 'standard']);
    assert.deepEqual(bandOf(10), [10, 'medium', 'medium']);
    assert.deepEqual(bandOf(13), [13, 'medium', 'medium']);
    assert.deepEqual(bandOf(14), [14, 'high', 'high']);
    assert.deepEqual(bandOf(24), [24, 'high', 'high']);
  });

  it('scores all "not known" as 0, standard, keeping the 24 unknowns for the assessor to see', () => {
    const outcome = submitted(dash([], firstN(24)));
    assert.ok(outcome.ok);
    assert.deepEqual([outcome.result.score, outcome.result.notKnown, outcome.result.scoreBand], [0, 24, 'standard']);
  });

  it('does not count which questions are yes, only how many', () => {
    const early = submitted(dash(firstN(14)));
    const late = submitted(dash(firstN(24).slice(10)));
    assert.ok(early.ok && late.ok);
    assert.deepEqual([early.result.score, late.result.score, late.result.scoreBand], [14, 14, 'high']);
  });

  it('bands with a partnership’s own thresholds', () => {
    const moved = applyThresholds(DASH_BANDS, { medium: 8, high: 12 }, 24);
    assert.ok(moved.ok);
    assert.deepEqual(moved.bands, [
      { level: 'standard', min: 0, max: 7 },
      { level: 'medium', min: 8, max: 11 },
      { level: 'high', min: 12, max: 24 },
    ]);
    assert.deepEqual(
      [7, 8, 11, 12].map((score) => bandFor(moved.bands, score)),
      ['standard', 'medium', 'medium', 'high'],
    );
    const onlyHigh = applyThresholds(DASH_BANDS, { high: 16 }, 24);
    assert.ok(onlyHigh.ok);
    assert.deepEqual([bandFor(onlyHigh.bands, 14), bandFor(onlyHigh.bands, 15), bandFor(onlyHigh.bands, 16)], ['medium', 'medium', 'high']);
  });

  it('refuses thresholds that would not give ordered bands covering every score', () => {
    const problems = (thresholds: Parameters<typeof applyThresholds>[1]) => {
      const result = applyThresholds(DASH_BANDS, thresholds, 24);
      return result.ok ? [] : result.problems.map((p) => p.field);
    };
    assert.deepEqual(problems({ medium: 12, high: 10 }), ['high'], 'high must start above medium');
    assert.deepEqual(problems({ medium: 15 }), ['medium'], 'medium cannot start at or above the default high');
    assert.deepEqual(problems({ high: 25 }), ['high'], 'beyond the number of questions');
    assert.deepEqual(problems({ standard: 2 }), ['standard'], 'the lowest band always starts at 0');
    assert.deepEqual(applyThresholds(DASH_BANDS, { medium: 12, high: 12 }, 24).ok, false);
  });

  it('gives no band to an instrument with no cut-off', () => {
    assert.equal(bandFor(SDASH.scoring.bands, 11), null);
  });
});

describe('professional judgement', () => {
  it('raises a medium score to high with written reasons', () => {
    const outcome = submitted(dash(firstN(11)), { level: 'high', rationale: '  Threats to kill made since the checklist; she believes them.  ' });
    assert.ok(outcome.ok);
    assert.deepEqual([outcome.result.scoreBand, outcome.result.level, outcome.result.raised], ['medium', 'high', true]);
    assert.equal(outcome.result.rationale, 'Threats to kill made since the checklist; she believes them.');
  });

  it('refuses a raise without reasons, and blank reasons are none', () => {
    for (const rationale of [null, '', '   ']) {
      const refused = judge({ score: 11, scoreBand: 'medium', level: 'high', rationale });
      assert.deepEqual(refused.ok ? null : [refused.refusal.code, refused.refusal.field], ['rationale_required', 'rationale']);
    }
    const refused = judge({ score: 3, scoreBand: 'standard', level: 'medium', rationale: null });
    assert.ok(!refused.ok);
    assert.equal(refused.refusal.message, 'Explain why your professional judgement raises the level from standard to medium');
  });

  it('never lowers a score-based high, and says why', () => {
    for (const level of ['medium', 'standard'] as const) {
      const outcome = submitted(dash(firstN(15)), { level, rationale: 'She says things have calmed down' });
      assert.ok(!outcome.ok && 'refusal' in outcome);
      assert.equal(outcome.refusal.code, 'cannot_lower_high');
      assert.equal(outcome.refusal.field, 'level');
      assert.equal(
        outcome.refusal.message,
        'A score of 15 is high risk. Professional judgement can raise a level but never lower a high risk, so the level stays high',
      );
    }
  });

  it('sets no level below the score’s band', () => {
    const refused = judge({ score: 12, scoreBand: 'medium', level: 'standard', rationale: 'Reasons' });
    assert.ok(!refused.ok);
    assert.equal(refused.refusal.code, 'below_score_band');
    assert.match(refused.refusal.message, /A score of 12 is medium risk.*select medium or higher/);
  });

  it('keeps the score’s band when the assessor chooses it or nothing, with no reasons needed', () => {
    assert.deepEqual(judge({ score: 14, scoreBand: 'high', level: 'high', rationale: null }), { ok: true, level: 'high', raised: false, rationale: null });
    assert.deepEqual(judge({ score: 5, scoreBand: 'standard', level: null, rationale: null }), { ok: true, level: 'standard', raised: false, rationale: null });
  });

  it('takes the assessor’s level on an instrument with no cut-off, and requires one', () => {
    const missing = judge({ score: 6, scoreBand: null, level: null, rationale: null });
    assert.ok(!missing.ok);
    assert.equal(missing.refusal.code, 'level_required');
    assert.deepEqual(judge({ score: 1, scoreBand: null, level: 'high', rationale: null }), { ok: true, level: 'high', raised: false, rationale: null });
  });
});

describe('checking a set of answers', () => {
  it('lists every problem at once, in question order, then unknown questions', () => {
    const raw: Record<string, unknown> = { ...dash([1, 2]), q3: 'maybe', q5: 'YES', q7: 1, extra: 'yes', q99: 'no' };
    delete raw.q4;
    delete raw.q24;
    const { answers, problems } = checkAnswers(DASH, raw, { requireAll: true });
    assert.deepEqual(
      problems.map((p) => [p.field, p.code]),
      [
        ['answers.q3', 'invalid_answer'],
        ['answers.q4', 'missing_answer'],
        ['answers.q5', 'invalid_answer'],
        ['answers.q7', 'invalid_answer'],
        ['answers.q24', 'missing_answer'],
        ['answers.extra', 'unknown_question'],
        ['answers.q99', 'unknown_question'],
      ],
    );
    assert.equal(problems[0]!.message, 'Question 3 must be answered yes, no or not known');
    assert.equal(problems[1]!.message, 'Question 4 is not answered: select yes, no or not known');
    assert.equal(problems[5]!.message, 'Domestic abuse risk checklist (DASH RIC, 24 questions) (version 1) has no question extra');
    assert.equal(Object.keys(answers).length, 19, 'the good answers are still read');
  });

  it('refuses to score incomplete answers', () => {
    const outcome = submitted({ q1: 'yes' });
    assert.ok(!outcome.ok && 'problems' in outcome);
    assert.equal(outcome.problems.length, 23);
  });

  it('takes answers with notes, trims them and limits their length', () => {
    const raw = {
      ...dash([1]),
      q1: { answer: 'yes', note: '  Bruised arm, not treated  ' },
      q2: { answer: 'no', note: 'x'.repeat(1001) },
      q3: { answer: 'no', note: '' },
    };
    const { answers, problems } = checkAnswers(DASH, raw, { requireAll: true });
    assert.deepEqual(answers.q1, { answer: 'yes', note: 'Bruised arm, not treated' });
    assert.deepEqual(answers.q3, { answer: 'no' });
    assert.deepEqual(
      problems.map((p) => [p.field, p.message]),
      [['answers.q2.note', 'The note on question 2 must be 1000 characters or fewer']],
    );
  });

  it('checks one section’s page: its own questions only, not all of them needed', () => {
    const now = DASH.sections[0]!.questions.map((q) => q.id);
    const { answers, problems } = checkAnswers(
      DASH,
      { q1: 'yes', q2: '', q6: 'no', q3: { answer: '', note: 'Fears for the children' } },
      { questions: now, requireAll: false },
    );
    assert.deepEqual(answers, { q1: { answer: 'yes' } });
    assert.deepEqual(
      problems.map((p) => [p.field, p.code, p.message]),
      [
        ['answers.q3', 'missing_answer', 'Question 3 has a note but no answer: select yes, no or not known'],
        ['answers.q6', 'not_in_section', 'Question 6 is not in this section'],
      ],
    );
  });

  it('treats an inherited property name as an unknown question, never as an answer', () => {
    const raw = JSON.parse('{"__proto__": "yes", "constructor": "yes"}') as Record<string, unknown>;
    const { answers, problems } = checkAnswers(DASH, { ...dash([]), ...raw }, { requireAll: true });
    assert.deepEqual(
      problems.map((p) => p.field),
      ['answers.__proto__', 'answers.constructor'],
    );
    assert.equal(scoreAnswers(answers).score, 0);
  });

  it('calls for S-DASH after a yes to stalking and H-DASH after a yes to another person threatening', () => {
    const { answers } = checkAnswers(DASH, dash([8, 17]), { requireAll: true });
    assert.deepEqual(triggeredInstruments(DASH, answers), ['s-dash', 'h-dash']);
    const none = checkAnswers(DASH, dash([1, 2], [8, 17]), { requireAll: true });
    assert.deepEqual(triggeredInstruments(DASH, none.answers), []);
  });
});
