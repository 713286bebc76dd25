import type { FastifyInstance } from 'fastify';
import { api } from '../../platform/routes.js';
import { riskScore, riskScoreRequest } from './risk.api.schemas.js';
import { scoreWithoutStoring } from './risk.service.js';

/** POST /api/v1/risk-assessments/score: an agency's own system scores a set of answers; Harbour stores nothing. */
export function registerRiskApi(app: FastifyInstance): void {
  api(app, {
    method: 'POST',
    url: '/api/v1/risk-assessments/score',
    scope: 'risk',
    audit: 'risk.score',
    summary: 'Score a complete set of answers to a risk instrument and band the score, storing nothing',
    tags: ['Risk'],
    body: riskScoreRequest,
    // "version" here picks the instrument's version; nothing is stored, so nothing can be stale.
    conflict: false,
    response: { status: 200, schema: riskScore, description: 'The score and its band (null for an instrument with no score cut-off)' },
    handler: async ({ principal, request, body }) => {
      const result = await scoreWithoutStoring(app.db, principal.partnershipId, body);
      // Which instrument was used, never the answers: they describe a person.
      request.audit.details = { instrument: result.instrument, version: result.version };
      return result;
    },
  });
}
