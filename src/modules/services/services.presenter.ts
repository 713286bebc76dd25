import { formatDate, formatDateTime } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import type { ServiceReport } from './report.service.js';
import { stagesOf, type Question, type ServiceDefinition, type Stage } from './services.definition.js';
import type { Cell } from './services.equality.js';
import type { ActivityRow, RecordRow } from './services.repository.js';
import { LEFT_REASONS } from './services.table.js';
import type { Service } from './services.service.js';

/** Domain → view models for the services pages; numbers formatted here, templates only place them. */

const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);

export const LEFT_REASON_LABELS: Record<string, string> = Object.fromEntries(LEFT_REASONS.map((reason) => [reason, t(`services.left.${reason}`)]));

export function pathway(definition: ServiceDefinition) {
  if (definition.kind !== 'person') return [];
  return stagesOf(definition).map((stage) => ({
    stage,
    label: definition.stages[stage]!.label,
    questions: definition.stages[stage]!.questions.map((q) => q.text),
  }));
}

const STAGE_DATE = (record: RecordRow, stage: Stage) =>
  stage === 'referred'
    ? record.referred_on
    : stage === 'assessed'
      ? record.assessed_on
      : stage === 'started'
        ? record.started_on
        : record.end_reason === stage
          ? record.ended_on
          : null;

export function recordStatus(service: Service, record: RecordRow): string {
  if (service.definition.kind !== 'person') return '';
  const stages = service.definition.stages;
  if (record.end_reason) return stages[record.end_reason].label;
  if (record.started_on) return stages.started.label;
  if (record.assessed_on && stages.assessed) return stages.assessed.label;
  return stages.referred.label;
}

export function answerText(q: Question, value: unknown, agencies: { id: string; name: string }[] = []): string {
  if (value === undefined || value === null || value === '') return '';
  if (q.kind === 'yes_no') return t(`services.answer.${value === 'yes' || value === 'no' ? value : 'not_known'}`);
  if (q.kind === 'choice') return q.options.find((o) => o.code === value)?.label ?? String(value);
  if (q.kind === 'scale') return t('services.answer.outOf', { value: String(value), max: q.max });
  if (q.kind === 'agency_counts')
    return Object.entries(value as Record<string, number>)
      .map(([id, n]) => `${agencies.find((a) => a.id === id)?.name ?? t('services.answer.formerAgency')}: ${n}`)
      .join('; ');
  return String(value);
}

export function presentRecord(service: Service, record: RecordRow) {
  const definition = service.definition;
  if (definition.kind !== 'person') throw new Error('Not a per-person service');
  return {
    id: record.id,
    href: `/services/${service.id}/records/${record.id}`,
    name: record.person_name,
    dateOfBirth: formatDate(record.person_date_of_birth),
    caseReference: record.case_reference,
    referredBy: record.referring_agency_name,
    status: recordStatus(service, record),
    referredOn: formatDate(record.referred_on),
    leftReason: record.left_reason ? LEFT_REASON_LABELS[record.left_reason] : null,
    version: record.version,
    stages: stagesOf(definition).map((stage) => {
      const date = STAGE_DATE(record, stage);
      const answers = record.answers[stage] ?? {};
      return {
        stage,
        label: definition.stages[stage]!.label,
        date: formatDate(date),
        recorded: Boolean(date),
        answers: definition.stages[stage]!.questions.map((q) => ({ question: q.text, answer: answerText(q, answers[q.id]) })).filter((a) => a.answer),
      };
    }),
  };
}

const number = (n: number | null) => (n === null ? '' : n.toLocaleString('en-GB'));
const signed = (n: number | null, key: string) =>
  n === null ? t('services.report.notApplicable') : key ? t(key, { change: `${n > 0 ? '+' : ''}${n}` }) : `${n > 0 ? '+' : ''}${n}`;

export function presentReport(report: ServiceReport) {
  const cell = (row: ServiceReport['rows'][number], i: number | 'previous') => {
    const value = i === 'previous' ? row.previous : row.values[i];
    if (row.kind === 'rate') {
      const rate = value as { numerator: number; denominator: number; percent: number | null };
      return rate.percent === null ? t('services.report.noData') : t('services.report.rate', { ...rate, percent: rate.percent });
    }
    return value === null ? t('services.report.noData') : number(value as number);
  };
  return {
    title: report.service.definition.title,
    year: report.year.id,
    headings: [
      ...report.periods.map((p) => p.label),
      `Financial year ${report.year.start - 1}-${String(report.year.start % 100).padStart(2, '0')}`,
      'Change from the year before',
    ],
    rows: report.rows.map((row) => ({
      id: row.id,
      label: row.label,
      cells: [0, 1, 2, 3, 4].map((i) => cell(row, i)).concat(cell(row, 'previous')),
      change: signed(row.change, row.kind === 'count' ? 'services.report.percent' : row.kind === 'rate' ? 'services.report.points' : ''),
    })),
    equality: report.equality?.map((table) => ({
      id: table.characteristic,
      label: table.label,
      rows: table.rows.map((r) => ({ category: r.category, cells: [r.referrals, r.starts, r.completions].map(suppressedText) })),
      totals: [table.totals.referrals, table.totals.starts, table.totals.completions].map((n) => number(n)),
    })),
  };
}

export const suppressedText = (cell: Cell) => (cell === null ? '[c]' : number(cell));

/** A CSV cell: quoted when it must be, and text that a spreadsheet would run as a formula made inert. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  if (typeof value === 'number' || /^-?\d+(\.\d+)?$/.test(text)) return text;
  const inert = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(inert) || inert !== text ? `"${inert.replace(/"/g, '""')}"` : inert;
}

/**
 * The report as CSV for analysts: plain numbers (rates as a percentage, one decimal place), an empty cell where
 * there is no data, the change and its unit, then the equality tables with "[c]" for a suppressed cell.
 */
export function reportCsv(report: ServiceReport): string {
  const previousYear = `${report.year.start - 1}-${String(report.year.start % 100).padStart(2, '0')}`;
  const lines: (string | number | null)[][] = [
    [
      t('services.report.measure'),
      ...report.periods.map((p) => p.label),
      t('services.report.previousYear', { year: previousYear }),
      t('services.report.change'),
      t('services.report.changeUnit'),
    ],
  ];
  for (const row of report.rows) {
    const value = (v: unknown) => (row.kind === 'rate' ? (v as { percent: number | null }).percent : (v as number | null));
    const unit =
      row.kind === 'count' ? t('services.report.unitPercent') : row.kind === 'rate' ? t('services.report.unitPoints') : t('services.report.unitPoints');
    lines.push([row.label, ...row.values.map(value), value(row.previous), row.change, row.change === null ? '' : unit]);
  }
  for (const table of report.equality ?? []) {
    lines.push([], [table.label, t('services.report.referrals'), t('services.report.starts'), t('services.report.completions')]);
    for (const row of table.rows) lines.push([row.category, ...[row.referrals, row.starts, row.completions].map((c) => (c === null ? '[c]' : c))]);
    lines.push([t('services.report.total'), table.totals.referrals, table.totals.starts, table.totals.completions]);
  }
  return `${lines.map((line) => line.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function presentEntry(service: Service, entry: ActivityRow, agencies: { id: string; name: string }[]) {
  if (service.definition.kind !== 'aggregate') throw new Error('Not an aggregate service');
  const fields = service.definition.fields;
  return {
    id: entry.id,
    href: `/services/${service.id}/activity/${entry.id}`,
    date: service.definition.period === 'month' ? entry.occurred_on.slice(0, 7) : formatDate(entry.occurred_on),
    summary: fields
      .slice(0, 3)
      .map((f) => answerText(f, entry.answers[f.id], agencies))
      .filter(Boolean)
      .join(' · '),
    answers: fields.map((f) => ({ question: f.text, answer: answerText(f, entry.answers[f.id], agencies) })),
    enteredBy: entry.entered_by_name ?? t('services.entry.imported'),
    enteredAt: formatDateTime(entry.entered_at),
    updatedBy: entry.updated_by_name,
    updatedAt: formatDateTime(entry.updated_at),
    corrected: entry.version > 1,
    version: entry.version,
  };
}
