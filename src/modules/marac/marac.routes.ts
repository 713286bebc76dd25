import type { FastifyInstance } from 'fastify';
import { registerAgendaRoutes } from './agenda.routes.js';
import { registerDocumentRoutes } from './documents.routes.js';
import { registerMeetingDayRoutes } from './meeting-day.routes.js';
import { registerMeetingRoutes } from './meeting.routes.js';
import { registerResearchRoutes } from './research.routes.js';
import { registerSafeLivesRoutes } from './safelives.routes.js';
import { registerTransferRoutes } from './transfer.routes.js';

/**
 * MARAC meetings (issue 5): schedules and meetings, agendas and publishing, agencies' research, the meeting day,
 * documents, the SafeLives quarterly return and MARAC-to-MARAC transfers.
 */
export function registerMaracModule(app: FastifyInstance): void {
  registerMeetingRoutes(app);
  registerAgendaRoutes(app);
  registerResearchRoutes(app);
  registerMeetingDayRoutes(app);
  registerSafeLivesRoutes(app);
  registerDocumentRoutes(app);
  registerTransferRoutes(app);
}
