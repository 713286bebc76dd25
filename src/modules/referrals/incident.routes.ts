import type { FastifyInstance } from 'fastify';
import { translate } from '../../platform/i18n.js';
import { renderPage, sentValues } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { recordIncident } from './incident.service.js';
import { formValues, incidentFormItems, presentIncident } from './referral.presenter.js';
import { caseForForm, incidentPage } from './referral.read.service.js';
import { idParams, incidentForm, refusalsOnForm, SUMMARY_MAX } from './referral.schemas.js';

/** Recording an incident on a case, and the incident's own page (which says when Harbour found it is a repeat). */
export function registerIncidentRoutes(app: FastifyInstance): void {
  const db = app.db;

  page(app, {
    method: 'GET',
    url: '/cases/:id/incidents/new',
    subjectType: 'case',
    access: 'personal-data:read',
    audit: 'incident.create.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const theCase = await caseForForm(db, requireUser(request), params.id);
      return renderPage(request, reply, 'referrals/views/incident-form.njk', {
        theCase,
        items: incidentFormItems(theCase.perpetrators),
        form: formValues(sentValues(request), {}, ['types', 'perpetratorIds']),
        summaryMax: SUMMARY_MAX,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/cases/:id/incidents',
    subjectType: 'case',
    access: 'personal-data:read',
    audit: 'incident.create',
    params: idParams,
    body: incidentForm,
    invalidRedirect: (request) => `/cases/${(request.params as { id: string }).id}/incidents/new`,
    handler: async ({ request, reply, params, body }) => {
      const saved = await refusalsOnForm(recordIncident(db, actorFor(request), requireUser(request), params.id, body.incident));
      const notice = translate('en', saved.repeat ? 'referrals.incident.recordedRepeat' : 'referrals.incident.recorded');
      await app.sessions.setFlash(request.session!.idHash, { notice });
      return reply.redirect(`/incidents/${saved.id}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/incidents/:id',
    subjectType: 'incident',
    access: 'personal-data:read',
    audit: 'incident.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const found = await incidentPage(db, requireUser(request), params.id);
      return renderPage(request, reply, 'referrals/views/incident.njk', { incident: presentIncident(found) });
    },
  });
}
