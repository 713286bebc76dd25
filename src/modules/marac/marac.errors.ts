import { formatDate } from '../../platform/format.js';
import { HarbourError } from '../../platform/errors.js';

/** A MARAC rule the request breaks: 422 (409 for a clash), with the field the form shows it on. */
function refused(code: string, field: string, message: string, status = 422): HarbourError {
  return new HarbourError(code, status, message, [{ field, message }]);
}

export const maracErrors = {
  scheduleExists: (area: string) => refused('schedule_exists', 'areaId', `${area} already has a MARAC schedule. Change that schedule, or stop it first.`, 409),
  dateInPast: (field: string) => refused('date_in_past', field, 'The meeting date must be today or in the future'),
  limitBelowAgenda: (count: number) =>
    refused('limit_below_agenda', 'caseLimit', `The agenda already has ${count} cases: the case limit must be ${count} or more`),
  meetingNotOpen: (field = 'meetingId') => refused('meeting_not_open', field, 'Choose a meeting that is still to come: this one has been held or cancelled'),
  meetingFull: (limit: number, field = 'meetingId') =>
    refused(
      'meeting_full',
      field,
      `That meeting is full: its limit is ${limit} case${limit === 1 ? '' : 's'}. Choose another meeting, or raise its case limit.`,
    ),
  alreadyOnAgenda: (date: string, field = 'meetingId') =>
    refused('already_on_agenda', field, `This case is already on the agenda of the meeting on ${formatDate(date)}: a case is heard once per meeting`, 409),
  alreadyPlaced: () => refused('already_placed', 'form', 'This referral is already on an agenda', 409),
  referralNotWaiting: () => refused('referral_not_waiting', 'form', 'Only accepted MARAC referrals can be put on an agenda'),
  cannotMove: (direction: 'up' | 'down') =>
    refused('cannot_move', 'form', direction === 'up' ? 'This case is already first on the agenda' : 'This case is already last on the agenda'),
  agendaEmpty: () => refused('agenda_empty', 'form', 'Put at least one case on the agenda before publishing it'),
  noAgencies: () => refused('no_agencies', 'agencyIds', 'Select the agencies to invite'),
  agencyNotInvitable: () => refused('agency_not_invitable', 'agencyIds', 'Select only active agencies with an information-sharing agreement in force'),
  notInvited: () =>
    refused('not_invited', 'form', 'Your agency has not been invited to this meeting, so it cannot record research for it. Ask the MARAC coordinator.', 403),
  agreementNotInForce: () =>
    refused(
      'isa_not_in_force',
      'form',
      'Your agency’s information-sharing agreement is not in force, so it cannot see or share MARAC case details. Ask your partnership manager to renew it.',
      403,
    ),
};
