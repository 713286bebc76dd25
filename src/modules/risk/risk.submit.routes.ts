import type { FastifyInstance } from 'fastify';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { checkErrorList, presentAnswers, presentAssessment, presentJudgement, presentOutcome } from './risk.assessment.presenter.js';
import { assessmentPage, checkUrl, triggeredChecklists } from './risk.pages.js';
import { assessmentParams, submitForm } from './risk.schemas.js';
import { previewScore, submitAssessment } from './risk.service.js';
import { RATIONALE_MAX } from './risk.scoring.js';

const confirmationUrl = (id: string) => `/risk/${id}/confirmation`;

/**
 * "Check your answers" and submitting. Submitting scores and bands the answers and applies professional judgement
 * (risk.scoring.ts); what it refuses comes back here in an error summary, each problem linked to where it is put
 * right. A submitted assessment is final.
 */
export function registerRiskSubmitRoutes(app: FastifyInstance): void {
  const db = app.db;

  assessmentPage(app, {
    url: '/risk/:id/check',
    params: assessmentParams,
    only: 'draft',
    handler: async ({ request, reply, assessment, caseReference }) => {
      const viewer = requireUser(request);
      // Problems from submitting link to the page where each is put right, not to a field of this page.
      const problems = request.session?.flash.errors ?? [];
      return renderPage(request, reply, 'risk/views/check.njk', {
        assessment: presentAssessment(assessment, caseReference),
        sections: presentAnswers(assessment),
        judgement: presentJudgement(await previewScore(db, viewer.partnershipId, assessment)),
        triggered: await triggeredChecklists(db, viewer.partnershipId, assessment),
        rationaleMax: RATIONALE_MAX,
        errorList: checkErrorList(assessment, problems),
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/risk/:id/submit',
    subjectType: 'risk_assessment',
    access: 'personal-data:read',
    audit: 'risk.assessment.submit',
    params: assessmentParams,
    body: submitForm,
    invalidRedirect: (request) => checkUrl((request.params as { id: string }).id),
    handler: async ({ request, reply, params, body }) => {
      await submitAssessment(db, actorFor(request), params.id, body);
      return reply.redirect(confirmationUrl(params.id), 303);
    },
  });

  assessmentPage(app, {
    url: '/risk/:id/confirmation',
    params: assessmentParams,
    only: 'submitted',
    handler: async ({ request, reply, assessment, caseReference }) => {
      const viewer = requireUser(request);
      return renderPage(request, reply, 'risk/views/confirmation.njk', {
        assessment: presentAssessment(assessment, caseReference),
        outcome: presentOutcome(assessment),
        triggered: await triggeredChecklists(db, viewer.partnershipId, assessment),
      });
    },
  });
}
