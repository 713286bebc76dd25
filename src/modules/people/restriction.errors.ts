import { ruleBroken } from './case.errors.js';

/** Why a "must not see" entry was refused; each names the form field it is shown on. */
export const restrictionErrors = {
  unknownUser: () => ruleBroken('restriction_unknown_user', 'blockedEmail', 'No Harbour user has this email address'),
  unknownAgency: () => ruleBroken('restriction_unknown_agency', 'blockedAgencyId', 'Select an agency'),
  self: () => ruleBroken('restriction_self', 'blockedEmail', 'You cannot add yourself to the list: you would lose access to this record'),
  ownAgency: () =>
    ruleBroken(
      'restriction_own_agency',
      'blockedAgencyId',
      'You cannot add your own agency: everyone in it, including you, would lose access to this record. Name the people instead.',
    ),
  duplicate: (field: string) => ruleBroken('restriction_duplicate', field, 'They are already on the list for this record'),
};
