import type { FastifyInstance } from 'fastify';
import { londonToday } from '../../platform/format.js';
import { notice, renderPage, sentValues } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page } from '../../platform/routes.js';
import { dateFields, formValues, meetingTitle, meetingValues, presentMeetingRow, presentSchedule, scheduleChoices, scheduleValues } from './marac.presenter.js';
import {
  CASE_LIMIT_MAX,
  idParams,
  meetingEditForm,
  newMeetingForm,
  newScheduleForm,
  NOTES_MAX,
  PLACE_MAX,
  scheduleEditForm,
  confirmForm,
} from './marac.schemas.js';
import * as service from './meeting.service.js';
import { GENERATE_MONTHS } from './schedule.recurrence.js';

/** The meetings list, the coordinator's schedules, and adding or moving a meeting (issue 5, step 1). */
export function registerMeetingRoutes(app: FastifyInstance): void {
  const db = app.db;
  const limits = { place: PLACE_MAX, caseLimit: CASE_LIMIT_MAX, notes: NOTES_MAX, months: GENERATE_MONTHS };

  page(app, {
    method: 'GET',
    url: '/marac',
    access: 'personal-data:read',
    audit: 'marac.meeting.list',
    handler: async ({ request, reply }) => {
      const found = await service.meetingsPage(db, actorFor(request));
      const present = (m: (typeof found.upcoming)[number]) => presentMeetingRow(m, found.counts.get(m.id) ?? 0);
      return renderPage(request, reply, 'marac/views/meetings.njk', {
        upcoming: found.upcoming.map(present),
        past: found.past.map(present),
        coordinator: found.coordinator,
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/schedules',
    access: 'marac:coordinate',
    audit: 'marac.schedule.list',
    handler: async ({ request, reply }) => {
      const schedules = await service.listSchedules(db, actorFor(request));
      return renderPage(request, reply, 'marac/views/schedules.njk', { schedules: schedules.map(presentSchedule), limits });
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/schedules/new',
    access: 'marac:coordinate',
    audit: 'marac.schedule.create.view',
    handler: async ({ request, reply }) => {
      const choices = scheduleChoices(await service.listAreas(db, actorFor(request)));
      const defaults = { ...dateFields('startsOn', londonToday()), startsAt: '10:00', caseLimit: '16' };
      return renderPage(request, reply, 'marac/views/schedule-form.njk', {
        choices,
        form: formValues(sentValues(request), defaults),
        limits,
        action: '/marac/schedules',
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/schedules',
    access: 'marac:coordinate',
    audit: 'marac.schedule.create',
    body: newScheduleForm,
    invalidRedirect: () => '/marac/schedules/new',
    handler: async ({ request, reply, body }) => {
      const made = await service.createSchedule(db, actorFor(request), body.schedule);
      await notice(request, 'marac.schedules.created', { count: made.generated });
      return reply.redirect('/marac/schedules', 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/schedules/:id/edit',
    subjectType: 'marac_schedule',
    access: 'marac:coordinate',
    audit: 'marac.schedule.update.view',
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const actor = actorFor(request);
      const schedule = await service.findSchedule(db, actor, params.id);
      return renderPage(request, reply, 'marac/views/schedule-form.njk', {
        schedule: { ...presentSchedule(schedule), id: schedule.id, version: schedule.version },
        choices: scheduleChoices(await service.listAreas(db, actor)),
        form: formValues(sentValues(request), scheduleValues(schedule)),
        limits,
        action: `/marac/schedules/${schedule.id}`,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/schedules/:id',
    subjectType: 'marac_schedule',
    access: 'marac:coordinate',
    audit: 'marac.schedule.update',
    params: idParams,
    body: scheduleEditForm,
    invalidRedirect: (request) => `/marac/schedules/${(request.params as { id: string }).id}/edit`,
    handler: async ({ request, reply, params, body }) => {
      const generated = await service.updateSchedule(db, actorFor(request), params.id, body.version, body.schedule);
      await notice(request, 'marac.schedules.updated', { count: generated });
      return reply.redirect('/marac/schedules', 303);
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/schedules/generate',
    access: 'marac:coordinate',
    audit: 'marac.meetings.generate',
    body: confirmForm,
    invalidRedirect: () => '/marac/schedules',
    handler: async ({ request, reply }) => {
      const generated = await service.generateMeetings(db, actorFor(request));
      await notice(request, 'marac.schedules.generated', { count: generated, months: GENERATE_MONTHS });
      return reply.redirect('/marac/schedules', 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/meetings/new',
    access: 'marac:coordinate',
    audit: 'marac.meeting.create.view',
    handler: async ({ request, reply }) => {
      const areas = await service.listAreas(db, actorFor(request));
      const defaults = { ...dateFields('meetingDate', londonToday()), startsAt: '10:00', caseLimit: '16' };
      return renderPage(request, reply, 'marac/views/meeting-form.njk', {
        areas: scheduleChoices(areas).areas,
        form: formValues(sentValues(request), defaults),
        limits,
        action: '/marac/meetings',
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/meetings',
    access: 'marac:coordinate',
    audit: 'marac.meeting.create',
    body: newMeetingForm,
    invalidRedirect: () => '/marac/meetings/new',
    handler: async ({ request, reply, body }) => {
      const id = await service.addMeeting(db, actorFor(request), body.meeting);
      await notice(request, 'marac.meeting.added');
      return reply.redirect(`/marac/meetings/${id}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/meetings/:id/edit',
    subjectType: 'marac_meeting',
    access: 'marac:coordinate',
    audit: 'marac.meeting.update.view',
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const actor = actorFor(request);
      const meeting = await service.findMeeting(db, actor.principal.partnershipId, params.id);
      return renderPage(request, reply, 'marac/views/meeting-form.njk', {
        meeting: { id: meeting.id, title: meetingTitle(meeting), version: meeting.version },
        form: formValues(sentValues(request), meetingValues(meeting)),
        limits,
        action: `/marac/meetings/${meeting.id}`,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/meetings/:id',
    subjectType: 'marac_meeting',
    access: 'marac:coordinate',
    audit: 'marac.meeting.update',
    params: idParams,
    body: meetingEditForm,
    invalidRedirect: (request) => `/marac/meetings/${(request.params as { id: string }).id}/edit`,
    handler: async ({ request, reply, params, body }) => {
      await service.moveMeeting(db, actorFor(request), params.id, body.version, body.meeting);
      await notice(request, 'marac.meeting.changed');
      return reply.redirect(`/marac/meetings/${params.id}`, 303);
    },
  });
}
