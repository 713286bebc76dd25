import { formatDate } from '../../platform/format.js';
import { HarbourError } from '../../platform/errors.js';

/** Broken case rules, with stable codes; each names the field the form shows it on. */
export function ruleBroken(code: string, field: string, message: string): HarbourError {
  return new HarbourError(code, 400, message, [{ field, message }]);
}

export const caseErrors = {
  personNotFound: () => ruleBroken('person_not_found', 'personId', 'No person you may see has this Harbour ID. Check it on the person’s page.'),
  victimNotRemovable: () => ruleBroken('victim_not_removable', 'personId', 'The victim cannot be taken off their case. Close the case instead.'),
  alreadyOnCase: () => ruleBroken('already_on_case', 'personId', 'This person is already on this case'),
  childTooOld: (openedOn: string, field: string) =>
    ruleBroken(
      'child_not_under_18',
      field,
      `A child must be under 18 on the date the case was opened (${formatDate(openedOn)}). Add someone 18 or over as a household member.`,
    ),
  childAgeUnknown: () =>
    ruleBroken('child_age_unknown', 'personId', 'This person has no date of birth or estimated age. Add one to their record before adding them as a child.'),
  notAnAdultOnCase: (field: string) => ruleBroken('not_an_adult_on_case', field, 'Select a relationship to someone on this case'),
  closedBeforeOpened: (openedOn: string) =>
    ruleBroken('closed_before_opened', 'closedOn', `Date the case was closed must be on or after the date it was opened (${formatDate(openedOn)})`),
  agencyNotAssignable: () =>
    ruleBroken(
      'agency_not_assignable',
      'agencyId',
      'Select an active agency with an information-sharing agreement in force that does not already have this case',
    ),
};
