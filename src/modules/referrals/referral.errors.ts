import { formatDate } from '../../platform/format.js';
import { HarbourError } from '../../platform/errors.js';

/** A referral rule the data breaks: 422, with the field the form shows it on. */
function refused(code: string, field: string, message: string): HarbourError {
  return new HarbourError(code, 422, message, [{ field, message }]);
}

export const referralErrors = {
  perpetratorNotOnCase: (field: string) => refused('perpetrator_not_on_case', field, 'Select perpetrators who are on this case'),
  noVictim: () => refused('case_has_no_victim', 'caseId', 'This case has no victim recorded. Add the victim to the case first.'),
  agreementNotInForce: () =>
    refused(
      'isa_not_in_force',
      'destination',
      'Your agency’s information-sharing agreement is not in force, so it cannot refer to MARAC. Ask your partnership manager to renew it.',
    ),
  noMaracAgency: () =>
    refused('no_marac_agency', 'destination', 'The partnership has not named the agency that receives MARAC referrals. Ask an administrator to set it.'),
  maracAgency: () => refused('marac_agency', 'maracAgencyId', 'Select an active agency with an information-sharing agreement in force'),
  receivingAgency: () =>
    refused('receiving_agency', 'toAgencyId', 'Select an active agency with an information-sharing agreement in force to receive the referral'),
  assessmentNotFound: () => refused('assessment_not_found', 'riskAssessmentId', 'Select a submitted risk assessment on this case'),
  notHighRisk: (score: number | null) =>
    refused(
      'criterion_not_met',
      'criterion',
      score === null
        ? 'There is no scored risk assessment on this case, so it is not visible high risk. Complete a DASH, or choose professional judgement and give your reasons.'
        : `The risk assessment scores ${score}, under the high-risk threshold. Choose professional judgement and give your reasons, or another criterion.`,
    ),
  reasonsRequired: () => refused('criterion_not_met', 'reasons', 'Give your reasons for referring on professional judgement'),
  notEscalation: (count: number, needed: number, months: number) =>
    refused(
      'criterion_not_met',
      'criterion',
      `${count} incident${count === 1 ? '' : 's'} recorded in the ${months} months to the referral date; potential escalation needs ${needed}.`,
    ),
  notRepeat: (on: string) =>
    refused(
      'criterion_not_met',
      'criterion',
      `This victim has no MARAC referral with these perpetrators in the 12 months before ${formatDate(on)}, so this is not a repeat.`,
    ),
  lawfulBasisRequired: () =>
    refused('lawful_basis_required', 'consent.lawfulBasis', 'Without the victim’s consent, give the lawful basis for sharing and your reason'),
  futureDate: (field: string) => refused('date_in_future', field, 'The date must be today or in the past'),
};
