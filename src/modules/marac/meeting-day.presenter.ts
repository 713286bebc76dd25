import { formatDate, formatDateTime, londonToday } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import type { ActionRow } from './action.repository.js';
import type { ItemRow } from './agenda.repository.js';
import type { AttendanceRow, StaffRow } from './attendance.repository.js';
import type { Rate } from './dashboard.service.js';
import { meetingTitle, presentItem, when } from './marac.presenter.js';
import type { MeetingRow } from './meeting.repository.js';
import type { AmendmentRow, MinuteRow } from './minutes.repository.js';

/** Domain → view models for the meeting day, the actions and the dashboard (locale keys "marac.meeting.*", "marac.actions.*"). */
const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);

export function presentMeeting(meeting: MeetingRow) {
  return {
    id: meeting.id,
    href: `/marac/meetings/${meeting.id}`,
    dayHref: `/marac/meetings/${meeting.id}/day`,
    title: meetingTitle(meeting),
    when: when(meeting),
    place: meeting.place,
  };
}

export function presentAttendance(row: AttendanceRow) {
  return {
    userId: row.user_id,
    name: row.display_name,
    agency: row.agency_name,
    status: row.status,
    statusTag: { text: t(`marac.meeting.attendance.${row.status}`), colour: row.status === 'present' ? 'green' : 'grey' },
    confirmed: row.confidentiality_confirmed_at ? formatDateTime(row.confidentiality_confirmed_at) : t('marac.meeting.attendance.notConfirmed'),
    version: row.version,
  };
}

export const staffChoices = (staff: StaffRow[], blank: string) => [
  { value: '', text: blank },
  ...staff.map((s) => ({ value: s.id, text: t('marac.meeting.staffChoice', { name: s.display_name, agency: s.agency_name }) })),
];

const MINUTE_TAGS = { none: 'grey', draft: 'yellow', final: 'green' } as const;

export const minuteTag = (status: keyof typeof MINUTE_TAGS) => ({ text: t(`marac.meeting.minutes.status.${status}`), colour: MINUTE_TAGS[status] });

/** One agenda case on the meeting page: who it is, and how far its minutes and actions have got. */
export function presentDayItem(item: ItemRow, meeting: MeetingRow, minutes: 'draft' | 'final' | undefined, actions: number, coordinator: boolean) {
  return {
    ...presentItem(item, meeting, { coordinator }),
    minutesHref: `/marac/meetings/${meeting.id}/items/${item.id}/minutes`,
    minutes: minuteTag(minutes ?? 'none'),
    actions,
  };
}

export function presentMinute(minute: MinuteRow) {
  return {
    status: minute.status,
    tag: minuteTag(minute.status),
    idvaView: minute.idva_view,
    summary: minute.summary,
    risks: minute.risks,
    version: minute.version,
    drafted: t('marac.meeting.minutes.lastSaved', { name: minute.drafted_by_name ?? t('marac.meeting.someone'), when: formatDateTime(minute.updated_at) }),
    finalised: minute.finalised_at
      ? t('marac.meeting.minutes.finalisedBy', { name: minute.finalised_by_name ?? t('marac.meeting.someone'), when: formatDateTime(minute.finalised_at) })
      : null,
  };
}

export const presentAmendment = (row: AmendmentRow, index: number) => ({
  heading: t('marac.meeting.minutes.amendmentHeading', { number: index + 1 }),
  text: row.text,
  by: t('marac.meeting.minutes.amendedBy', {
    name: row.made_by_name ?? t('marac.meeting.someone'),
    agency: row.agency_name,
    when: formatDateTime(row.created_at),
  }),
});

export const minuteValues = (minute: MinuteRow | null): Record<string, string> => ({
  idvaView: minute?.idva_view ?? '',
  summary: minute?.summary ?? '',
  risks: minute?.risks ?? '',
});

/** "Done on time" means done on a London calendar date on or before the due date (docs/marac.md). */
export const doneOnTime = (action: Pick<ActionRow, 'completed_at' | 'due_on'>) =>
  Boolean(action.completed_at && londonToday(action.completed_at) <= action.due_on);

function actionTag(action: ActionRow, today: string) {
  if (action.status === 'done')
    return doneOnTime(action) ? { text: t('marac.actions.tag.doneOnTime'), colour: 'green' } : { text: t('marac.actions.tag.doneLate'), colour: 'orange' };
  if (action.due_on < today) return { text: t('marac.actions.tag.overdue'), colour: 'red' };
  if (action.due_on === today) return { text: t('marac.actions.tag.dueToday'), colour: 'yellow' };
  return { text: t('marac.actions.tag.open'), colour: 'blue' };
}

export function presentAction(action: ActionRow, today = londonToday()) {
  return {
    id: action.id,
    href: `/marac/actions/${action.id}`,
    description: action.description,
    agency: action.agency_name,
    assigned: action.assigned_name ?? t('marac.actions.noOne'),
    due: formatDate(action.due_on),
    tag: actionTag(action, today),
    overdue: action.status === 'open' && action.due_on < today,
    meeting: meetingTitle(action),
    meetingHref: `/marac/meetings/${action.meeting_id}/day`,
    caseReference: action.case_reference,
    done: action.status === 'done',
    completionNote: action.completion_note,
    completed: action.completed_at
      ? t('marac.actions.completedBy', { name: action.completed_by_name ?? t('marac.meeting.someone'), when: formatDateTime(action.completed_at) })
      : null,
    version: action.version,
  };
}

export const percent = (r: Rate) =>
  r.percent === null ? t('marac.actions.dashboard.noneDecided') : t('marac.actions.dashboard.percent', { percent: r.percent, count: r.count, of: r.of });
