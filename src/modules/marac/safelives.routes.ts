import type { FastifyInstance } from 'fastify';
import { errors, HarbourError, type FieldError } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, zodFieldErrors } from '../../platform/routes.js';
import { returnCsv, returnXlsx } from './safelives.export.js';
import { areaItems, downloadName, presentReturn, quarterItems } from './safelives.presenter.js';
import { previousQuarter, quarterOf, safeLivesChoice, safeLivesQuery } from './safelives.schemas.js';
import { listReturnAreas, safeLivesReturn, type SafeLivesReturn } from './safelives.service.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The SafeLives quarterly return (issue 5): the page with its quarter picker, and the same figures as CSV and XLSX. */
export function registerSafeLivesRoutes(app: FastifyInstance): void {
  const db = app.db;

  page(app, {
    method: 'GET',
    url: '/marac/safelives-return',
    access: 'reports:safelives',
    audit: 'marac.safelives_return.view',
    query: safeLivesQuery,
    handler: async ({ request, reply, query }) => {
      const today = londonToday();
      const actor = actorFor(request);
      const areas = await listReturnAreas(db, actor);
      const chosen = safeLivesChoice(today).safeParse(query);
      let fieldErrors: FieldError[] = chosen.success ? [] : zodFieldErrors(chosen.error);
      let found: SafeLivesReturn | null = null;
      if (chosen.success) {
        try {
          found = await safeLivesReturn(db, actor, { quarter: chosen.data.quarter, areaId: chosen.data.area }, 'page', today);
        } catch (error) {
          if (!(error instanceof HarbourError && error.code === 'validation_failed')) throw error;
          fieldErrors = error.fieldErrors;
        }
      }
      if (fieldErrors.length) {
        reply.code(400);
        request.audit.outcome = 'failure';
      }
      const areaChosen = areas.some((a) => a.id === query.area) ? query.area! : null;
      return renderPage(request, reply, 'marac/views/safelives-return.njk', {
        quarters: quarterItems(today, found?.quarter ?? (chosen.success ? chosen.data.quarter : previousQuarter(quarterOf(today)))),
        areas: areaItems(areas, found?.area?.id ?? areaChosen),
        errorList: fieldErrors.map((e) => ({ text: e.message, href: `#${e.field}` })),
        fieldErrors: Object.fromEntries(fieldErrors.map((e) => [e.field, { text: e.message }])),
        result: found && presentReturn(found),
      });
    },
  });

  for (const format of ['csv', 'xlsx'] as const) {
    page(app, {
      method: 'GET',
      url: `/marac/safelives-return.${format}`,
      access: 'reports:safelives',
      audit: 'marac.safelives_return.download',
      query: safeLivesQuery,
      handler: async ({ request, reply, query }) => {
        const today = londonToday();
        const chosen = safeLivesChoice(today).safeParse(query);
        if (!chosen.success) throw errors.validation(zodFieldErrors(chosen.error));
        const found = await safeLivesReturn(db, actorFor(request), { quarter: chosen.data.quarter, areaId: chosen.data.area }, format, today);
        reply.header('content-disposition', `attachment; filename="${downloadName(found, format)}"`);
        if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(returnCsv(found));
        return reply.type(XLSX_TYPE).send(await returnXlsx(found));
      },
    });
  }
}
