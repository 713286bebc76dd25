import { formatDate } from '../../platform/format.js';

/**
 * A small chart of a case's risk scores over time, as numbers for an inline SVG drawn on the server (no client
 * JavaScript, no inline styles). It only repeats the history table beside it, which is its text equivalent.
 */

export type ScorePoint = { date: string; score: number };

export type ScoreChart = {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  /** Horizontal grid lines with their score. */
  yTicks: { y: number; label: string }[];
  /** The first and last dates under the axis (one label when every point is on one day). */
  xLabels: { x: number; label: string; anchor: 'start' | 'middle' | 'end' }[];
  /** The SVG polyline's points, "x,y x,y …". */
  line: string;
  dots: { x: number; y: number; label: string; title: string }[];
};

const WIDTH = 600;
const HEIGHT = 240;
const PLOT = { left: 44, right: WIDTH - 24, top: 24, bottom: HEIGHT - 40 };
const TICK_STEP = 5;

const dayNumber = (iso: string) => Date.parse(`${iso}T12:00:00Z`) / 86_400_000;
const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Points oldest first. Dates are spaced by time, so a long gap looks long; when every point is on one day they are
 * spread evenly. The score axis runs from 0 to the next multiple of 5 at or above the highest score.
 */
export function scoreChart<P extends ScorePoint>(points: P[], describe: (point: P) => string): ScoreChart | null {
  if (points.length === 0) return null;
  const top = Math.max(TICK_STEP, Math.ceil(Math.max(...points.map((p) => p.score)) / TICK_STEP) * TICK_STEP);
  const days = points.map((p) => dayNumber(p.date));
  const first = days[0]!;
  const span = days[days.length - 1]! - first;
  const plotWidth = PLOT.right - PLOT.left;
  const xOf = (i: number) =>
    points.length === 1 ? PLOT.left + plotWidth / 2 : PLOT.left + (span > 0 ? ((days[i]! - first) / span) * plotWidth : (i / (points.length - 1)) * plotWidth);
  const yOf = (score: number) => PLOT.bottom - (score / top) * (PLOT.bottom - PLOT.top);

  const dots = points.map((p, i) => ({ x: round(xOf(i)), y: round(yOf(p.score)), label: String(p.score), title: describe(p) }));
  const yTicks = Array.from({ length: top / TICK_STEP + 1 }, (_, i) => ({ y: round(yOf(i * TICK_STEP)), label: String(i * TICK_STEP) }));
  const firstDot = dots[0]!;
  const lastDot = dots[dots.length - 1]!;
  const xLabels: ScoreChart['xLabels'] =
    span > 0
      ? [
          { x: firstDot.x, label: formatDate(points[0]!.date), anchor: 'start' },
          { x: lastDot.x, label: formatDate(points[points.length - 1]!.date), anchor: 'end' },
        ]
      : [{ x: round(PLOT.left + plotWidth / 2), label: formatDate(points[0]!.date), anchor: 'middle' }];
  return {
    width: WIDTH,
    height: HEIGHT,
    plot: PLOT,
    yTicks,
    xLabels,
    line: dots.map((d) => `${d.x},${d.y}`).join(' '),
    dots,
  };
}
