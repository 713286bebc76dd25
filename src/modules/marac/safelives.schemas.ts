import { z } from 'zod';

/**
 * The SafeLives return's period: a calendar quarter (January to March is Q1), as SafeLives' national dataset counts
 * them, written "2026-Q3". Quarters before 2000 or not yet started are refused.
 */
export type Quarter = { id: string; year: number; number: 1 | 2 | 3 | 4; from: string; to: string };

const pad = (n: number) => String(n).padStart(2, '0');
const LAST_DAY = ['03-31', '06-30', '09-30', '12-31'] as const;

export function quarter(year: number, number: 1 | 2 | 3 | 4): Quarter {
  return { id: `${year}-Q${number}`, year, number, from: `${year}-${pad(number * 3 - 2)}-01`, to: `${year}-${LAST_DAY[number - 1]}` };
}

/** The quarter an ISO date falls in. */
export function quarterOf(isoDate: string): Quarter {
  const [year, month] = isoDate.split('-').map(Number) as [number, number];
  return quarter(year, (Math.floor((month - 1) / 3) + 1) as Quarter['number']);
}

export function previousQuarter(q: Quarter): Quarter {
  return q.number === 1 ? quarter(q.year - 1, 4) : quarter(q.year, (q.number - 1) as Quarter['number']);
}

/** The current quarter (to date) and the ones before it, newest first. */
export function recentQuarters(today: string, count: number): Quarter[] {
  const list = [quarterOf(today)];
  while (list.length < count) list.push(previousQuarter(list[list.length - 1]!));
  return list;
}

/** What the URL may carry; each value is checked by safeLivesChoice so the page can show its own errors. */
export const safeLivesQuery = z.object({ quarter: z.string().max(100).optional(), area: z.string().max(100).optional() });

export const QUARTER_ERROR = 'Select a quarter from the list';
export const FUTURE_QUARTER_ERROR = 'Select a quarter that has started';
export const AREA_ERROR = 'Select an area from the list';

/**
 * The quarter and area chosen, on a given day: no quarter means the last complete one (the return a coordinator
 * sends); no area (or "all") means every area of the partnership.
 */
export function safeLivesChoice(today: string) {
  return z.object({
    quarter: z
      .string()
      .trim()
      .optional()
      .transform((value, ctx) => {
        if (!value) return previousQuarter(quarterOf(today));
        const match = /^(\d{4})-Q([1-4])$/i.exec(value);
        if (!match || Number(match[1]) < 2000) {
          ctx.addIssue({ code: 'custom', message: QUARTER_ERROR });
          return z.NEVER;
        }
        const chosen = quarter(Number(match[1]), Number(match[2]) as Quarter['number']);
        if (chosen.from > today) {
          ctx.addIssue({ code: 'custom', message: FUTURE_QUARTER_ERROR });
          return z.NEVER;
        }
        return chosen;
      }),
    area: z
      .union([z.literal(''), z.literal('all'), z.uuid({ error: AREA_ERROR })], { error: AREA_ERROR })
      .optional()
      .transform((value) => (value && value !== 'all' ? value : null)),
  });
}
export type SafeLivesChoice = z.output<ReturnType<typeof safeLivesChoice>>;
