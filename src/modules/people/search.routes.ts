import type { FastifyInstance } from 'fastify';
import { renderPage } from '../../platform/page-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { presentMatch } from './search.presenter.js';
import { searchQuery } from './search.schemas.js';
import { search } from './search.service.js';

/** GET /people/search: find people by a name spelt roughly right, date of birth, phone or postcode. */
export function registerSearchRoutes(app: FastifyInstance): void {
  page(app, {
    method: 'GET',
    url: '/people/search',
    access: 'personal-data:read',
    audit: 'person.search',
    personalData: true,
    query: searchQuery,
    handler: async ({ request, reply, query }) => {
      const outcome = await search(app.db, requireUser(request), query);
      // The audit names which fields were searched and how many records were shown, not the search terms.
      request.audit.details = {
        fields: outcome.criteria ? Object.entries(outcome.criteria).flatMap(([k, v]) => (v ? [k] : [])) : [],
        results: outcome.results.length,
      };
      return renderPage(request, reply, 'people/views/search.njk', {
        query,
        searched: outcome.criteria !== null,
        results: outcome.results.map(presentMatch),
        errorList: outcome.errors.map((e) => ({ text: e.message, href: `#${e.field === 'dob' ? 'dob-day' : e.field}` })),
        fieldErrors: Object.fromEntries(outcome.errors.map((e) => [e.field, { text: e.message }])),
      });
    },
  });
}
