import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { subjectAccessPdf } from './subject-access.pdf.js';
import { buildExport } from './subject-access.service.js';

const reference = z
  .string({ error: 'Enter the request reference' })
  .trim()
  .min(1, 'Enter the request reference')
  .max(40, 'Request reference must be 40 characters or fewer')
  .regex(/^[\w\-/ ]+$/, 'Request reference can only use letters, numbers, spaces, hyphens and slashes');

const requestForm = z.object({
  personId: z
    .string({ error: 'Enter the Harbour ID of the person' })
    .trim()
    .pipe(z.uuid({ error: 'Enter a Harbour ID, like 3f2a…, from the person’s page' })),
  reference,
});
const exportParams = z.object({ id: z.uuid() });
const exportQuery = z.object({ ref: reference });

/**
 * Subject access requests (UK GDPR Art 15): an administrator exports everything Harbour holds about one person,
 * as a page to check, JSON and PDF. Every export is audited with the request reference.
 */
export function registerSubjectAccessRoutes(app: FastifyInstance): void {
  page(app, {
    method: 'GET',
    url: '/admin/subject-access',
    access: 'subject-access:export',
    audit: 'subject-access.start',
    handler: async ({ request, reply }) => renderPage(request, reply, 'people/views/subject-access-start.njk'),
  });

  page(app, {
    method: 'POST',
    url: '/admin/subject-access',
    access: 'subject-access:export',
    audit: 'subject-access.request',
    body: requestForm,
    handler: async ({ reply, body }) => reply.redirect(`/admin/subject-access/${body.personId}?ref=${encodeURIComponent(body.reference)}`, 303),
  });

  const exportRoute = (suffix: string, format: 'page' | 'json' | 'pdf') =>
    page(app, {
      method: 'GET',
      url: `/admin/subject-access/:id${suffix}`,
      access: 'subject-access:export',
      audit: `subject-access.${format}`,
      personalData: true,
      subjectType: 'person',
      params: exportParams,
      query: exportQuery,
      handler: async ({ request, reply, params, query }) => {
        const data = await buildExport(app.db, actorFor(request), requireUser(request), params.id, query.ref, format);
        const filename = `subject-access-${query.ref.replace(/[^\w-]/g, '_')}`;
        if (format === 'json') {
          return reply
            .type('application/json')
            .header('content-disposition', `attachment; filename="${filename}.json"`)
            .send(JSON.stringify(data, null, 2));
        }
        if (format === 'pdf') {
          return reply
            .type('application/pdf')
            .header('content-disposition', `attachment; filename="${filename}.pdf"`)
            .send(await subjectAccessPdf(data));
        }
        return renderPage(request, reply, 'people/views/subject-access-export.njk', {
          data,
          links: {
            json: `/admin/subject-access/${params.id}/export.json?ref=${encodeURIComponent(query.ref)}`,
            pdf: `/admin/subject-access/${params.id}/export.pdf?ref=${encodeURIComponent(query.ref)}`,
          },
        });
      },
    });
  exportRoute('', 'page');
  exportRoute('/export.json', 'json');
  exportRoute('/export.pdf', 'pdf');
}
