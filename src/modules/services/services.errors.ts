import { HarbourError } from '../../platform/errors.js';

/** A services rule the request breaks: 422 (409 for a clash), with the field the form shows it on. */
function refused(code: string, field: string, message: string, status = 422): HarbourError {
  return new HarbourError(code, status, message, [{ field, message }]);
}

export const servicesErrors = {
  stageOrder: (field: string, message: string) => refused('stage_order', field, message),
  recordEnded: () => refused('record_ended', 'form', 'This person has left the service: only the answers and date of how they left can be corrected', 409),
  notEligible: (roles: string) => refused('not_eligible', 'personId', `Select a person this service works with (${roles})`),
  alreadyInService: () => refused('already_in_service', 'personId', 'This person is already in this service: record their progress on their record', 409),
  notTakingReferrals: () => refused('not_taking_referrals', 'personId', 'This service is not taking new referrals: ask its provider what else is available'),
  alreadyConfigured: () => refused('already_configured', 'definitionId', 'The partnership already runs this service', 409),
  answers: (problems: { field: string; message: string }[]) => new HarbourError('validation_failed', 400, 'The request has errors', problems),
};
