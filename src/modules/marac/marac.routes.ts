import type { FastifyInstance } from 'fastify';
import { registerAgendaRoutes } from './agenda.routes.js';
import { registerMeetingDayRoutes } from './meeting-day.routes.js';
import { registerMeetingRoutes } from './meeting.routes.js';
import { registerResearchRoutes } from './research.routes.js';
import { registerTransferRoutes } from './transfer.routes.js';

/** MARAC meetings (issue 5): schedules and meetings, agendas and publishing, agencies' research; MARAC-to-MARAC transfers. */
export function registerMaracModule(app: FastifyInstance): void {
  registerMeetingRoutes(app);
  registerAgendaRoutes(app);
  registerResearchRoutes(app);
  registerMeetingDayRoutes(app);
  registerTransferRoutes(app);
}
