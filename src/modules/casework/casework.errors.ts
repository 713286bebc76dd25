import { HarbourError } from '../../platform/errors.js';

/** A casework rule the request breaks: 422 (409 for a clash), on the field the form shows it on. */
function refused(code: string, field: string, message: string, status = 422): HarbourError {
  return new HarbourError(code, status, message, [{ field, message }]);
}

export const caseworkErrors = {
  notAnIdva: () => refused('not_an_idva', 'idvaId', 'Select an IDVA in your team'),
  alreadyOpen: (idva: string) =>
    refused('already_open', 'form', `This victim already has an open IDVA case with ${idva}: add the new referral's details to that case`, 409),
  referralNotWaiting: () => refused('referral_not_waiting', 'form', 'This referral has already been allocated or decided', 409),
  contactNotTheirs: () => refused('contact_not_theirs', 'contactValueId', 'Select one of the victim’s own numbers or e-mail addresses'),
  contactInFuture: () => refused('contact_in_future', 'contactOn', 'The date of the contact must be today or in the past'),
  contactBeforeCase: (allocated: string) =>
    refused('contact_before_case', 'contactOn', `The date of the contact must be on or after the case was allocated, ${allocated}`),
  unsafeNotConfirmed: (what: string) =>
    refused('unsafe_not_confirmed', 'confirmUnsafe', `This contact goes against the victim’s safe-contact rules (${what}). Confirm you went ahead and say why`),
  justificationRequired: () => refused('justification_required', 'justification', 'Enter why you contacted the victim against their safe-contact rules'),
  caseClosed: () => refused('case_closed', 'form', 'This case is closed: it can no longer be changed'),
};
