import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presentRiskHistory, presentRiskPanel } from './risk.presenter.js';
import type { Assessment } from './risk.service.js';

const assessment = (fields: Partial<Assessment>): Assessment => ({
  id: 'a1',
  caseId: 'c1',
  personId: 'p1',
  instrument: { id: 'dash-ric-24', version: 1, title: 'DASH' },
  status: 'submitted',
  score: 11,
  scoreBand: 'medium',
  level: 'medium',
  raisedByJudgement: false,
  rationale: null,
  assessor: { userId: 'u1', name: 'Ruth Okonkwo', agencyId: 'g1', agencyName: 'Safer Futures IDVA Service' },
  assessedOn: '2026-03-01',
  victimParticipated: true,
  submittedAt: new Date('2026-03-01T10:00:00Z'),
  version: 3,
  createdAt: new Date('2026-03-01T09:00:00Z'),
  updatedAt: new Date('2026-03-01T10:00:00Z'),
  ...fields,
});

describe('risk history presenter', () => {
  it('shows words, not codes, and says when professional judgement raised the level', () => {
    const { rows } = presentRiskHistory([
      assessment({
        id: 'a3',
        status: 'draft',
        score: null,
        scoreBand: null,
        level: null,
        assessedOn: '2026-05-02',
        assessor: { userId: null, name: null, agencyId: 'g2', agencyName: 'Harbourshire Police' },
      }),
      assessment({ id: 'a2', scoreBand: 'medium', level: 'high', raisedByJudgement: true, assessedOn: '2026-04-01' }),
      assessment({ id: 'a1' }),
    ]);
    assert.deepEqual(rows[0], {
      id: 'a3',
      assessedOn: '2 May 2026',
      instrument: 'DASH, version 1',
      status: 'Draft',
      score: '',
      scoreBand: 'Not scored yet',
      level: null,
      judgement: null,
      assessor: 'Harbourshire Police',
    });
    assert.deepEqual([rows[1]!.level, rows[1]!.judgement], [{ text: 'High', colour: 'red' }, 'Raised from medium by professional judgement']);
    assert.deepEqual([rows[2]!.score, rows[2]!.scoreBand, rows[2]!.assessor], ['11', 'Medium', 'Ruth Okonkwo, Safer Futures IDVA Service']);
  });

  it('charts submitted scored assessments only, oldest first', () => {
    const { points } = presentRiskHistory([
      assessment({ id: 'draft', status: 'draft', score: null, scoreBand: null, level: null }),
      assessment({ id: 'sdash', score: 4, scoreBand: null, level: 'high', instrument: { id: 's-dash', version: 1, title: 'S-DASH' } }),
      assessment({ id: 'b', score: 15, scoreBand: 'high', level: 'high', assessedOn: '2026-04-01' }),
      assessment({ id: 'a', assessedOn: '2026-03-01' }),
    ]);
    assert.deepEqual(points, [
      { date: '2026-03-01', score: 11, level: 'medium' },
      { date: '2026-04-01', score: 15, level: 'high' },
    ]);
  });

  it('puts submitted assessments in the history and its chart, and offers "Continue" on a draft to its assessor only', () => {
    const panel = presentRiskPanel(
      [
        assessment({ id: 'mine', status: 'draft', score: null, scoreBand: null, level: null, assessedOn: '2026-05-02' }),
        assessment({
          id: 'theirs',
          status: 'draft',
          score: null,
          scoreBand: null,
          level: null,
          assessor: { userId: 'u2', name: 'Ruth Okonkwo', agencyId: 'g1', agencyName: 'IDVA' },
        }),
        assessment({ id: 'b', score: 15, scoreBand: 'high', level: 'high', assessedOn: '2026-04-01' }),
        assessment({ id: 'a', assessedOn: '2026-03-01' }),
      ],
      'u1',
      'c1',
    );
    assert.equal(panel.caseId, 'c1');
    assert.deepEqual(
      panel.history.map((row) => row.id),
      ['b', 'a'],
    );
    assert.deepEqual(
      panel.drafts.map((draft) => [draft.id, draft.mine]),
      [
        ['mine', true],
        ['theirs', false],
      ],
    );
    assert.deepEqual(
      panel.chart?.dots.map((dot) => [dot.label, dot.title]),
      [
        ['11', '1 March 2026: score 11, medium risk'],
        ['15', '1 April 2026: score 15, high risk'],
      ],
    );
    assert.equal(presentRiskPanel([], 'u1', 'c1').chart, null);
  });
});
