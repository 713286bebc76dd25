import { formatDate } from '../../platform/format.js';
import { HarbourError } from '../../platform/errors.js';

/** The meeting day's rules a request breaks, with the field the form shows them on (the page's own errors: marac.errors.ts). */
function refused(code: string, field: string, message: string, status = 422): HarbourError {
  return new HarbourError(code, status, message, [{ field, message }]);
}

export const dayErrors = {
  /** Pages answer with the statement instead (meeting-day.routes.ts); a form posted without it comes back with this. */
  confirmFirst: () =>
    refused('confidentiality_not_confirmed', 'form', 'Confirm the meeting’s confidentiality statement before you see or record its cases', 403),
  cancelled: () => refused('meeting_cancelled', 'form', 'This meeting was cancelled: nothing can be recorded for it'),
  notStarted: (date: string) =>
    refused('meeting_not_started', 'form', `The meeting is on ${formatDate(date)}: its attendance, minutes and actions are recorded from that day`),
  notAttendee: () => refused('not_an_attendee', 'userId', 'Select a person from the list'),
  minuteFinal: () => refused('minute_final', 'form', 'These minutes are final and cannot be changed. Add an amendment to correct them.', 409),
  minuteNotFinal: () => refused('minute_not_final', 'amendment', 'Only final minutes are amended: change the draft instead'),
  dueBeforeMeeting: (meetingDate: string) =>
    refused('due_before_meeting', 'dueOn', `The due date must be on or after the date of the meeting, ${formatDate(meetingDate)}`),
  agencyNotAssignable: () => refused('agency_not_assignable', 'agencyId', 'Select an agency with an information-sharing agreement in force'),
  personNotInAgency: (agency: string) => refused('person_not_in_agency', 'assignedUserId', `Select a person who works for ${agency}, or no one`),
  actionDone: () => refused('action_done', 'form', 'This action has already been marked as done', 409),
};
