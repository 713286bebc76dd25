import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { registerAccountModule } from './modules/account/account.routes.js';
import { registerAdminApi } from './modules/admin/admin.api.js';
import { registerAdminModule } from './modules/admin/admin.routes.js';
import { registerCaseworkModule } from './modules/casework/casework.routes.js';
import { registerHomeModule } from './modules/home/home.routes.js';
import { registerMaracModule } from './modules/marac/marac.routes.js';
import { registerPeopleModule } from './modules/people/people.routes.js';
import { registerReferralsApi } from './modules/referrals/referral.api.js';
import { registerReferralsModule } from './modules/referrals/referrals.routes.js';
import { registerRiskApi } from './modules/risk/risk.api.js';
import { registerRiskModule } from './modules/risk/risk.routes.js';
import { registerServicesModule } from './modules/services/services.routes.js';
import { setUpAuthentication } from './platform/authentication.js';
import { handleError, setUpErrorHandling } from './platform/error-handler.js';
import { registerHealth } from './platform/health.js';
import { registerOpenApi } from './platform/openapi.js';
import { assertDeclared } from './platform/routes.js';
import { setUpSecurityHeaders } from './platform/security-headers.js';
import { SessionStore } from './platform/session.js';
import { registerStaticAssets } from './platform/static-assets.js';
import { createViewEnvironment } from './platform/views.js';

export type AppDependencies = { config: Config; db: Db; logger?: boolean | object };

/** The composition root: every plugin in a fixed, readable order. */
export async function buildApp({ config, db, logger }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 200 },
    // A malformed URL ("/api/v1/%zz") goes through Harbour's error handler like any other bad request.
    frameworkErrors: (error, request, reply) => void handleError(error, request, reply),
  });

  app.decorate('config', config);
  app.decorate('db', db);
  app.decorate('sessions', new SessionStore(db, config));
  app.decorate('views', createViewEnvironment({ watch: config.env === 'development' }));
  app.decorate('apiRoutes', []);
  app.decorateRequest('cspNonce', '');
  app.decorateRequest('audit', null as never);

  app.addHook('onRoute', assertDeclared);
  setUpSecurityHeaders(app);
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 262_144 });
  setUpAuthentication(app);
  setUpErrorHandling(app);

  registerStaticAssets(app);
  registerHealth(app);
  registerAccountModule(app);
  registerHomeModule(app);
  registerAdminModule(app);
  registerAdminApi(app);
  registerPeopleModule(app);
  registerRiskModule(app);
  registerReferralsModule(app);
  registerMaracModule(app);
  registerCaseworkModule(app);
  registerServicesModule(app);
  registerRiskApi(app);
  registerReferralsApi(app);
  registerOpenApi(app);

  return app;
}
