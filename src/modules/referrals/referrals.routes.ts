import type { FastifyInstance } from 'fastify';
import { addCasePanel } from '../people/case.panels.js';
import { registerIncidentRoutes } from './incident.routes.js';
import { presentCasePanel } from './referral.presenter.js';
import { casePanel } from './referral.read.service.js';
import { registerReferralRoutes } from './referral.routes.js';
import { registerScreeningRoutes } from './screening.routes.js';

/** Incidents, referrals and MARAC screening pages, and the case page's incidents and referrals panel. */
export function registerReferralsModule(app: FastifyInstance): void {
  registerScreeningRoutes(app);
  registerIncidentRoutes(app);
  registerReferralRoutes(app);
  addCasePanel(app, {
    id: 'referrals',
    template: 'referrals/views/case-panel.njk',
    load: async (db, viewer, caseId) => presentCasePanel(caseId, await casePanel(db, viewer, caseId)),
  });
}
