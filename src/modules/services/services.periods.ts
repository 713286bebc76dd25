import { translate } from '../../platform/i18n.js';
import type { Period } from './services.measures.js';

/**
 * Reporting periods: the financial year runs April to March, written "2025-26"; its quarters Q1 (April–June) to Q4
 * (January–March).
 */
export type FinancialYear = { id: string; start: number; quarters: Period[]; year: Period };

export function financialYear(start: number): FinancialYear {
  const id = `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
  const bounds: [string, string][] = [
    [`${start}-04-01`, `${start}-06-30`],
    [`${start}-07-01`, `${start}-09-30`],
    [`${start}-10-01`, `${start}-12-31`],
    [`${start + 1}-01-01`, `${start + 1}-03-31`],
  ];
  const quarters = bounds.map(([from, to], i) => ({ id: `${id}-Q${i + 1}`, label: translate('en', `services.period.q${i + 1}`), from, to }));
  return { id, start, quarters, year: { id, label: translate('en', 'services.period.year', { year: id }), from: `${start}-04-01`, to: `${start + 1}-03-31` } };
}

/** The financial year an ISO date falls in. */
export function financialYearOf(isoDate: string): FinancialYear {
  const [year, month] = isoDate.split('-').map(Number) as [number, number];
  return financialYear(month >= 4 ? year : year - 1);
}

/** "2025-26" → its financial year; anything else → null. */
export function parseFinancialYear(value: string): FinancialYear | null {
  const match = /^(\d{4})-(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const start = Number(match[1]);
  if (start < 2000 || (start + 1) % 100 !== Number(match[2])) return null;
  return financialYear(start);
}

/** Percent change of a count, to a whole percent; null when there was nothing to compare with. */
export function percentChange(before: number, now: number): number | null {
  return before > 0 ? Math.round(((now - before) / before) * 100) : null;
}

/** Percentage-point change of a rate, to one decimal place; null when either rate is missing. */
export function pointChange(before: number | null, now: number | null): number | null {
  return before === null || now === null ? null : Math.round((now - before) * 10) / 10;
}
