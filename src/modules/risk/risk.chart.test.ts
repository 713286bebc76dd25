import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scoreChart } from './risk.chart.js';

const describeIt = (p: { date: string; score: number }) => `${p.date}: ${p.score}`;

describe('risk score chart', () => {
  it('has nothing to draw without a scored assessment', () => {
    assert.equal(scoreChart([], describeIt), null);
  });

  it('spaces the points by time, scores up the axis from 0 to the next multiple of 5', () => {
    const chart = scoreChart(
      [
        { date: '2026-01-01', score: 11 },
        { date: '2026-01-31', score: 16 },
        { date: '2026-03-02', score: 4 },
      ],
      describeIt,
    )!;
    assert.deepEqual(
      chart.yTicks.map((tick) => tick.label),
      ['0', '5', '10', '15', '20'],
    );
    const [first, middle, last] = chart.dots;
    assert.equal(first!.x, chart.plot.left);
    assert.equal(last!.x, chart.plot.right);
    assert.equal(middle!.x, (chart.plot.left + chart.plot.right) / 2, 'half-way in time is half-way along');
    assert.equal(chart.yTicks[0]!.y, chart.plot.bottom, 'a score of 0 sits on the axis');
    assert.equal(chart.yTicks.at(-1)!.y, chart.plot.top);
    assert.ok(middle!.y < first!.y && first!.y < last!.y, 'a higher score is drawn higher');
    assert.deepEqual(
      chart.dots.map((d) => [d.label, d.title]),
      [
        ['11', '2026-01-01: 11'],
        ['16', '2026-01-31: 16'],
        ['4', '2026-03-02: 4'],
      ],
    );
    assert.equal(chart.line, chart.dots.map((d) => `${d.x},${d.y}`).join(' '));
    assert.deepEqual(
      chart.xLabels.map((l) => [l.label, l.anchor]),
      [
        ['1 January 2026', 'start'],
        ['2 March 2026', 'end'],
      ],
    );
  });

  it('centres a single point, and spreads points of one day evenly under one date', () => {
    const one = scoreChart([{ date: '2026-05-05', score: 0 }], describeIt)!;
    assert.equal(one.dots[0]!.x, (one.plot.left + one.plot.right) / 2);
    assert.deepEqual(
      one.yTicks.map((tick) => tick.label),
      ['0', '5'],
      'the axis always reaches 5',
    );
    const sameDay = scoreChart(
      [
        { date: '2026-05-05', score: 9 },
        { date: '2026-05-05', score: 14 },
      ],
      describeIt,
    )!;
    assert.deepEqual(
      sameDay.dots.map((d) => d.x),
      [sameDay.plot.left, sameDay.plot.right],
    );
    assert.deepEqual(
      sameDay.xLabels.map((l) => [l.label, l.anchor]),
      [['5 May 2026', 'middle']],
    );
  });
});
