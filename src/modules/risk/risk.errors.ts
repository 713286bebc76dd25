import { errors, HarbourError, type FieldError } from '../../platform/errors.js';
import { formatDate } from '../../platform/format.js';
import type { AnswerProblem, JudgementRefusal } from './risk.scoring.js';

const ruleBroken = (code: string, field: string, message: string, status = 400) => new HarbourError(code, status, message, [{ field, message }]);

/** Broken risk rules, with stable codes; each names the field a form shows it on, or the JSON path the API reports. */
export const riskErrors = {
  /** Every problem with a set of answers at once (unknown question, missing or invalid answer, long note). */
  answers: (problems: AnswerProblem[]) => errors.validation(problems.map(({ field, message }) => ({ field, message }))),
  judgement: (refusal: JudgementRefusal) => ruleBroken(refusal.code, refusal.field, refusal.message),
  unknownInstrument: (id: string, version?: number) =>
    ruleBroken(
      'unknown_instrument',
      'instrument',
      version ? `There is no version ${version} of the risk instrument ${id}` : `There is no risk instrument ${id}`,
    ),
  unknownSection: (section: string) => ruleBroken('unknown_section', 'section', `This checklist has no section ${section}`),
  alreadySubmitted: () =>
    ruleBroken(
      'assessment_submitted',
      'version',
      'This assessment has been submitted, so it cannot be changed. Start a new assessment to record a change.',
      409,
    ),
  assessedInFuture: () => ruleBroken('assessed_in_future', 'assessedOn', 'Date of the assessment must be today or in the past'),
  assessedTooEarly: () => ruleBroken('assessed_too_early', 'assessedOn', `Date of the assessment must be on or after ${formatDate('1900-01-01')}`),
  participationMissing: () => ruleBroken('participation_missing', 'victimParticipated', 'Select whether the victim took part in the assessment'),
  invalidInstrument: (problems: FieldError[]) => errors.validation(problems),
  invalidThresholds: (problems: FieldError[]) => errors.validation(problems),
  versionNotNewer: (id: string, latest: number) =>
    ruleBroken('instrument_version_not_newer', 'version', `Version must be higher than ${latest}, the latest version of ${id} held`, 409),
};
