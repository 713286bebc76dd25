import { formatDate, formatDateTime } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import type { ItemRow } from './agenda.repository.js';
import type { Proposal } from './agenda.service.js';
import type { MeetingAccess } from './marac.policy.js';
import { mayChangeAgenda, mayResearch } from './marac.policy.js';
import { WEEKDAYS, WEEKS_OF_MONTH } from './marac.schemas.js';
import { RECURRENCES } from './marac.table.js';
import type { MeetingRow, ScheduleRow } from './meeting.repository.js';
import type { ResearchRow } from './research.repository.js';

/** Domain → view models for the MARAC pages: coded values become words (locale keys "marac.*"), dates London dates. */
const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);

const time = (value: string) => value.slice(0, 5);

/** "Tuesday 3 December 2026, 10:00". */
export function when(meeting: Pick<MeetingRow, 'meeting_date' | 'starts_at'>): string {
  const weekday = new Date(`${meeting.meeting_date}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
  return `${weekday} ${formatDate(meeting.meeting_date)}, ${time(meeting.starts_at)}`;
}

export function meetingTitle(meeting: Pick<MeetingRow, 'area_name' | 'meeting_date'>): string {
  return t('marac.meeting.title', { area: meeting.area_name, date: formatDate(meeting.meeting_date) });
}

function agendaTag(meeting: MeetingRow) {
  if (meeting.status !== 'scheduled') return { text: t(`marac.status.${meeting.status}`), colour: 'grey' };
  if (!meeting.agenda_published_at) return { text: t('marac.agenda.notPublished'), colour: 'grey' };
  if (meeting.agenda_published_version !== meeting.agenda_version) return { text: t('marac.agenda.changedSincePublished'), colour: 'yellow' };
  return { text: t('marac.agenda.published'), colour: 'green' };
}

export function presentMeetingRow(meeting: MeetingRow, count: number) {
  return {
    href: `/marac/meetings/${meeting.id}`,
    title: meetingTitle(meeting),
    area: meeting.area_name,
    when: when(meeting),
    place: meeting.place,
    cases: t('marac.meeting.casesOf', { count, limit: meeting.case_limit }),
    agenda: agendaTag(meeting),
  };
}

export function rhythm(schedule: Pick<ScheduleRow, 'recurrence' | 'weekday' | 'week_of_month'>): string {
  const day = schedule.weekday ? t(`marac.weekday.${schedule.weekday}`) : '';
  if (schedule.recurrence === 'monthly') return t('marac.rhythm.monthly', { week: t(`marac.weekOfMonth.${schedule.week_of_month}`), day });
  return t(`marac.rhythm.${schedule.recurrence}`, { day });
}

export function presentSchedule(schedule: ScheduleRow) {
  return {
    href: `/marac/schedules/${schedule.id}/edit`,
    area: schedule.area_name,
    rhythm: rhythm(schedule),
    startsOn: formatDate(schedule.starts_on),
    time: time(schedule.starts_at),
    place: schedule.place,
    caseLimit: schedule.case_limit,
    active: schedule.active,
  };
}

const items = (values: readonly (string | number)[], label: (value: string) => string) => values.map((v) => ({ value: String(v), text: label(String(v)) }));

/** Choices for the schedule form's radios and selects. */
export function scheduleChoices(areas: { id: string; name: string }[]) {
  return {
    areas: areas.map((a) => ({ value: a.id, text: a.name })),
    recurrences: items(RECURRENCES, (r) => t(`marac.recurrence.${r}`)),
    weekdays: items(WEEKDAYS, (d) => t(`marac.weekday.${d}`)),
    weeksOfMonth: items(WEEKS_OF_MONTH, (w) => t(`marac.weekOfMonth.${w}`)),
  };
}

/** A stored date as the three fields of a GOV.UK date input. */
export function dateFields(name: string, iso: string): Record<string, string> {
  const [year, month, day] = iso.split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year! };
}

export function scheduleValues(schedule: ScheduleRow): Record<string, string> {
  return {
    areaId: schedule.area_id,
    recurrence: schedule.recurrence,
    weekday: schedule.weekday ? String(schedule.weekday) : '',
    weekOfMonth: schedule.week_of_month ? String(schedule.week_of_month) : '',
    ...dateFields('startsOn', schedule.starts_on),
    startsAt: time(schedule.starts_at),
    place: schedule.place,
    caseLimit: String(schedule.case_limit),
    active: schedule.active ? 'yes' : 'no',
  };
}

export function meetingValues(meeting: MeetingRow): Record<string, string> {
  return { ...dateFields('meetingDate', meeting.meeting_date), startsAt: time(meeting.starts_at), place: meeting.place, caseLimit: String(meeting.case_limit) };
}

const KIND_COLOURS: Record<string, string> = { new: 'blue', repeat: 'red', transfer_in: 'purple' };

export const kindTag = (kind: string) => ({ text: t(`marac.kind.${kind}`), colour: KIND_COLOURS[kind] ?? 'grey' });

function risk(row: { score: number | null; score_band: string | null }): string {
  if (!row.score_band) return t('marac.agenda.noScore');
  return row.score === null
    ? t(`marac.band.${row.score_band}`)
    : t('marac.agenda.scoreWithBand', { band: t(`marac.band.${row.score_band}`), score: row.score });
}

/** One agenda case as anyone who may see the agenda sees it: reference, initials, date of birth, area, kind and risk. */
export function presentItem(item: ItemRow, meeting: MeetingRow, options: { coordinator: boolean; researched?: boolean }) {
  return {
    id: item.id,
    position: item.position,
    href: `/marac/meetings/${meeting.id}/items/${item.id}`,
    caseReference: item.case_reference,
    caseHref: options.coordinator ? `/cases/${item.case_id}` : null,
    initials: item.victim_initials || t('marac.agenda.notShown'),
    dateOfBirth: item.date_of_birth ? formatDate(item.date_of_birth) : t('marac.agenda.dobNotRecorded'),
    area: meeting.area_name,
    kind: kindTag(item.kind),
    risk: risk(item),
    referral: item.referral_reference,
    referredOn: item.referred_on ? formatDate(item.referred_on) : null,
    researched: options.researched ?? null,
  };
}

/** The meeting page: the meeting, whether its case content is shown (and if not, why), and the agenda. */
export function presentAgendaPage(page: { meeting: MeetingRow; access: MeetingAccess; items: ItemRow[]; count: number }, researched: Set<string>) {
  const { meeting, access } = page;
  const reason = !access.agreementInForce
    ? t('marac.agenda.noAgreement')
    : !access.coordinator && !access.published
      ? t('marac.agenda.notYetPublished')
      : !access.coordinator && !access.invited
        ? t('marac.agenda.notInvited')
        : null;
  return {
    meeting: {
      ...presentMeetingRow(meeting, page.count),
      id: meeting.id,
      agendaVersion: meeting.agenda_version,
      publishedAt: meeting.agenda_published_at ? formatDateTime(meeting.agenda_published_at) : null,
      customOrder: meeting.agenda_custom_order,
    },
    hidden: reason,
    coordinator: access.coordinator,
    mayChange: mayChangeAgenda(access),
    mayResearch: mayResearch(access),
    items: page.items.map((item) => presentItem(item, meeting, { coordinator: access.coordinator, researched: researched.has(item.id) })),
  };
}

export const meetingChoice = (m: MeetingRow & { count: number }) => ({
  value: m.id,
  text: t('marac.meeting.choice', { title: meetingTitle(m), time: time(m.starts_at), count: m.count, limit: m.case_limit }),
});

export function presentProposal(p: Proposal, areaNames: Map<string, string>) {
  const r = p.referral;
  return {
    referralId: r.id,
    reference: r.reference,
    referralHref: `/referrals/${r.id}`,
    caseReference: r.case_reference,
    kind: kindTag(r.is_repeat ? 'repeat' : 'new'),
    risk: risk(r),
    referredOn: formatDate(r.referred_on),
    referringAgency: r.referring_agency,
    area: p.area ? (areaNames.get(p.area) ?? '') : t('marac.planning.noArea'),
    proposal: p.meeting ? meetingTitle(p.meeting) : null,
    proposalId: p.meeting?.id ?? null,
  };
}

const yesNo = (value: boolean) => t(value ? 'marac.yes' : 'marac.no');

export function presentResearch(row: ResearchRow) {
  return {
    agency: row.agency_name,
    known: yesNo(row.known_to_agency),
    openCase: row.known_to_agency ? yesNo(row.open_case) : '',
    risks: row.known_to_agency ? yesNo(row.risks_identified) : '',
    notes: row.notes,
    recorded: t('marac.research.recordedBy', { name: row.recorded_by_name ?? t('marac.research.someone'), when: formatDateTime(row.updated_at) }),
  };
}

export function researchValues(row: ResearchRow | null): Record<string, string> {
  if (!row) return {};
  return {
    knownToAgency: row.known_to_agency ? 'yes' : 'no',
    openCase: row.open_case ? 'yes' : 'no',
    risksIdentified: row.risks_identified ? 'yes' : 'no',
    notes: row.notes ?? '',
  };
}

/** What a form shows: what was typed (sent back after a refusal), else the record as it is now. */
export function formValues(sent: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  return Object.keys(sent).length > 0 ? sent : defaults;
}

/** The case page's MARAC panel: each meeting the case is on, what kind of case it was there, and whether it has been heard. */
export function presentCasePanel(rows: { kind: string; meeting_id: string; meeting_date: string; starts_at: string; status: string; area_name: string }[]) {
  if (rows.length === 0) return null;
  return {
    meetings: rows.map((row) => ({
      href: `/marac/meetings/${row.meeting_id}`,
      title: meetingTitle(row),
      kind: kindTag(row.kind),
      status: t(row.status === 'scheduled' ? 'marac.case.onAgenda' : `marac.status.${row.status}`),
    })),
  };
}
