import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { londonToday } from '../../platform/format.js';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { addCasePanel } from '../people/case.panels.js';
import { findCase } from '../people/case.service.js';
import { assessmentUrl, presentAnswers, presentAssessment, presentOutcome, presentTaskList } from './risk.assessment.presenter.js';
import { assessmentPage, checkUrl, triggeredChecklists } from './risk.pages.js';
import { presentRiskPanel } from './risk.presenter.js';
import { assessmentParams, startForm, startQuery } from './risk.schemas.js';
import { registerRiskSectionRoutes } from './risk.section.routes.js';
import { listCaseAssessments, listInstruments, startDraft } from './risk.service.js';
import { registerRiskSubmitRoutes } from './risk.submit.routes.js';

const caseParams = z.object({ id: z.uuid() });

/**
 * Risk assessments (issue 4): started from a case, answered a section a page, checked, submitted. The case page
 * shows each case's risk history through a panel, so the people module need not know about risk.
 */
export function registerRiskModule(app: FastifyInstance): void {
  const db = app.db;

  addCasePanel(app, {
    id: 'risk',
    template: 'risk/views/case-panel.njk',
    load: async (database, viewer, caseId) => presentRiskPanel(await listCaseAssessments(database, viewer, caseId), viewer.userId, caseId),
  });

  page(app, {
    method: 'GET',
    url: '/cases/:id/risk/new',
    subjectType: 'case',
    access: 'personal-data:read',
    audit: 'risk.assessment.start.view',
    personalData: true,
    params: caseParams,
    query: startQuery,
    handler: async ({ request, reply, params, query }) => {
      const viewer = requireUser(request);
      const found = await findCase(db, viewer, params.id);
      const instruments = await listInstruments(db, viewer.partnershipId);
      const [year, month, day] = londonToday().split('-');
      return renderPage(request, reply, 'risk/views/start.njk', {
        caseId: found.id,
        caseReference: found.reference,
        chosen: query.instrument ?? '',
        instrumentItems: instruments.map((i) => ({ value: i.id, text: i.title, hint: { text: i.purpose } })),
        today: { day: String(Number(day)), month: String(Number(month)), year },
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/cases/:id/risk',
    subjectType: 'case',
    access: 'personal-data:read',
    audit: 'risk.assessment.start',
    params: caseParams,
    body: startForm,
    invalidRedirect: (request) => `/cases/${(request.params as { id: string }).id}/risk/new`,
    handler: async ({ request, reply, params, body }) => {
      const started = await startDraft(db, actorFor(request), params.id, { ...body, victimParticipated: body.victimParticipated === 'yes' });
      return reply.redirect(assessmentUrl(started.id), 303);
    },
  });

  /** A draft's task list of sections; a submitted assessment's record, final. */
  assessmentPage(app, {
    url: '/risk/:id',
    params: assessmentParams,
    handler: async ({ request, reply, assessment, caseReference }) => {
      const view = presentAssessment(assessment, caseReference);
      if (view.submitted) {
        return renderPage(request, reply, 'risk/views/assessment.njk', {
          assessment: view,
          sections: presentAnswers(assessment),
          outcome: presentOutcome(assessment),
          triggered: await triggeredChecklists(db, requireUser(request).partnershipId, assessment),
        });
      }
      return renderPage(request, reply, 'risk/views/task-list.njk', {
        assessment: view,
        tasks: presentTaskList(assessment),
        checkHref: checkUrl(assessment.id),
      });
    },
  });

  registerRiskSectionRoutes(app);
  registerRiskSubmitRoutes(app);
}
