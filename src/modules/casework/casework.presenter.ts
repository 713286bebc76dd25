import { formatDate } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import type { CaseloadRow, QueueRow } from './casework.repository.js';
import { BENCHMARKS, UNSAFE_TEXT } from './casework.service.js';
import type { ContactMethod, UnsafeReason } from './casework.table.js';

/** Casework → view models: coded values become words (locale keys "casework.*"), dates London dates. */
const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);
const RISK_COLOURS: Record<string, string> = { high: 'red', medium: 'orange', standard: 'blue' };

const riskTag = (band: string | null) =>
  band ? { text: t(`casework.risk.${band}`), colour: RISK_COLOURS[band] ?? 'grey' } : { text: t('casework.risk.none'), colour: 'grey' };

export function presentQueueRow(r: QueueRow) {
  return {
    id: r.id,
    reference: r.reference,
    version: r.version,
    caseReference: r.case_reference,
    victim: r.victim_name ?? t('casework.notShown'),
    referredBy: t('casework.queue.referredBy', { agency: r.referring_agency, date: formatDate(r.referred_on) }),
    risk: riskTag(r.score_band),
    daysWaiting: r.days_waiting,
  };
}

export function presentCaseloadRow(r: CaseloadRow, today: string) {
  const overdue = r.next_contact_due !== null && r.next_contact_due < today;
  return {
    id: r.id,
    href: `/casework/cases/${r.id}`,
    caseReference: r.case_reference,
    victim: r.victim_name ?? t('casework.notShown'),
    idva: r.idva_name,
    risk: riskTag(r.risk),
    daysOpen: r.days_open,
    lastContact: r.last_contact_on ? formatDate(r.last_contact_on) : t('casework.none'),
    nextContact: r.next_contact_due ? formatDate(r.next_contact_due) : t('casework.notSet'),
    nextContactOverdue: overdue,
    marac: r.marac_date ? formatDate(r.marac_date) : t('casework.none'),
  };
}

/** Each IDVA's open cases and this year's allocations beside the SafeLives benchmarks. */
export function presentBenchmarks(perIdva: { id: string; name: string; open: number; allocatedThisYear: number }[]) {
  const { from, to } = BENCHMARKS.caseload;
  return perIdva.map((p) => ({
    name: p.name,
    open: p.open,
    openAgainst: p.open > to ? t('casework.benchmark.above') : p.open < from ? t('casework.benchmark.below') : t('casework.benchmark.within'),
    allocated: p.allocatedThisYear,
  }));
}

export function presentContact(c: {
  id: string;
  contact_on: string;
  method: ContactMethod;
  successful: boolean;
  initiated_by: string;
  duration_minutes: number | null;
  summary: string;
  voicemail_left: boolean;
  unsafe_reasons: UnsafeReason[];
  unsafe_justification: string | null;
  contact_value: string | null;
  recorded_by_name: string | null;
}) {
  return {
    id: c.id,
    date: formatDate(c.contact_on),
    method: t(`casework.method.${c.method}`) + (c.contact_value ? ` (${c.contact_value})` : ''),
    outcome: c.successful ? t('casework.contact.successful') : t('casework.contact.unsuccessful'),
    initiatedBy: t(`casework.initiatedBy.${c.initiated_by}`),
    duration: c.duration_minutes === null ? null : t('casework.contact.minutes', { minutes: c.duration_minutes }),
    summary: c.summary,
    voicemailLeft: c.voicemail_left,
    unsafe: c.unsafe_reasons.map((r) => UNSAFE_TEXT[r]),
    justification: c.unsafe_justification,
    recordedBy: c.recorded_by_name ?? t('casework.someone'),
  };
}
