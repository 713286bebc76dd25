import { londonToday } from '../../platform/format.js';

/** Whole years from one ISO date to another, as a birthday counts them. */
export function yearsBetween(fromIso: string, toIso: string): number {
  const [fy, fm, fd] = fromIso.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = toIso.split('-').map(Number) as [number, number, number];
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

/** An age estimated on one day, grown by the years since: someone thought to be 30 two years ago is about 32 now. */
export function estimatedAgeNow(age: number, estimatedOn: string, today = londonToday()): number {
  return age + Math.max(0, yearsBetween(estimatedOn, today));
}
