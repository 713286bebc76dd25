import type { FastifyInstance } from 'fastify';
import { formatDate } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { notice, renderPage, sentValues } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page } from '../../platform/routes.js';
import { presentPerson } from '../people/person.presenter.js';
import { presentBenchmarks, presentCaseloadRow, presentContact, presentQueueRow } from './casework.presenter.js';
import { allocateForm, caseloadQuery, CHANNEL_METHODS, contactForm, idParams, JUSTIFICATION_MAX, SUMMARY_MAX } from './casework.schemas.js';
import { allocate, BENCHMARKS, caseloadPage, idvaCasePage, logContact, queuePage } from './casework.service.js';
import { CONTACT_METHODS, INITIATORS } from './casework.table.js';

/** IDVA casework pages (issue 6): caseloads, the team's queue and allocation, a case with its contacts log. */
export function registerCaseworkModule(app: FastifyInstance): void {
  const db = app.db;

  page(app, {
    method: 'GET',
    url: '/casework',
    access: 'casework:work',
    audit: 'casework.caseload.view',
    personalData: true,
    query: caseloadQuery,
    handler: async ({ request, reply, query }) => {
      const found = await caseloadPage(db, actorFor(request), query.idva);
      request.audit.details = { idvaId: found.chosen, shown: found.rows.length };
      return renderPage(request, reply, 'casework/views/caseload.njk', {
        rows: found.rows.map((r) => presentCaseloadRow(r, found.today)),
        manages: found.manages,
        team: found.team.map((u) => ({ value: u.id, text: u.display_name, selected: u.id === found.chosen })),
        chosen: found.chosen,
        benchmarks: presentBenchmarks(found.perIdva),
        benchmark: BENCHMARKS,
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/casework/queue',
    access: 'casework:work',
    audit: 'casework.queue.view',
    personalData: true,
    handler: async ({ request, reply }) => {
      const found = await queuePage(db, actorFor(request));
      request.audit.details = { shown: found.rows.length };
      return renderPage(request, reply, 'casework/views/queue.njk', {
        rows: found.rows.map(presentQueueRow),
        team: found.team.map((u) => ({ value: u.id, text: u.display_name })),
        mayAllocate: found.mayAllocate,
        form: sentValues(request),
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/casework/queue/:id/allocate',
    subjectType: 'referral',
    access: 'casework:allocate',
    audit: 'casework.allocate',
    auditedByService: true,
    params: idParams,
    body: allocateForm,
    invalidRedirect: () => '/casework/queue',
    handler: async ({ request, reply, params, body }) => {
      await allocate(db, actorFor(request), params.id, body.version, body.idvaId);
      await notice(request, 'casework.queue.allocated');
      return reply.redirect('/casework/queue', 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/casework/cases/:id',
    subjectType: 'idva_case',
    access: 'casework:work',
    audit: 'casework.case.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const found = await idvaCasePage(db, actorFor(request), params.id);
      const person = found.victim ? presentPerson(found.victim.record) : null;
      const [year, month, day] = found.today.split('-');
      const form = { 'contactOn-day': String(Number(day)), 'contactOn-month': String(Number(month)), 'contactOn-year': year, ...sentValues(request) };
      return renderPage(request, reply, 'casework/views/idva-case.njk', {
        idvaCase: {
          ...presentCaseloadRow(found.idvaCase, found.today),
          allocatedOn: formatDate(found.idvaCase.allocated_on),
          open: found.idvaCase.status === 'open',
        },
        person,
        contacts: found.contacts.map(presentContact),
        channels: (found.victim?.record.contacts ?? []).map((c) => ({
          value: c.id,
          text: `${c.value}${c.is_safe ? ` (${translate('en', 'casework.contact.safe')})` : ` (${translate('en', 'casework.contact.notSafe')})`}`,
        })),
        channelMethods: CHANNEL_METHODS,
        methods: CONTACT_METHODS,
        initiators: INITIATORS,
        form,
        limits: { summary: SUMMARY_MAX, justification: JUSTIFICATION_MAX },
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/casework/cases/:id/contacts',
    subjectType: 'idva_case',
    access: 'casework:work',
    audit: 'casework.contact.add',
    auditedByService: true,
    params: idParams,
    body: contactForm,
    invalidRedirect: (request) => `/casework/cases/${(request.params as { id: string }).id}`,
    handler: async ({ request, reply, params, body }) => {
      await logContact(db, actorFor(request), params.id, body.contact);
      await notice(request, 'casework.contact.logged');
      return reply.redirect(`/casework/cases/${params.id}#contacts`, 303);
    },
  });
}
