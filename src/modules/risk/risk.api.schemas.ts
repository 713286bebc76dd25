import { scoreRequest, scoreResponse } from './risk.schemas.js';

/**
 * The JSON shapes of POST /api/v1/risk-assessments/score (contract in issue 4), named for the OpenAPI document. The
 * answers are checked against the instrument by the scoring service, which lists every problem (answers.q5).
 */
export const riskScoreRequest = scoreRequest.meta({
  id: 'RiskScoreRequest',
  description: 'A complete set of answers to score: every question of the instrument answered "yes", "no" or "not_known". Nothing is stored.',
});

export const riskScore = scoreResponse.meta({
  id: 'RiskScore',
  description:
    'The score (the number of "yes" answers) and the band it falls in, with the partnership’s thresholds. band is null for an instrument with no score cut-off (S-DASH, H-DASH): the assessor decides the level.',
});
