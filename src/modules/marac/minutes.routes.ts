import type { FastifyInstance } from 'fastify';
import { HarbourError } from '../../platform/errors.js';
import { formatDate } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { notice, renderPage, sentValues } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page } from '../../platform/routes.js';
import { presentItem, presentResearch } from './marac.presenter.js';
import { isCoordinator } from './marac.policy.js';
import { itemParams } from './marac.schemas.js';
import { itemPath } from './meeting-day.routes.js';
import { minuteTag, minuteValues, presentAction, presentAmendment, presentMeeting, presentMinute, staffChoices } from './meeting-day.presenter.js';
import { amendmentForm, DESCRIPTION_MAX, MINUTE_MAX, minuteForm } from './meeting-day.schemas.js';
import { amendMinute, minutesPage, saveMinute } from './minutes.service.js';

/** One case in the meeting: its minutes, their finalising and amendments (issue 5, steps 4 and 5). */
export function registerMinutesRoutes(app: FastifyInstance): void {
  const db = app.db;
  const t = (key: string) => translate('en', key);

  page(app, {
    method: 'GET',
    url: '/marac/meetings/:id/items/:itemId/minutes',
    subjectType: 'marac_meeting',
    access: 'personal-data:read',
    audit: 'marac.minutes.view',
    personalData: true,
    params: itemParams,
    handler: async ({ request, reply, params }) => {
      let found: Awaited<ReturnType<typeof minutesPage>>;
      try {
        found = await minutesPage(db, actorFor(request), params.id, params.itemId);
      } catch (error) {
        // Not yet confirmed: the meeting page shows the statement first.
        if (error instanceof HarbourError && error.code === 'confidentiality_not_confirmed') {
          request.audit.outcome = 'denied';
          return reply.redirect(`/marac/meetings/${params.id}/day`, 303);
        }
        throw error;
      }
      const { meeting, minute } = found;
      const editable = found.mayRecord && minute?.status !== 'final';
      return renderPage(request, reply, 'marac/views/minutes.njk', {
        meeting: { ...presentMeeting(meeting), date: formatDate(meeting.meeting_date) },
        item: presentItem(found.item, meeting, { coordinator: isCoordinator(found.viewer) }),
        research: found.research.map(presentResearch),
        minute: minute ? presentMinute(minute) : null,
        minuteTag: minuteTag(minute?.status ?? 'none'),
        amendments: found.amendments.map(presentAmendment),
        actions: found.actions.map((a) => presentAction(a)),
        mayRecord: found.mayRecord,
        editable,
        choices: {
          agencies: [{ value: '', text: t('marac.actions.chooseAgency') }, ...found.agencies.map((a) => ({ value: a.id, text: a.name }))],
          people: staffChoices(found.staff, t('marac.actions.noOne')),
        },
        form: { ...minuteValues(minute), ...sentValues(request) },
        limits: { minute: MINUTE_MAX, description: DESCRIPTION_MAX },
        actionBase: `/marac/meetings/${meeting.id}/items/${found.item.id}`,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/meetings/:id/items/:itemId/minutes',
    subjectType: 'marac_meeting',
    access: 'marac:minute',
    audit: 'marac.minutes.save',
    params: itemParams,
    body: minuteForm,
    invalidRedirect: itemPath,
    handler: async ({ request, reply, params, body }) => {
      const finalise = body.intent === 'finalise';
      await saveMinute(db, actorFor(request), params.id, params.itemId, body.minute, finalise, body.version);
      await notice(request, finalise ? 'marac.meeting.minutes.finalised' : 'marac.meeting.minutes.saved');
      return reply.redirect(`${itemPath(request)}#minutes`, 303);
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/meetings/:id/items/:itemId/minutes/amendments',
    subjectType: 'marac_meeting',
    access: 'marac:minute',
    audit: 'marac.minutes.amend',
    params: itemParams,
    body: amendmentForm,
    invalidRedirect: itemPath,
    handler: async ({ request, reply, params, body }) => {
      await amendMinute(db, actorFor(request), params.id, params.itemId, body.amendment);
      await notice(request, 'marac.meeting.minutes.amended');
      return reply.redirect(`${itemPath(request)}#amendments`, 303);
    },
  });
}
