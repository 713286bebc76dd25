import { formatDate, formatDateTime } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import type { RiskLevel } from '../risk/risk.instrument.js';
import { levelTag } from '../risk/risk.presenter.js';
import type { Assessment } from '../risk/risk.service.js';
import { CHILDREN_PRESENT, CRITERIA, DECLINE_CODES, DESTINATIONS, INCIDENT_TYPES, INJURIES, LAWFUL_BASES, LOCATION_TYPES } from './referral.codes.js';
import type { IncidentRow } from './referral.read.repository.js';
import type { EarlierReferral, Person, PersonName, ReferralFormContext, ReferralPage } from './referral.read.service.js';
import type { screeningQueue } from './screening.service.js';

/** Coded values → the words people see (locale keys "referrals.codes.*"); codes and snake_case never reach a template. */
const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);

export const referralLabel = {
  incidentType: (code: string) => t(`referrals.codes.incidentType.${code}`),
  injuries: (code: string) => t(`referrals.codes.injuries.${code}`),
  childrenPresent: (code: string) => t(`referrals.codes.childrenPresent.${code}`),
  location: (code: string) => t(`referrals.codes.location.${code}`),
  destination: (code: string) => t(`referrals.codes.destination.${code}`),
  criterion: (code: string) => t(`referrals.codes.criterion.${code}`),
  consent: (code: string) => t(`referrals.codes.consent.${code}`),
  lawfulBasis: (code: string) => t(`referrals.codes.lawfulBasis.${code}`),
  decline: (code: string) => t(`referrals.codes.decline.${code}`),
};

const items = <T extends string>(codes: readonly T[], label: (code: T) => string) => codes.map((value) => ({ value, text: label(value) }));
const peopleItems = (people: Person[]) => people.map((p) => ({ value: p.id, text: p.name }));

/** GOV.UK tag colours by status: the words carry the meaning, the colour repeats it. */
const STATUS_COLOURS: Record<string, string> = { awaiting_screening: 'blue', accepted: 'green', declined: 'orange', withdrawn: 'grey' };

/** Only MARAC referrals are screened: a referral to another service that nobody has withdrawn has simply been sent. */
export function statusTag(destination: string, status: string) {
  const key = destination !== 'marac' && status === 'awaiting_screening' ? 'sent' : status;
  return { text: t(`referrals.codes.status.${key}`), colour: STATUS_COLOURS[status] ?? 'grey' };
}

export const repeatTag = () => ({ text: t('referrals.repeat.tag'), colour: 'red' });

/** "This is a repeat: within 12 months of the MARAC referral on 10 January 2025", linked when the viewer may open it. */
export function repeatNotice(earlier: EarlierReferral | null) {
  return {
    text: earlier?.referredOn ? t('referrals.repeat.within', { date: formatDate(earlier.referredOn) }) : t('referrals.repeat.withinUnknown'),
    link: earlier?.id ? { href: `/referrals/${earlier.id}`, text: t('referrals.repeat.open', { reference: earlier.reference ?? '' }) } : null,
  };
}

const time = (value: string | null) => (value ? value.slice(0, 5) : '');

type IncidentListRow = Pick<IncidentRow, 'id' | 'case_reference' | 'occurred_on' | 'occurred_at_time' | 'types' | 'is_repeat' | 'recorded_by_agency'>;

export function presentIncidentRow(row: IncidentListRow) {
  return {
    href: `/incidents/${row.id}`,
    occurredOn: [formatDate(row.occurred_on), time(row.occurred_at_time)].filter(Boolean).join(', '),
    types: row.types.map(referralLabel.incidentType).join(', '),
    caseReference: row.case_reference,
    recordedBy: row.recorded_by_agency,
    repeat: row.is_repeat ? repeatTag() : null,
  };
}

export function presentIncident(found: { row: IncidentRow; perpetrators: Person[]; earlier: EarlierReferral | null }) {
  const { row } = found;
  const police = row.reported_to_police
    ? row.police_reference
      ? t('referrals.incident.reportedWith', { reference: row.police_reference })
      : t('referrals.incident.reportedNoReference')
    : t('referrals.incident.notReported');
  return {
    ...presentIncidentRow(row),
    caseId: row.case_id,
    perpetrators: found.perpetrators.map((p) => p.name),
    police,
    injuries: referralLabel.injuries(row.injuries),
    childrenPresent: referralLabel.childrenPresent(row.children_present),
    location: referralLabel.location(row.location_type),
    summary: row.summary,
    recordedAt: formatDateTime(row.created_at),
    repeatNotice: row.is_repeat ? repeatNotice(found.earlier) : null,
  };
}

export function incidentFormItems(perpetrators: Person[]) {
  return {
    types: items(INCIDENT_TYPES, referralLabel.incidentType),
    perpetrators: peopleItems(perpetrators),
    injuries: items(INJURIES, referralLabel.injuries),
    childrenPresent: items(CHILDREN_PRESENT, referralLabel.childrenPresent),
    locations: items(LOCATION_TYPES, referralLabel.location),
  };
}

function scoreText(score: number | null, band: string | null): string {
  if (score === null) return t('referrals.score.none');
  return band ? t('referrals.score.withBand', { score, band: levelTag(band as RiskLevel).text }) : String(score);
}

function assessmentText(a: Assessment): string {
  // An instrument with no score cut-off (S-DASH) has the level the assessor recorded instead of a band.
  const noCutOff = a.score !== null && a.scoreBand === null && a.level !== null;
  const result = noCutOff ? t('referrals.score.noCutOff', { score: a.score!, level: levelTag(a.level!).text }) : scoreText(a.score, a.scoreBand);
  return t('referrals.form.assessmentItem', { instrument: a.instrument.title, date: formatDate(a.assessedOn), result });
}

/** The referral form: its choices, and what Harbour already knows that bears on them. */
export function referralFormView(context: ReferralFormContext) {
  const { escalation, latestScored } = context;
  const [marac, ...otherDestinations] = items(DESTINATIONS, referralLabel.destination);
  return {
    marac: marac!,
    otherDestinations,
    criteria: CRITERIA.map((code) => ({
      value: code,
      text: referralLabel.criterion(code),
      hint: { text: t(`referrals.codes.criterionHint.${code}`, { needed: escalation.needed, months: escalation.months }) },
    })),
    receivingAgencies: [{ value: '', text: t('referrals.form.chooseAgency') }, ...context.receivingAgencies.map((a) => ({ value: a.id, text: a.name }))],
    maracHint: context.maracAgency ? t('referrals.form.maracHint', { agency: context.maracAgency }) : t('referrals.form.noMaracAgency'),
    perpetrators: peopleItems(context.theCase.perpetrators),
    assessments: context.assessments.map((a) => ({ value: a.id, text: assessmentText(a) })),
    defaultAssessment: latestScored?.id ?? '',
    latestScore: latestScored ? { text: scoreText(latestScored.score, latestScored.scoreBand), date: formatDate(latestScored.assessedOn) } : null,
    escalation: {
      text: t('referrals.form.escalationCount', { count: escalation.count, months: escalation.months }),
      rule: t('referrals.form.escalationRule', { needed: escalation.needed, months: escalation.months }),
      met: escalation.count >= escalation.needed,
      incidents: escalation.incidents.map(presentIncidentRow),
      hidden: Math.max(0, escalation.count - escalation.incidents.length),
    },
    repeat: context.repeat ? repeatNotice(context.repeat) : null,
    lawfulBases: [{ value: '', text: t('referrals.form.chooseLawfulBasis') }, ...items(LAWFUL_BASES, referralLabel.lawfulBasis)],
  };
}

export function presentReferral(found: ReferralPage) {
  const { row } = found;
  const marac = row.destination === 'marac';
  const decided = row.status === 'accepted' || row.status === 'declined';
  return {
    id: row.id,
    reference: row.reference,
    caseId: row.case_id,
    caseReference: row.case_reference,
    victim: found.victim?.name ?? t('referrals.referral.victimHidden'),
    perpetrators: found.perpetrators.map((p) => p.name),
    destination: referralLabel.destination(row.destination),
    toAgency: row.to_agency,
    marac,
    criterion: row.criterion ? referralLabel.criterion(row.criterion) : null,
    reasons: row.reasons,
    referredOn: formatDate(row.referred_on),
    referredBy: row.referred_by_name ? `${row.referred_by_name}, ${row.referring_agency}` : row.referring_agency,
    score: scoreText(row.score, row.score_band),
    assessment: row.assessed_on ? t('referrals.referral.assessment', { instrument: row.instrument_title ?? '', date: formatDate(row.assessed_on) }) : null,
    escalationCount: t('referrals.referral.escalationCount', { count: row.escalation_count }),
    repeat: row.is_repeat ? repeatNotice(found.earlier) : null,
    consent: referralLabel.consent(row.consent_status),
    lawfulBasis: row.lawful_basis ? referralLabel.lawfulBasis(row.lawful_basis) : null,
    consentReason: row.consent_reason,
    status: statusTag(row.destination, row.status),
    awaitingScreening: marac && row.status === 'awaiting_screening',
    decision: decided
      ? {
          outcome: t(`referrals.referral.decision.${row.status}`),
          by: row.decided_by_name ?? '',
          at: formatDateTime(row.decided_at),
          declineReason: row.decline_code ? referralLabel.decline(row.decline_code) : null,
          explanation: row.decision_reason,
        }
      : null,
    version: row.version,
  };
}

export type PresentedReferral = ReturnType<typeof presentReferral>;

/** Initials only: the queue is read across many cases, and initials are enough to tell them apart. */
function initials(name: PersonName | undefined): string {
  if (!name) return t('referrals.queue.victimHidden');
  return [name.given_name, name.family_name]
    .map((part) => Array.from(part)[0] ?? '')
    .join('')
    .toUpperCase();
}

export function presentQueueRow(row: Awaited<ReturnType<typeof screeningQueue>>['rows'][number], victim: PersonName | undefined) {
  return {
    href: `/referrals/${row.id}/screening`,
    reference: row.reference,
    caseReference: row.case_reference,
    victim: initials(victim),
    criterion: row.criterion ? referralLabel.criterion(row.criterion) : '',
    score: row.score === null ? t('referrals.score.noneShort') : String(row.score),
    repeat: row.is_repeat ? repeatTag() : null,
    escalationCount: String(row.escalation_count),
    waiting: row.days_waiting <= 0 ? t('referrals.queue.today') : t('referrals.queue.days', { count: row.days_waiting }),
    referringAgency: row.referring_agency,
  };
}

export const declineItems = () => items(DECLINE_CODES, referralLabel.decline);

/** The case page's panel: incidents (newest first) and referrals, each linked to its page. */
export function presentCasePanel(caseId: string, panel: { incidents: IncidentListRow[]; referrals: ReferralListRow[] }) {
  return {
    caseId,
    incidents: panel.incidents.map(presentIncidentRow),
    referrals: panel.referrals.map((r) => ({
      href: `/referrals/${r.id}`,
      reference: r.reference,
      referredOn: formatDate(r.referred_on),
      destination: referralLabel.destination(r.destination),
      criterion: r.criterion ? referralLabel.criterion(r.criterion) : '',
      status: statusTag(r.destination, r.status),
      repeat: r.is_repeat ? repeatTag() : null,
    })),
  };
}

type ReferralListRow = {
  id: string;
  reference: string;
  referred_on: string;
  destination: string;
  criterion: string | null;
  status: string;
  is_repeat: boolean;
};

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' && value ? [value] : []);

/** What a form shows: what was typed when it comes back with errors, else its defaults; ticked boxes as lists. */
export function formValues(sent: Record<string, unknown>, defaults: Record<string, unknown>, lists: string[]): Record<string, unknown> {
  const form = Object.keys(sent).length > 0 ? { ...sent } : { ...defaults };
  for (const name of lists) form[name] = asList(form[name]);
  return form;
}
