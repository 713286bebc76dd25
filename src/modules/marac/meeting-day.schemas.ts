import { z } from 'zod';
import { readDate, readId, readText, readVersion, text } from '../../platform/form-readers.js';
import { formSchema } from '../people/case.schemas.js';

/**
 * The meeting day's forms (issue 5, steps 4 and 5): the attendance register, minutes and their amendments, actions
 * and marking one done. One schema per form, every problem at once in GOV.UK wording; the parsed input rides under
 * its own key so the fields as typed refill the form after a refusal.
 */

export const MINUTE_MAX = 8000;
export const DESCRIPTION_MAX = 2000;
export const UPDATE_MAX = 2000;
export const ATTENDANCE_STATUSES = ['present', 'apologies'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export const attendanceForm = formSchema((raw, fail) => {
  const userId = readId(raw, fail, 'userId', 'Select the person');
  const status = text(raw.status);
  if (!(ATTENDANCE_STATUSES as readonly string[]).includes(status)) fail('status', 'Select whether they are present or sent apologies');
  return { attendance: { userId: userId!, status: status as AttendanceStatus }, version: readVersion(raw, fail, 0) };
});

export type MinuteInput = { idvaView: string | null; summary: string | null; risks: string | null };

export const minuteForm = formSchema((raw, fail) => {
  const intent = text(raw.intent) === 'finalise' ? ('finalise' as const) : ('save' as const);
  const minute: MinuteInput = {
    idvaView: readText(raw, fail, 'idvaView', 'The IDVA’s view', MINUTE_MAX),
    summary: readText(raw, fail, 'summary', 'The summary', MINUTE_MAX, intent === 'finalise' ? 'Enter a summary before finalising the minutes' : undefined),
    risks: readText(raw, fail, 'risks', 'The risks', MINUTE_MAX),
  };
  if (intent === 'save' && !minute.idvaView && !minute.summary && !minute.risks) fail('summary', 'Enter the minutes for this case');
  return { minute, intent, version: readVersion(raw, fail, 0) };
});

export const amendmentForm = formSchema((raw, fail) => ({
  amendment: readText(raw, fail, 'amendment', 'The amendment', MINUTE_MAX, 'Enter the amendment')!,
}));

export type ActionInput = { agencyId: string; assignedUserId: string | null; description: string; dueOn: string };

export const actionForm = formSchema((raw, fail) => {
  const agencyId = readId(raw, fail, 'agencyId', 'Select the agency the action is for');
  const assignedUserId = text(raw.assignedUserId) ? readId(raw, fail, 'assignedUserId', 'Select a person from the list') : null;
  const description = readText(raw, fail, 'description', 'The action', DESCRIPTION_MAX, 'Enter what the agency will do');
  const dueOn = readDate(raw, fail, 'dueOn', 'The due date', 'Enter the date the action is due');
  const action: ActionInput = { agencyId: agencyId!, assignedUserId: assignedUserId ?? null, description: description!, dueOn: dueOn! };
  return { action };
});

export const actionDoneForm = formSchema((raw, fail) => ({
  update: readText(raw, fail, 'update', 'The update', UPDATE_MAX, 'Enter an update saying what your agency did')!,
  version: readVersion(raw, fail, 1),
}));

export const DASHBOARD_PERIODS = ['3', '6', '12', 'all'] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];
export const dashboardQuery = z.object({ period: z.enum(DASHBOARD_PERIODS).catch('12').default('12') });
export const actionsQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1) });
