import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { migrationStatus } from '../db/migrator.js';
import { page } from './routes.js';

/** GET /health: 200 {"status":"ok"} once the database answers and every migration has run; 503 otherwise. */
export function registerHealth(app: FastifyInstance): void {
  page(app, {
    method: 'GET',
    url: '/health',
    access: 'public',
    audit: 'health.read',
    handler: async ({ reply }) => {
      let database = 'unreachable';
      let migrations: { current: boolean; pending: string[] } = { current: false, pending: [] };
      try {
        await sql`select 1`.execute(app.db);
        database = 'ok';
        migrations = await migrationStatus(app.db);
      } catch (error) {
        app.log.warn({ err: error }, 'health check failed');
      }
      const ok = database === 'ok' && migrations.current;
      return reply
        .code(ok ? 200 : 503)
        .type('application/json')
        .send({ status: ok ? 'ok' : 'unavailable', database, migrations: migrations.current ? 'current' : 'pending', pending: migrations.pending });
    },
  });
}
