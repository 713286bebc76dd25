import type { FastifyInstance } from 'fastify';
import { translate } from '../../platform/i18n.js';
import { renderPage, sentValues } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page } from '../../platform/routes.js';
import { formValues, meetingTitle, presentItem, presentResearch, researchValues } from './marac.presenter.js';
import { idParams, itemParams, NOTES_MAX, researchForm } from './marac.schemas.js';
import { itemPage, researchGrid, saveResearch } from './research.service.js';

/** One agenda case with every invited agency's research and the viewer's own form; the coordinator's research grid (issue 5, step 3). */
export function registerResearchRoutes(app: FastifyInstance): void {
  const db = app.db;

  page(app, {
    method: 'GET',
    url: '/marac/meetings/:id/items/:itemId',
    subjectType: 'marac_meeting',
    access: 'personal-data:read',
    audit: 'marac.item.view',
    personalData: true,
    params: itemParams,
    handler: async ({ request, reply, params }) => {
      const found = await itemPage(db, actorFor(request), params.id, params.itemId);
      const others = found.research.filter((r) => r !== found.own);
      return renderPage(request, reply, 'marac/views/item.njk', {
        meeting: { id: found.meeting.id, title: meetingTitle(found.meeting) },
        item: presentItem(found.item, found.meeting, { coordinator: found.access.coordinator }),
        research: others.map(presentResearch),
        own: found.own ? presentResearch(found.own) : null,
        mayResearch: found.mayResearch,
        version: found.own?.version ?? 0,
        form: formValues(sentValues(request), researchValues(found.own)),
        notesMax: NOTES_MAX,
        exportUrl: found.access.coordinator ? `/marac/cases/${found.item.case_id}/transfer` : null,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/meetings/:id/items/:itemId/research',
    subjectType: 'marac_meeting',
    access: 'personal-data:read',
    audit: 'marac.research.save',
    params: itemParams,
    body: researchForm,
    invalidRedirect: (request) => {
      const { id, itemId } = request.params as { id: string; itemId: string };
      return `/marac/meetings/${id}/items/${itemId}`;
    },
    handler: async ({ request, reply, params, body }) => {
      await saveResearch(db, actorFor(request), params.id, params.itemId, body.research, body.version);
      await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', 'marac.research.saved') });
      return reply.redirect(`/marac/meetings/${params.id}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/meetings/:id/research',
    subjectType: 'marac_meeting',
    access: 'marac:coordinate',
    audit: 'marac.research.grid',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const found = await researchGrid(db, actorFor(request), params.id);
      const rows = found.items.map((item) => ({
        ...presentItem(item, found.meeting, { coordinator: true }),
        cells: found.agencies.map((a) => found.done.has(`${item.id}:${a.id}`)),
        missing: found.agencies.filter((a) => !found.done.has(`${item.id}:${a.id}`)).length,
      }));
      const returned = found.agencies.map((a) => ({
        name: a.name,
        code: a.code,
        done: found.items.filter((item) => found.done.has(`${item.id}:${a.id}`)).length,
      }));
      return renderPage(request, reply, 'marac/views/research-grid.njk', {
        meeting: { id: found.meeting.id, title: meetingTitle(found.meeting) },
        agencies: returned,
        rows,
        total: found.items.length,
      });
    },
  });
}
