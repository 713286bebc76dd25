/**
 * What the benchmark starts, and how it is all stopped again: the PostgreSQL database (embedded, or a
 * throwaway database on DATABASE_URL's server), Harbour with a signed-in session and an API token, and
 * the bare Fastify baseline. Each start registers its own cleanup step; cleanUp() runs them all.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { createDatabase } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { seedAdminDemo } from '../src/modules/admin/admin.demo.js';
import { createApiToken } from '../src/modules/admin/admin.service.js';
import { systemActor } from '../src/platform/request-context.js';
import { SESSION_COOKIE } from '../src/platform/session.js';

const ADMIN_EMAIL = 'admin@demo.harbour.example';

// ---------------------------------------------------------------------------------------------------
// Cleanup: a stack, run in reverse, once, whatever happens.

type CleanupStep = { label: string; run: () => Promise<void> | void };
const cleanupSteps: CleanupStep[] = [];
let cleaning: Promise<void> | undefined;

export function onCleanup(label: string, run: CleanupStep['run']): void {
  cleanupSteps.push({ label, run });
}

export function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanupSteps.length) {
      const step = cleanupSteps.pop()!;
      try {
        await withTimeout(Promise.resolve().then(step.run), 30_000, step.label);
      } catch (error) {
        console.error(`Cleanup: ${step.label} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaning;
}

function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------------
// The database: embedded in a temporary folder, or a throwaway database on DATABASE_URL's server.

type BenchDatabase = { connectionString: string; description: string; embedded: boolean };

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function startDatabase(): Promise<BenchDatabase> {
  const external = process.env.DATABASE_URL;
  if (external) {
    const name = `harbour_bench_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: external });
    await admin.connect();
    try {
      await admin.query(`create database ${name}`);
    } finally {
      await admin.end();
    }
    onCleanup(`drop database ${name}`, async () => {
      const client = new pg.Client({ connectionString: external });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    });
    return { connectionString: withDatabase(external, name), description: `database ${name} on DATABASE_URL's server`, embedded: false };
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-bench-'));
  onCleanup(`remove ${dataDir}`, () => fs.rmSync(dataDir, { recursive: true, force: true }));
  // As root the server runs as harbour-pg, which must be able to enter the folder.
  fs.chmodSync(dataDir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir, log: () => undefined });
  onCleanup('stop embedded PostgreSQL', () => server.stop());
  return { connectionString: server.connectionString, description: `embedded PostgreSQL in ${dataDir} (default settings)`, embedded: true };
}

// ---------------------------------------------------------------------------------------------------
// The servers under test.

function benchConfig(): Config {
  return loadConfig({
    // Production: templates compiled once and cached (development recompiles them on every render).
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    HARBOUR_LOG_LEVEL: 'silent',
    HARBOUR_BASE_URL: 'http://127.0.0.1',
    HARBOUR_DEMO: 'true',
    ...(process.env.HARBOUR_DB_POOL_SIZE ? { HARBOUR_DB_POOL_SIZE: process.env.HARBOUR_DB_POOL_SIZE } : {}),
  });
}

export const BASELINE_HTML = '<!DOCTYPE html><html lang="en"><head><title>Baseline</title></head><body><p>Hello from a bare Fastify route.</p></body></html>';

export async function startBaseline(): Promise<string> {
  const baseline: FastifyInstance = Fastify({ logger: false });
  baseline.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(BASELINE_HTML));
  onCleanup('close the baseline server', () => baseline.close());
  return baseline.listen({ host: '127.0.0.1', port: 0 });
}

/**
 * Counts the statements Harbour sends, by first keyword (select, update, begin…), by wrapping each pooled
 * client's query() as it connects: round trips per request, measured rather than guessed.
 */
function countStatements(pool: pg.Pool): Record<string, number> {
  const counts: Record<string, number> = {};
  pool.on('connect', (client) => {
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      const text = typeof first === 'string' ? first : typeof first === 'object' && first && 'text' in first ? String(first.text) : '';
      const kind = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'other';
      counts[kind] = (counts[kind] ?? 0) + 1;
      return original(...args);
    };
  });
  return counts;
}

export type Harbour = {
  app: FastifyInstance;
  url: string;
  cookieValue: string;
  cookie: string;
  token: string;
  poolSize: number;
  pool: pg.Pool;
  statements: Record<string, number>;
};

export async function startHarbour(connectionString: string): Promise<Harbour> {
  const config = benchConfig();
  await migrateToLatest(connectionString);
  const database = createDatabase(connectionString, config.dbPoolSize);
  onCleanup('close the database pool', () => database.close());
  const statements = countStatements(database.pool);
  const partnershipId = await seedAdminDemo(database.db, config.partnershipName);

  const app = await buildApp({ config, db: database.db, logger: false });
  onCleanup('close Harbour', () => app.close());
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  // A signed-in session straight from the store (the TOTP sign-in is not what is measured).
  const admin = await database.db.selectFrom('users').select('id').where('email', '=', ADMIN_EMAIL).executeTakeFirstOrThrow();
  const { cookieValue } = await app.sessions.create({ userId: admin.id, partnershipId });
  const { token } = await createApiToken({ db: database.db }, systemActor(partnershipId, 'bench'), { agencyCode: 'POLICE', scopes: ['*'], name: 'bench' });
  return { app, url, cookieValue, cookie: `${SESSION_COOKIE}=${cookieValue}`, token, poolSize: config.dbPoolSize, pool: database.pool, statements };
}
