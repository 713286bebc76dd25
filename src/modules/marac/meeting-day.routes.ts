import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerActionRoutes } from './action.routes.js';
import { registerAttendanceRoutes } from './attendance.routes.js';
import { registerDashboardRoutes } from './dashboard.routes.js';
import { registerMinutesRoutes } from './minutes.routes.js';

/** The meeting and after (issue 5, steps 4 and 5): attendance and confidentiality, minutes, actions, the dashboard. */
export function registerMeetingDayRoutes(app: FastifyInstance): void {
  registerAttendanceRoutes(app);
  registerMinutesRoutes(app);
  registerActionRoutes(app);
  registerDashboardRoutes(app);
}

export const meetingPath = (request: FastifyRequest) => `/marac/meetings/${(request.params as { id: string }).id}`;
export const itemPath = (request: FastifyRequest) => {
  const { id, itemId } = request.params as { id: string; itemId: string };
  return `/marac/meetings/${id}/items/${itemId}/minutes`;
};
