import { z } from 'zod';
import { londonToday } from '../../platform/format.js';
import { formSchema } from '../people/case.schemas.js';
import { RECURRENCES } from './marac.table.js';
import type { ResearchInput } from './research.service.js';

/**
 * One schema per form (the people module's `formSchema`: every problem at once, in page order, with GOV.UK
 * wording). The parsed input rides under its own key, so the fields as typed, which refill the form after a
 * refusal, keep their own shape.
 */

type Raw = Record<string, unknown>;
type Fail = (field: string, message: string) => undefined;

export const PLACE_MAX = 200;
export const CASE_LIMIT_MAX = 60;
export const NOTES_MAX = 4000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(text) : text(value) ? [text(value)] : []);

function readCode<T extends string>(raw: Raw, fail: Fail, name: string, codes: readonly T[], message: string): T | undefined {
  const value = text(raw[name]);
  return (codes as readonly string[]).includes(value) ? (value as T) : fail(name, message);
}

function readId(raw: Raw, fail: Fail, name: string, message: string): string | undefined {
  const value = text(raw[name]).toLowerCase();
  return UUID.test(value) ? value : fail(name, message);
}

function readWhole(raw: Raw, fail: Fail, name: string, range: [number, number], whenBlank: string, message: string): number | undefined {
  const value = text(raw[name]);
  if (!value) return fail(name, whenBlank);
  const n = Number(value);
  return /^\d{1,4}$/.test(value) && n >= range[0] && n <= range[1] ? n : fail(name, message);
}

/** The version of a record (or agenda) the form was filled in against: a form Harbour wrote, so no wording for people. */
function readVersion(raw: Raw, fail: Fail, name: string, min = 1): number {
  const n = Number(text(raw[name]));
  if (!Number.isInteger(n) || n < min || n > 2_147_483_647) fail(name, 'Reload the page and try again');
  return n;
}

/** A GOV.UK date input ("<name>-day", "-month", "-year"), required; `from` is the earliest date allowed. */
function readDate(raw: Raw, fail: Fail, name: string, label: string, whenBlank: string, from?: { date: string; message: string }): string | undefined {
  const parts = { day: text(raw[`${name}-day`]), month: text(raw[`${name}-month`]), year: text(raw[`${name}-year`]) };
  const missing = Object.entries(parts).flatMap(([part, value]) => (value ? [] : [part]));
  if (missing.length === 3) return fail(name, whenBlank);
  if (missing.length > 0) return fail(name, `${label} must include a ${missing.join(' and ')}`);
  if (!Object.values(parts).every((value) => /^\d{1,4}$/.test(value))) return fail(name, `${label} must be a real date`);
  const iso = `${parts.year.padStart(4, '0')}-${parts.month.padStart(2, '0')}-${parts.day.padStart(2, '0')}`;
  const date = new Date(`${iso}T12:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso || iso < '2000-01-01' || iso > '2099-12-31')
    return fail(name, `${label} must be a real date`);
  if (from && iso < from.date) return fail(name, from.message);
  return iso;
}

/** A 24-hour time, "10:00" or "9.30". */
function readTime(raw: Raw, fail: Fail, name: string): string | undefined {
  const match = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(text(raw[name]));
  if (!match) return fail(name, 'Enter the time the meeting starts on the 24-hour clock, like 10:00');
  return `${match[1]!.padStart(2, '0')}:${match[2]}`;
}

function readPlace(raw: Raw, fail: Fail): string | undefined {
  const place = text(raw.place);
  if (!place) return fail('place', 'Enter where the meeting is held');
  if ([...place].length > PLACE_MAX) return fail('place', `Where the meeting is held must be ${PLACE_MAX} characters or fewer`);
  return place;
}

const readCaseLimit = (raw: Raw, fail: Fail) =>
  readWhole(
    raw,
    fail,
    'caseLimit',
    [1, CASE_LIMIT_MAX],
    'Enter the most cases a meeting may hear',
    `The case limit must be a whole number from 1 to ${CASE_LIMIT_MAX}`,
  );

export const WEEKDAYS = [1, 2, 3, 4, 5] as const;
export const WEEKS_OF_MONTH = [1, 2, 3, 4, 5] as const;

function readSchedule(raw: Raw, fail: Fail) {
  const areaId = readId(raw, fail, 'areaId', 'Select the area');
  const recurrence = readCode(raw, fail, 'recurrence', RECURRENCES, 'Select how often the MARAC meets');
  const weekday =
    recurrence && recurrence !== 'daily' ? readWhole(raw, fail, 'weekday', [1, 5], 'Select the day of the week', 'Select the day of the week') : null;
  const weekOfMonth =
    recurrence === 'monthly' ? readWhole(raw, fail, 'weekOfMonth', [1, 5], 'Select which week of the month', 'Select which week of the month') : null;
  const startsOn = readDate(raw, fail, 'startsOn', 'The first meeting date', 'Enter the date meetings start from');
  const startsAt = readTime(raw, fail, 'startsAt');
  const place = readPlace(raw, fail);
  const caseLimit = readCaseLimit(raw, fail);
  return {
    areaId: areaId!,
    recurrence: recurrence!,
    weekday: weekday ?? null,
    weekOfMonth: weekOfMonth ?? null,
    startsOn: startsOn!,
    startsAt: startsAt!,
    place: place!,
    caseLimit: caseLimit!,
  };
}

export const newScheduleForm = formSchema((raw, fail) => ({ schedule: readSchedule(raw, fail) }));

export const scheduleEditForm = formSchema((raw, fail) => {
  const schedule = readSchedule(raw, fail);
  const active = readCode(raw, fail, 'active', ['yes', 'no'] as const, 'Select whether the schedule is in use');
  return { schedule: { ...schedule, active: active === 'yes' }, version: readVersion(raw, fail, 'version') };
});

function readMeeting(raw: Raw, fail: Fail) {
  const meetingDate = readDate(raw, fail, 'meetingDate', 'Date of the meeting', 'Enter the date of the meeting', {
    date: londonToday(),
    message: 'Date of the meeting must be today or in the future',
  });
  return { meetingDate: meetingDate!, startsAt: readTime(raw, fail, 'startsAt')!, place: readPlace(raw, fail)!, caseLimit: readCaseLimit(raw, fail)! };
}

export const newMeetingForm = formSchema((raw, fail) => {
  const areaId = readId(raw, fail, 'areaId', 'Select the area');
  return { meeting: { areaId: areaId!, ...readMeeting(raw, fail) } };
});

export const meetingEditForm = formSchema((raw, fail) => ({ meeting: readMeeting(raw, fail), version: readVersion(raw, fail, 'version') }));

export const reorderForm = formSchema((raw, fail) => ({
  itemId: readId(raw, fail, 'itemId', 'Reload the page and try again')!,
  direction: readCode(raw, fail, 'direction', ['up', 'down'] as const, 'Reload the page and try again')!,
  agendaVersion: readVersion(raw, fail, 'agendaVersion'),
}));

export const agendaVersionForm = formSchema((raw, fail) => ({ agendaVersion: readVersion(raw, fail, 'agendaVersion') }));

export const moveItemForm = formSchema((raw, fail) => ({
  meetingId: readId(raw, fail, 'meetingId', 'Select the meeting to move the case to')!,
  agendaVersion: readVersion(raw, fail, 'agendaVersion'),
}));

export const placeForm = formSchema((raw, fail) => ({ meetingId: readId(raw, fail, 'meetingId', 'Select a meeting')! }));

/** Nothing to fill in, but a POST always has a schema (the CSRF token is checked before it). */
export const confirmForm = formSchema(() => ({}));

export const publishAgendaForm = formSchema((raw, fail) => {
  const agencyIds = list(raw.agencyIds).map((id) => id.toLowerCase());
  if (agencyIds.length === 0) fail('agencyIds', 'Select the agencies to invite');
  else if (!agencyIds.every((id) => UUID.test(id))) fail('agencyIds', 'Select from the list');
  return { agencyIds: [...new Set(agencyIds)], agendaVersion: readVersion(raw, fail, 'agendaVersion') };
});

export const researchForm = formSchema((raw, fail) => {
  const yesNo = ['yes', 'no'] as const;
  const known = readCode(raw, fail, 'knownToAgency', yesNo, 'Select whether the victim or perpetrator is known to your agency');
  const openCase = known === 'yes' ? readCode(raw, fail, 'openCase', yesNo, 'Select whether your agency has an open case') : 'no';
  const risks = known === 'yes' ? readCode(raw, fail, 'risksIdentified', yesNo, 'Select whether your agency has identified risks') : 'no';
  const notes = text(raw.notes);
  if ([...notes].length > NOTES_MAX) fail('notes', `Notes must be ${NOTES_MAX} characters or fewer`);
  const research: ResearchInput = { knownToAgency: known === 'yes', openCase: openCase === 'yes', risksIdentified: risks === 'yes', notes: notes || null };
  return { research, version: readVersion(raw, fail, 'version', 0) };
});

export const idParams = z.object({ id: z.uuid() });
export const itemParams = z.object({ id: z.uuid(), itemId: z.uuid() });
