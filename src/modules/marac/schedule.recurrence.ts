import type { Recurrence } from './marac.table.js';

/**
 * When a MARAC schedule meets, as calendar dates (London; no time zone is involved in a date). Pure, so the
 * rules are tested on their own:
 *
 * - daily: every working day, Monday to Friday;
 * - weekly: every `weekday` on or after the start date;
 * - fortnightly: the first `weekday` on or after the start date, then every 14 days from it;
 * - monthly: the `weekOfMonth`-th `weekday` of each month (5 = the last one), on or after the start date.
 *
 * Bank holidays are not known to Harbour: the coordinator moves a meeting that falls on one.
 */
export type Rhythm = { recurrence: Recurrence; weekday: number | null; weekOfMonth: number | null; startsOn: string };

/** How far ahead meetings are generated. */
export const GENERATE_MONTHS = 3;

const DAY_MS = 86_400_000;
const toDate = (iso: string) => new Date(`${iso}T12:00:00Z`);
const toIso = (date: Date) => date.toISOString().slice(0, 10);
/** ISO weekday: Monday 1 … Sunday 7. */
export const isoWeekday = (iso: string) => ((toDate(iso).getUTCDay() + 6) % 7) + 1;
const addDays = (iso: string, days: number) => toIso(new Date(toDate(iso).getTime() + days * DAY_MS));

/** The same day `months` later, or the month's last day when it has no such day (31 January → 28 February). */
export function addMonths(iso: string, months: number): string {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(year, month - 1 + months, 1, 12));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0, 12)).getUTCDate();
  first.setUTCDate(Math.min(day, last));
  return toIso(first);
}

/** The first date on or after `iso` that falls on `weekday`. */
function nextWeekday(iso: string, weekday: number): string {
  return addDays(iso, (weekday - isoWeekday(iso) + 7) % 7);
}

/** The n-th (1–4) or last (5) `weekday` of the month holding `iso`. */
function weekdayOfMonth(iso: string, weekday: number, n: number): string {
  const first = `${iso.slice(0, 7)}-01`;
  if (n < 5) return addDays(nextWeekday(first, weekday), (n - 1) * 7);
  const lastDay = addDays(addMonths(first, 1), -1);
  return addDays(lastDay, -((isoWeekday(lastDay) - weekday + 7) % 7));
}

/** The schedule's meeting dates from `from` to `to`, both included, in order. */
export function meetingDates(rhythm: Rhythm, from: string, to: string): string[] {
  const start = rhythm.startsOn > from ? rhythm.startsOn : from;
  const dates: string[] = [];
  if (rhythm.recurrence === 'daily') {
    for (let d = start; d <= to; d = addDays(d, 1)) if (isoWeekday(d) <= 5) dates.push(d);
    return dates;
  }
  const weekday = rhythm.weekday ?? 1;
  if (rhythm.recurrence === 'monthly') {
    for (let month = `${start.slice(0, 7)}-01`; month <= to; month = addMonths(month, 1)) {
      const d = weekdayOfMonth(month, weekday, rhythm.weekOfMonth ?? 1);
      if (d >= start && d <= to) dates.push(d);
    }
    return dates;
  }
  const step = rhythm.recurrence === 'weekly' ? 7 : 14;
  let d = nextWeekday(rhythm.startsOn, weekday);
  // A fortnightly rhythm keeps its own weeks: count on from its first meeting, not from `from`.
  if (d < start) d = addDays(d, Math.ceil((toDate(start).getTime() - toDate(d).getTime()) / DAY_MS / step) * step);
  for (; d <= to; d = addDays(d, step)) dates.push(d);
  return dates;
}
