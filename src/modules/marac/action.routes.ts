import type { FastifyInstance } from 'fastify';
import { pagination } from '../../platform/pagination.js';
import { notice, renderPage, sentValues } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page } from '../../platform/routes.js';
import { ACTIONS_PAGE_SIZE } from './action.repository.js';
import { actionPage, addAction, agencyActionsPage, completeAction } from './action.service.js';
import { idParams, itemParams } from './marac.schemas.js';
import { itemPath } from './meeting-day.routes.js';
import { presentAction } from './meeting-day.presenter.js';
import { actionDoneForm, actionForm, actionsQuery, UPDATE_MAX } from './meeting-day.schemas.js';

/** Actions: recorded in the meeting, each agency's open actions, marking one done (issue 5, steps 4 and 5). */
export function registerActionRoutes(app: FastifyInstance): void {
  const db = app.db;

  page(app, {
    method: 'POST',
    url: '/marac/meetings/:id/items/:itemId/actions',
    subjectType: 'marac_meeting',
    access: 'marac:minute',
    audit: 'marac.action.create',
    params: itemParams,
    body: actionForm,
    invalidRedirect: itemPath,
    handler: async ({ request, reply, params, body }) => {
      await addAction(db, actorFor(request), params.id, params.itemId, body.action);
      await notice(request, 'marac.actions.added');
      return reply.redirect(`${itemPath(request)}#actions`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/actions',
    access: 'personal-data:read',
    audit: 'marac.action.list',
    personalData: true,
    query: actionsQuery,
    handler: async ({ request, reply, query }) => {
      const found = await agencyActionsPage(db, actorFor(request), query.page);
      const rows = found.rows.map((a) => presentAction(a));
      request.audit.details = { page: query.page, shown: rows.length };
      return renderPage(request, reply, 'marac/views/action-list.njk', {
        agencyName: found.viewer.agencyName,
        agreementInForce: found.agreementInForce,
        coordinator: found.coordinator,
        rows,
        total: found.total,
        overdue: found.overdue,
        pagination: pagination('/marac/actions', {}, query.page, found.total, ACTIONS_PAGE_SIZE),
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/actions/:id',
    subjectType: 'marac_action',
    access: 'personal-data:read',
    audit: 'marac.action.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const found = await actionPage(db, actorFor(request), params.id);
      return renderPage(request, reply, 'marac/views/action.njk', {
        action: presentAction(found.action),
        mayComplete: found.mayComplete,
        mayOpenMeeting: found.mayOpenMeeting,
        form: sentValues(request),
        limits: { update: UPDATE_MAX },
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/actions/:id/done',
    subjectType: 'marac_action',
    access: 'personal-data:read',
    audit: 'marac.action.complete',
    params: idParams,
    body: actionDoneForm,
    invalidRedirect: (request) => `/marac/actions/${(request.params as { id: string }).id}`,
    handler: async ({ request, reply, params, body }) => {
      await completeAction(db, actorFor(request), params.id, body.update, body.version);
      await notice(request, 'marac.actions.done');
      return reply.redirect(`/marac/actions/${params.id}`, 303);
    },
  });
}
