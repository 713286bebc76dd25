import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../db/database.js';
import { page, requireUser, type PageContext } from '../../platform/routes.js';
import { findCase } from '../people/case.service.js';
import { assessmentUrl, presentTriggered } from './risk.assessment.presenter.js';
import { findAssessment, listInstruments, type AssessmentDetail } from './risk.service.js';

/** What the risk pages share: the assessment a page is about, and a notice for the page after a redirect. */

export const checkUrl = (id: string) => `/risk/${id}/check`;

type Loaded = { assessment: AssessmentDetail; caseReference: string };

/**
 * An assessment and its case's reference, for a page about it. The page's audit event is recorded against the case,
 * like every change the service records, with the assessment named in its details. One the user may not see is not
 * found.
 */
async function loadAssessment(request: FastifyRequest, id: string): Promise<Loaded> {
  const viewer = requireUser(request);
  const assessment = await findAssessment(request.server.db, viewer, id);
  const found = await findCase(request.server.db, viewer, assessment.caseId);
  Object.assign(request.audit, { subjectType: 'case', subjectId: assessment.caseId, details: { ...request.audit.details, assessmentId: id } });
  return { assessment, caseReference: found.reference };
}

/**
 * A page showing one assessment (GET /risk/:id…): personal data, audited as risk.assessment.view. With `only`, a page
 * for a draft (its questions) or for a submitted assessment (its confirmation) sends the other kind to its record.
 */
export function assessmentPage<Q, P extends { id: string }>(
  app: FastifyInstance,
  route: {
    url: string;
    params: z.ZodType<P>;
    query?: z.ZodType<Q>;
    only?: AssessmentDetail['status'];
    handler: (ctx: PageContext<unknown, Q, P> & Loaded) => Promise<unknown>;
  },
): void {
  page(app, {
    method: 'GET',
    url: route.url,
    subjectType: 'risk_assessment',
    access: 'personal-data:read',
    audit: 'risk.assessment.view',
    personalData: true,
    params: route.params,
    query: route.query,
    handler: async (ctx) => {
      const loaded = await loadAssessment(ctx.request, ctx.params.id);
      if (route.only && loaded.assessment.status !== route.only) return ctx.reply.redirect(assessmentUrl(loaded.assessment.id), 303);
      return route.handler({ ...ctx, ...loaded });
    },
  });
}

export async function notify(request: FastifyRequest, notice: string): Promise<void> {
  await request.server.sessions.setFlash(request.session!.idHash, { notice });
}

/** The supplementary checklists an assessment's answers call for, by their titles, each with a link to start it. */
export async function triggeredChecklists(db: Db, partnershipId: string, assessment: AssessmentDetail) {
  if (assessment.triggered.length === 0) return [];
  const titles = new Map((await listInstruments(db, partnershipId)).map((i) => [i.id, i.title]));
  return presentTriggered(assessment, titles);
}
