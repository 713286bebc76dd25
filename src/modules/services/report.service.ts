import type { Db } from '../../db/database.js';
import { translate } from '../../platform/i18n.js';
import type { Actor } from '../../platform/request-context.js';
import { reportReader } from './services.policy.js';
import { byCharacteristic, type EqualityTable } from './services.equality.js';
import * as measures from './services.measures.js';
import type { Period, Rate } from './services.measures.js';
import { financialYear, percentChange, pointChange, type FinancialYear } from './services.periods.js';
import { loadService, type Service } from './services.service.js';

/**
 * A service's report for a financial year (issue 6): each measure by quarter, for the year, for the year before and
 * the change (percent for counts, percentage points for rates), and for a per-person service the year's
 * referrals, starts and completions by equality characteristic, suppressed. Definitions in docs/services.md.
 */

export type ReportRow =
  | { id: string; label: string; kind: 'count'; values: number[]; previous: number; change: number | null }
  | { id: string; label: string; kind: 'rate'; values: Rate[]; previous: Rate; change: number | null }
  | { id: string; label: string; kind: 'mean'; values: (number | null)[]; previous: number | null; change: number | null };

export type ServiceReport = { service: Service; year: FinancialYear; periods: Period[]; rows: ReportRow[]; equality: EqualityTable[] | null };

function countRow(id: string, label: string, all: number[]): ReportRow {
  const previous = all[5]!;
  return { id, label, kind: 'count', values: all.slice(0, 5), previous, change: percentChange(previous, all[4]!) };
}

function rateRow(id: string, label: string, all: Rate[]): ReportRow {
  const previous = all[5]!;
  return { id, label, kind: 'rate', values: all.slice(0, 5), previous, change: pointChange(previous.percent, all[4]!.percent) };
}

export async function serviceReport(db: Db, actor: Actor, serviceId: string, year: FinancialYear, format: 'page' | 'csv'): Promise<ServiceReport> {
  const viewer = reportReader(actor);
  const service = await loadService(db, viewer.partnershipId, serviceId);
  const partnershipId = viewer.partnershipId;
  // Q1–Q4, the year, and the year before (for the change).
  const periods = [...year.quarters, year.year, financialYear(year.start - 1).year];
  const rows: ReportRow[] = [];
  let equality: EqualityTable[] | null = null;
  const definition = service.definition;
  if (definition.kind === 'person') {
    const label = (id: string, stage?: 'referred' | 'started' | 'completed') =>
      translate('en', `services.report.row.${id}`, stage ? { stage: definition.stages[stage].label.toLowerCase() } : {});
    rows.push(countRow('referrals', label('referrals', 'referred'), await measures.referrals(db, partnershipId, service.id, periods)));
    rows.push(countRow('starts', label('starts', 'started'), await measures.starts(db, partnershipId, service.id, periods)));
    rows.push(countRow('completions', label('completions', 'completed'), await measures.completions(db, partnershipId, service.id, periods)));
    rows.push(countRow('left_early', label('left_early'), await measures.leftEarlyAfterStart(db, partnershipId, service.id, periods)));
    rows.push(rateRow('completion_rate', label('completion_rate'), await measures.completionRate(db, partnershipId, service.id, periods)));
    for (const o of definition.outcomes) {
      const values = await measures.outcome(db, partnershipId, service.id, periods, o);
      rows.push(
        o.kind === 'sum'
          ? countRow(o.id, o.label, values as number[])
          : rateRow(o.id, translate('en', 'services.report.row.outcome', { outcome: o.label.toLowerCase() }), values as Rate[]),
      );
    }
    equality = await byCharacteristic(db, partnershipId, service.id, year.year);
  } else {
    for (const m of definition.measures) {
      const values = await measures.aggregateMeasure(db, partnershipId, service.id, periods, m);
      if (m.kind === 'mean') {
        const previous = values[5]!;
        const now = values[4]!;
        rows.push({
          id: m.id,
          label: m.label,
          kind: 'mean',
          values: values.slice(0, 5),
          previous,
          change: previous === null || now === null ? null : Math.round((now - previous) * 10) / 10,
        });
      } else rows.push(countRow(m.id, m.label, values as number[]));
    }
  }
  await actor.record(db, {
    action: format === 'page' ? 'services.report.view' : 'services.report.download',
    outcome: 'success',
    subjectType: 'service',
    subjectId: service.id,
    details: { year: year.id, format },
  });
  return { service, year, periods: periods.slice(0, 5), rows, equality };
}
