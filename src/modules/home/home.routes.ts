import type { FastifyInstance } from 'fastify';
import { renderPage } from '../../platform/page-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { presentHome } from './home.presenter.js';

/** The signed-in start page: what this person can do, by role. */
export function registerHomeModule(app: FastifyInstance): void {
  page(app, {
    method: 'GET',
    url: '/',
    access: 'signed-in',
    audit: 'home.view',
    handler: async ({ request, reply }) => {
      const user = requireUser(request);
      return renderPage(request, reply, 'home/views/home.njk', presentHome(user));
    },
  });
}
