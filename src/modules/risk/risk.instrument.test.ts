import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../platform/audit.js';
import { parseInstrument, questionsOf, SHIPPED_FILES, SHIPPED_INSTRUMENTS, type Band, type InstrumentDefinition } from './risk.instrument.js';

const [DASH, SDASH, HDASH] = SHIPPED_INSTRUMENTS as [InstrumentDefinition, InstrumentDefinition, InstrumentDefinition];
const KNOWN = new Set(['dash-ric-24', 's-dash', 'h-dash']);

/** A copy of the shipped DASH to break one thing at a time. */
const dashCopy = (): InstrumentDefinition => structuredClone(DASH);
function problemsWith(change: (d: InstrumentDefinition & Record<string, unknown>) => void): string[] {
  const definition = dashCopy() as InstrumentDefinition & Record<string, unknown>;
  change(definition);
  const parsed = parseInstrument(definition, KNOWN);
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.field}: ${p.message}`);
}

describe('shipped risk instruments', () => {
  it('ship DASH RIC with 24 questions q1..q24 in four sections and the default bands', () => {
    assert.deepEqual([DASH.id, DASH.version], ['dash-ric-24', 1]);
    assert.deepEqual(
      questionsOf(DASH).map((q) => q.id),
      Array.from({ length: 24 }, (_, i) => `q${i + 1}`),
    );
    assert.equal(DASH.sections.length, 4);
    assert.deepEqual(DASH.answers, ['yes', 'no', 'not_known']);
    assert.deepEqual(DASH.scoring, {
      rule: 'count_yes',
      bands: [
        { level: 'standard', min: 0, max: 9 },
        { level: 'medium', min: 10, max: 13 },
        { level: 'high', min: 14, max: 24 },
      ],
    });
    assert.deepEqual(DASH.triggers, [
      { question: 'q8', answer: 'yes', instrument: 's-dash' },
      { question: 'q17', answer: 'yes', instrument: 'h-dash' },
    ]);
    assert.ok(
      questionsOf(DASH).every((q) => q.help),
      'every question has help text',
    );
  });

  it('ship S-DASH (11 questions) and H-DASH (10) with no score cut-off', () => {
    assert.deepEqual([SDASH.id, questionsOf(SDASH).length, SDASH.scoring.bands], ['s-dash', 11, null]);
    assert.deepEqual([HDASH.id, questionsOf(HDASH).length, HDASH.scoring.bands], ['h-dash', 10, null]);
  });

  it('never change a shipped version: new wording is a new file with a new version', () => {
    // Partnerships hold a copy of each shipped version, and assessments point at it; a silently edited file would
    // make new partnerships' "version 1" differ from everyone else's. Formatting may change; content may not.
    const fingerprints = Object.fromEntries(
      SHIPPED_FILES.map((file) => {
        const content = JSON.parse(fs.readFileSync(new URL(`./instruments/${file}`, import.meta.url), 'utf8')) as unknown;
        return [file, createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 16)];
      }),
    );
    assert.deepEqual(fingerprints, {
      'dash-ric-24.v1.json': '3d19925d55eabae6',
      's-dash.v1.json': 'd811f750a534e11f',
      'h-dash.v1.json': '88f4f15c5970e248',
    });
  });
});

describe('instrument definitions', () => {
  it('accept licensed wording as a new version', () => {
    const licensed = dashCopy();
    licensed.version = 2;
    licensed.source = 'Official wording, used under the partnership’s licence';
    licensed.sections[0]!.questions[0]!.text = 'Official wording of question 1';
    const parsed = parseInstrument(licensed, KNOWN);
    assert.ok(parsed.ok);
    assert.equal(parsed.instrument.sections[0]!.questions[0]!.text, 'Official wording of question 1');
  });

  it('refuse a question id used twice, even in different sections', () => {
    assert.deepEqual(
      problemsWith((d) => (d.sections[2]!.questions[0]!.id = 'q2')),
      ['sections.2.questions.0.id: Question id q2 is used more than once'],
    );
  });

  it('refuse bands with a gap, an overlap, the wrong order or scores left uncovered', () => {
    const changed = (bands: Band[], i: number, change: Partial<Band>) => bands.map((band, j) => (j === i ? { ...band, ...change } : band));
    const swapped = ([standard, medium, high]: Band[]) => [standard!, { ...high!, min: 10, max: 13 }, { ...medium!, min: 14, max: 24 }];
    const broken: [change: (bands: Band[]) => Band[], problem: string][] = [
      [(bands) => changed(bands, 1, { min: 11 }), 'scoring.bands.1.min: Band medium must start at 10, just after band standard ends'],
      [(bands) => changed(bands, 2, { min: 13 }), 'scoring.bands.2.min: Band high must start at 14, just after band medium ends'],
      [swapped, 'scoring.bands.2.level: Band medium must be a higher level than band high, the band before it'],
      [(bands) => changed(bands, 2, { max: 20 }), 'scoring.bands.2.max: The last band must end at 24, the number of questions'],
      [(bands) => changed(bands, 0, { min: 1 }), 'scoring.bands.0.min: The first band must start at a score of 0'],
    ];
    for (const [change, problem] of broken) {
      assert.deepEqual(
        problemsWith((d) => (d.scoring.bands = change(d.scoring.bands!))),
        [problem],
      );
    }
  });

  it('refuse triggers that name no real question, answer or instrument', () => {
    assert.deepEqual(
      problemsWith((d) => {
        d.triggers = [
          { question: 'q30', answer: 'yes', instrument: 's-dash' },
          { question: 'q8', answer: 'yes', instrument: 'stalking-x' },
          { question: 'q8', answer: 'yes', instrument: 'dash-ric-24' },
        ];
      }),
      [
        'triggers.0.question: There is no question q30 in this instrument',
        'triggers.1.instrument: There is no instrument stalking-x',
        'triggers.2.instrument: An instrument cannot call for itself',
      ],
    );
    assert.deepEqual(
      problemsWith((d) => {
        d.answers = ['yes', 'no'];
        d.triggers = [{ question: 'q8', answer: 'not_known', instrument: 's-dash' }];
      }),
      ['triggers.0.answer: not_known is not one of this instrument’s answers'],
    );
  });

  it('refuse unknown fields, odd ids, blank text and answer sets without yes, listing every problem at once', () => {
    const problems = problemsWith((d) => {
      d.id = 'DASH 24';
      d.colour = 'red';
      d.answers = ['no', 'not_known'];
      d.sections[0]!.questions[0]!.text = ' ';
    });
    assert.deepEqual(problems, [
      'id: Use lower-case letters, digits and hyphens, like dash-ric-24',
      'answers: The answers must include yes and no',
      'sections.0.questions.0.text: Too small: expected string to have >=1 characters',
      'definition: Unrecognized key: "colour"',
      'triggers.0.answer: yes is not one of this instrument’s answers',
      'triggers.1.answer: yes is not one of this instrument’s answers',
    ]);
  });
});
