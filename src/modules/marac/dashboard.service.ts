import type { Db } from '../../db/database.js';
import { londonToday } from '../../platform/format.js';
import type { Actor } from '../../platform/request-context.js';
import * as repo from './dashboard.repository.js';
import { coordinator } from './marac.policy.js';
import type { DashboardPeriod } from './meeting-day.schemas.js';
import { asSystem } from './meeting.service.js';
import { addMonths } from './schedule.recurrence.js';

/**
 * The coordinator's dashboard (issue 5, step 5): actions completed on time against the seeds' target (more than 90%),
 * overdue actions by agency, and research returned by agency. Counts only: read across every case of the partnership.
 */

/** The seeds' local target: more than 90% of MARAC actions completed (on time). */
export const ON_TIME_TARGET = 90;

export type Rate = { count: number; of: number; percent: number | null };

export const rate = (count: number, of: number): Rate => ({ count, of, percent: of === 0 ? null : Math.round((1000 * count) / of) / 10 });

/** Met only when strictly above the target; no decided actions is no verdict. */
export const targetMet = (r: Rate) => (r.percent === null ? null : r.percent > ON_TIME_TARGET);

export async function dashboard(db: Db, actor: Actor, period: DashboardPeriod, today = londonToday()) {
  const viewer = coordinator(actor);
  const window: repo.Window = { from: period === 'all' ? null : addMonths(today, -Number(period)), today };
  const [actions, research] = await asSystem(db, () =>
    Promise.all([repo.actionCounts(db, viewer.partnershipId, window), repo.researchCounts(db, viewer.partnershipId, window)]),
  );
  const sum = (key: 'counted' | 'on_time' | 'done_late' | 'open_overdue' | 'overdue_now') => actions.reduce((n, row) => n + row[key], 0);
  const onTime = rate(sum('on_time'), sum('counted'));
  return {
    window,
    onTime,
    met: targetMet(onTime),
    doneLate: sum('done_late'),
    openOverdue: sum('open_overdue'),
    overdueNow: sum('overdue_now'),
    agencies: actions.map((a) => ({ ...a, rate: rate(a.on_time, a.counted) })),
    research: research.map((r) => ({ ...r, rate: rate(r.returned, r.expected) })),
  };
}
