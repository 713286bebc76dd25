import type { FastifyInstance, FastifyRequest } from 'fastify';
import { translate } from '../../platform/i18n.js';
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

/** A success banner on the next page. */
export const notice = (request: FastifyRequest, key: string, params?: Record<string, string | number>) =>
  request.server.sessions.setFlash(request.session!.idHash, { notice: translate('en', key, params) });

/** What was typed, sent back after a refusal (Post/Redirect/Get). */
export const sentValues = (request: FastifyRequest): Record<string, unknown> => request.session?.flash.values ?? {};

export const meetingPath = (request: FastifyRequest) => `/marac/meetings/${(request.params as { id: string }).id}`;
export const itemPath = (request: FastifyRequest) => {
  const { id, itemId } = request.params as { id: string; itemId: string };
  return `/marac/meetings/${id}/items/${itemId}/minutes`;
};
