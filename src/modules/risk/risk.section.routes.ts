import type { FastifyInstance } from 'fastify';
import { errors } from '../../platform/errors.js';
import { translate } from '../../platform/i18n.js';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { answerItems, assessmentUrl, presentAssessment, presentSection, sectionUrl } from './risk.assessment.presenter.js';
import { assessmentPage, checkUrl, notify } from './risk.pages.js';
import { assessmentParams, detailsForm, returnQuery, sectionForm, sectionParams } from './risk.schemas.js';
import { NOTE_MAX } from './risk.scoring.js';
import { findAssessment, saveDraftDetails, saveSection } from './risk.service.js';

/**
 * A draft's pages: its date and the victim's part, and one page per section of questions. Each form carries the
 * draft's version, so a save over someone else's is refused as an edit conflict and the page shows the draft as it
 * now is. A submitted assessment is final: these pages then lead to its record.
 */
export function registerRiskSectionRoutes(app: FastifyInstance): void {
  const db = app.db;

  assessmentPage(app, {
    url: '/risk/:id/details',
    params: assessmentParams,
    query: returnQuery,
    only: 'draft',
    handler: async ({ request, reply, query, assessment, caseReference }) => {
      return renderPage(request, reply, 'risk/views/details.njk', {
        assessment: presentAssessment(assessment, caseReference),
        action: `/risk/${assessment.id}/details${query.from ? '?from=check' : ''}`,
        backHref: query.from ? checkUrl(assessment.id) : assessmentUrl(assessment.id),
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/risk/:id/details',
    subjectType: 'risk_assessment',
    access: 'personal-data:read',
    audit: 'risk.assessment.update',
    params: assessmentParams,
    query: returnQuery,
    body: detailsForm,
    handler: async ({ request, reply, params, query, body }) => {
      await saveDraftDetails(db, actorFor(request), params.id, { ...body, victimParticipated: body.victimParticipated === 'yes' });
      await notify(request, translate('en', 'risk.details.done'));
      return reply.redirect(query.from ? checkUrl(params.id) : assessmentUrl(params.id), 303);
    },
  });

  assessmentPage(app, {
    url: '/risk/:id/sections/:section',
    params: sectionParams,
    query: returnQuery,
    only: 'draft',
    handler: async ({ request, reply, params, query, assessment, caseReference }) => {
      const section = presentSection(assessment, params.section);
      if (!section) throw errors.notFound('Section');
      return renderPage(request, reply, 'risk/views/section.njk', {
        assessment: presentAssessment(assessment, caseReference),
        section,
        answerItems: answerItems(),
        noteMax: NOTE_MAX,
        action: sectionUrl(assessment.id, section.id, Boolean(query.from)),
        backHref: query.from ? checkUrl(assessment.id) : assessmentUrl(assessment.id),
      });
    },
  });

  /**
   * "Save and continue" goes on to the next section (after the last, or when the page was opened from "check your
   * answers", to that page); "Save as draft and return later" goes back to the case, where the draft is listed.
   */
  page(app, {
    method: 'POST',
    url: '/risk/:id/sections/:section',
    subjectType: 'risk_assessment',
    access: 'personal-data:read',
    audit: 'risk.assessment.save',
    params: sectionParams,
    query: returnQuery,
    body: sectionForm,
    handler: async ({ request, reply, params, query, body }) => {
      await saveSection(db, actorFor(request), params.id, { version: body.version, section: params.section, answers: body.answers });
      const assessment = await findAssessment(db, requireUser(request), params.id);
      if (body.action === 'draft') {
        await notify(request, translate('en', 'risk.draft.saved'));
        return reply.redirect(`/cases/${assessment.caseId}`, 303);
      }
      const next = presentSection(assessment, params.section)?.next;
      return reply.redirect(query.from || !next ? checkUrl(params.id) : sectionUrl(params.id, next), 303);
    },
  });
}
