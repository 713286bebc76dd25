import type { FastifyInstance, FastifyRequest } from 'fastify';
import { translate } from '../../platform/i18n.js';
import { createMailer } from '../../platform/mail.js';
import { notice, renderPage, sentValues } from '../../platform/page-context.js';
import { actorFor, type Actor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { addCasePanel } from '../people/case.panels.js';
import { caseMeetings } from './agenda.repository.js';
import * as agenda from './agenda.service.js';
import { meetingChoice, meetingTitle, presentAgendaPage, presentCasePanel, presentItem, presentProposal } from './marac.presenter.js';
import { agendaVersionForm, idParams, itemParams, moveItemForm, placeForm, publishAgendaForm, reorderForm, confirmForm } from './marac.schemas.js';
import { listAreas } from './meeting.service.js';
import { publishAgenda, publishForm } from './publish.service.js';
import { researchedByAgency } from './research.service.js';

/** The meeting page and its agenda, the coordinator's planning, reordering, moving and publishing (issue 5, step 2); the case page's MARAC panel. */
export function registerAgendaRoutes(app: FastifyInstance): void {
  const db = app.db;
  const publishDeps = { db, baseUrl: app.config.baseUrl, mailer: createMailer(app.config) };
  const meetingUrl = (request: FastifyRequest) => `/marac/meetings/${(request.params as { id: string }).id}`;
  const areaNames = async (actor: Actor) => new Map((await listAreas(db, actor)).map((a) => [a.id, a.name]));

  addCasePanel(app, {
    id: 'marac',
    template: 'marac/views/case-panel.njk',
    load: async (panelDb, viewer, caseId) => presentCasePanel(await caseMeetings(panelDb, viewer, caseId)),
  });

  page(app, {
    method: 'GET',
    url: '/marac/meetings/:id',
    subjectType: 'marac_meeting',
    access: 'personal-data:read',
    audit: 'marac.meeting.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const found = await agenda.agendaPage(db, actorFor(request), params.id);
      const researched = await researchedByAgency(
        db,
        requireUser(request),
        found.items.map((i) => i.id),
      );
      return renderPage(request, reply, 'marac/views/meeting.njk', presentAgendaPage(found, researched));
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/planning',
    access: 'marac:coordinate',
    audit: 'marac.planning.view',
    personalData: true,
    handler: async ({ request, reply }) => {
      const actor = actorFor(request);
      const found = await agenda.planningPage(db, actor);
      const names = await areaNames(actor);
      return renderPage(request, reply, 'marac/views/planning.njk', {
        rows: found.proposals.map((p) => presentProposal(p, names)),
        choices: found.choices.map(meetingChoice),
        proposed: found.proposals.filter((p) => p.meeting).length,
        form: sentValues(request),
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/planning/place',
    access: 'marac:coordinate',
    audit: 'marac.agenda.place',
    body: confirmForm,
    invalidRedirect: () => '/marac/planning',
    handler: async ({ request, reply }) => {
      const placed = await agenda.placeWaiting(db, actorFor(request));
      await notice(request, 'marac.planning.placed', { count: placed });
      return reply.redirect('/marac/planning', 303);
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/planning/:id/place',
    subjectType: 'referral',
    access: 'marac:coordinate',
    audit: 'marac.agenda.place',
    params: idParams,
    body: placeForm,
    invalidRedirect: () => '/marac/planning',
    handler: async ({ request, reply, params, body }) => {
      await agenda.placeReferral(db, actorFor(request), params.id, body.meetingId);
      await notice(request, 'marac.planning.placedOne');
      return reply.redirect('/marac/planning', 303);
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/meetings/:id/agenda/reorder',
    subjectType: 'marac_meeting',
    access: 'marac:coordinate',
    audit: 'marac.agenda.reorder',
    params: idParams,
    body: reorderForm,
    invalidRedirect: meetingUrl,
    handler: async ({ request, reply, params, body }) => {
      await agenda.reorder(db, actorFor(request), params.id, body.itemId, body.direction, body.agendaVersion);
      return reply.redirect(`/marac/meetings/${params.id}#item-${body.itemId}`, 303);
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/meetings/:id/agenda/default-order',
    subjectType: 'marac_meeting',
    access: 'marac:coordinate',
    audit: 'marac.agenda.default_order',
    params: idParams,
    body: agendaVersionForm,
    invalidRedirect: meetingUrl,
    handler: async ({ request, reply, params, body }) => {
      await agenda.useDefaultOrder(db, actorFor(request), params.id, body.agendaVersion);
      await notice(request, 'marac.agenda.defaultOrderDone');
      return reply.redirect(`/marac/meetings/${params.id}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/meetings/:id/items/:itemId/move',
    subjectType: 'marac_meeting',
    access: 'marac:coordinate',
    audit: 'marac.agenda.move.view',
    personalData: true,
    params: itemParams,
    handler: async ({ request, reply, params }) => {
      const found = await agenda.moveChoices(db, actorFor(request), params.id, params.itemId);
      return renderPage(request, reply, 'marac/views/move-item.njk', {
        meeting: { id: found.meeting.id, title: meetingTitle(found.meeting), agendaVersion: found.meeting.agenda_version },
        item: presentItem(found.item, found.meeting, { coordinator: true }),
        choices: found.choices.map(meetingChoice),
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/meetings/:id/items/:itemId/move',
    subjectType: 'marac_meeting',
    access: 'marac:coordinate',
    audit: 'marac.agenda.move',
    params: itemParams,
    body: moveItemForm,
    handler: async ({ request, reply, params, body }) => {
      await agenda.moveItem(db, actorFor(request), params.id, params.itemId, body.meetingId, body.agendaVersion);
      await notice(request, 'marac.agenda.moved');
      return reply.redirect(`/marac/meetings/${params.id}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/meetings/:id/publish',
    subjectType: 'marac_meeting',
    access: 'marac:coordinate',
    audit: 'marac.agenda.publish.view',
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const found = await publishForm(db, actorFor(request), params.id);
      const sent = request.session?.flash.values?.agencyIds;
      const chosen = new Set(Array.isArray(sent) ? sent : sent ? [sent] : found.agencies.filter((a) => a.inForce).map((a) => a.id));
      return renderPage(request, reply, 'marac/views/publish.njk', {
        meeting: {
          id: found.meeting.id,
          title: meetingTitle(found.meeting),
          agendaVersion: found.meeting.agenda_version,
          published: Boolean(found.meeting.agenda_published_at),
        },
        count: found.count,
        invitable: found.agencies
          .filter((a) => a.inForce)
          .map((a) => ({
            value: a.id,
            text: a.name,
            checked: chosen.has(a.id) || a.invited,
            hint: a.invited ? { text: translate('en', 'marac.publish.alreadyInvited') } : undefined,
          })),
        notInvitable: found.agencies.filter((a) => !a.inForce).map((a) => a.name),
        notifications: found.notifications.map((n) => ({
          agency: n.agency_name,
          email: n.email,
          status: translate('en', `marac.notification.${n.status}`),
          when: n.sent_at ?? n.created_at,
        })),
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/meetings/:id/publish',
    subjectType: 'marac_meeting',
    access: 'marac:coordinate',
    audit: 'marac.agenda.publish',
    params: idParams,
    body: publishAgendaForm,
    invalidRedirect: (request) => `${meetingUrl(request)}/publish`,
    handler: async ({ request, reply, params, body }) => {
      const done = await publishAgenda(publishDeps, actorFor(request), params.id, body.agendaVersion, body.agencyIds);
      const key = !done.mailConfigured ? 'marac.publish.doneNoMail' : done.failed > 0 ? 'marac.publish.doneSomeFailed' : 'marac.publish.done';
      await notice(request, key, { agencies: done.invited, count: done.sent, failed: done.failed, recipients: done.recipients });
      return reply.redirect(`/marac/meetings/${params.id}`, 303);
    },
  });
}
