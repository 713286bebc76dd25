import type { FastifyInstance } from 'fastify';
import { setUpCasePanels } from './case.panels.js';
import { registerCaseRoutes } from './case.routes.js';
import { registerPeopleApi } from './people.api.js';
import { registerPersonRoutes } from './person.routes.js';
import { registerSearchRoutes } from './search.routes.js';
import { registerSubjectAccessRoutes } from './subject-access.routes.js';

/** People and cases: records of victims, perpetrators and children, and the cases that join them. */
export function registerPeopleModule(app: FastifyInstance): void {
  setUpCasePanels(app);
  registerSearchRoutes(app);
  registerSubjectAccessRoutes(app);
  registerPersonRoutes(app);
  registerCaseRoutes(app);
  registerPeopleApi(app);
}
