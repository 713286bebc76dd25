import type { FastifyInstance } from 'fastify';
import { formatDate, formatDateTime } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { notice, renderPage, sentValues } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page } from '../../platform/routes.js';
import { confirmConfidentiality, meetingDayPage, recordAttendance, registerPage } from './attendance.service.js';
import { isCoordinator } from './marac.policy.js';
import { confirmForm, idParams } from './marac.schemas.js';
import { meetingPath } from './meeting-day.routes.js';
import { presentAttendance, presentDayItem, presentMeeting, staffChoices } from './meeting-day.presenter.js';
import { attendanceForm } from './meeting-day.schemas.js';

/** The meeting in session: the confidentiality statement, the register and the agenda's cases (issue 5, step 4). */
export function registerAttendanceRoutes(app: FastifyInstance): void {
  const db = app.db;
  const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);

  page(app, {
    method: 'GET',
    url: '/marac/meetings/:id/day',
    subjectType: 'marac_meeting',
    access: 'personal-data:read',
    audit: 'marac.meeting.day.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const found = await meetingDayPage(db, actorFor(request), params.id);
      const { meeting, access, viewer } = found;
      const own = found.attendance.find((a) => a.user_id === viewer.userId);
      request.audit.details = { confirmed: access.confirmed };
      return renderPage(request, reply, 'marac/views/meeting-day.njk', {
        meeting: presentMeeting(meeting),
        cancelled: access.cancelled,
        confirmed: access.confirmed,
        confirmedAt: own?.confidentiality_confirmed_at ? formatDateTime(own.confidentiality_confirmed_at) : '',
        runner: access.runner,
        attendance: found.attendance.map(presentAttendance),
        items: found.items.map((item) => presentDayItem(item, meeting, found.minutes.get(item.id), found.actions.get(item.id) ?? 0, isCoordinator(viewer))),
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/meetings/:id/confidentiality',
    subjectType: 'marac_meeting',
    access: 'personal-data:read',
    audit: 'marac.confidentiality.confirm',
    params: idParams,
    body: confirmForm,
    invalidRedirect: (request) => `${meetingPath(request)}/day`,
    handler: async ({ request, reply, params }) => {
      await confirmConfidentiality(db, actorFor(request), params.id);
      return reply.redirect(`/marac/meetings/${params.id}/day`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/meetings/:id/attendance',
    subjectType: 'marac_meeting',
    access: 'marac:minute',
    audit: 'marac.attendance.view',
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const found = await registerPage(db, actorFor(request), params.id);
      const { meeting, access } = found;
      return renderPage(request, reply, 'marac/views/attendance-register.njk', {
        meeting: presentMeeting(meeting),
        attendance: found.attendance.map(presentAttendance),
        addable: staffChoices(found.addable, t('marac.meeting.attendance.choosePerson')),
        changeable: found.mayKeep,
        notChangeable: access.cancelled ? t('marac.meeting.day.cancelled') : t('marac.meeting.attendance.notYet', { date: formatDate(meeting.meeting_date) }),
        form: sentValues(request),
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/meetings/:id/attendance',
    subjectType: 'marac_meeting',
    access: 'marac:minute',
    audit: 'marac.attendance.record',
    params: idParams,
    body: attendanceForm,
    invalidRedirect: (request) => `${meetingPath(request)}/attendance`,
    handler: async ({ request, reply, params, body }) => {
      await recordAttendance(db, actorFor(request), params.id, body.attendance, body.version);
      await notice(request, 'marac.meeting.attendance.saved');
      return reply.redirect(`/marac/meetings/${params.id}/attendance`, 303);
    },
  });
}
