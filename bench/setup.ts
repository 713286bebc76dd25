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
import { Worker } from 'node:worker_threads';
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
import type { LoadJob, LoadMessage, LoadSummary } from './load.js';

const ADMIN_EMAIL = 'admin@demo.harbour.example';

export function numberFromEnv(name: string, fallback: number, { min, max }: { min: number; max: number }): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * The "50 users" runs of the people and referrals benchmarks (bench/people-replay.ts thinkingLoop): BENCH_CONNECTIONS
 * users, each waiting a think time drawn evenly from BENCH_THINK_TIME seconds ("1-5", a mean of 3 s: a user reads the
 * answer before the next request) between requests, measured for BENCH_THINK_SECONDS (30) after a warm-up as long as
 * the longest think time. BENCH_THINK_SECONDS=0 leaves these runs out.
 */
export function thinkFromEnv(users: number): { users: number; seconds: number; thinkSeconds: [number, number] } {
  const raw = process.env.BENCH_THINK_TIME ?? '1-5';
  const match = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(raw);
  const [min, max] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (!(min >= 0 && max >= min && max <= 60)) throw new Error(`BENCH_THINK_TIME must be seconds as "min-max", e.g. "1-5"; got ${JSON.stringify(raw)}`);
  return { users, seconds: numberFromEnv('BENCH_THINK_SECONDS', 30, { min: 0, max: 600 }), thinkSeconds: [min, max] };
}

/** One request over HTTP for a think-time run, from the main thread (a few dozen a second: the load generator's work is slight). */
export async function request(url: string, init: { method?: string; headers: Record<string, string>; body?: string }, expected: number): Promise<void> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 200)}`);
}

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

/** The statement that last gave a connection its session settings (a `select set_config(…)`, as the viewer pool sends). */
export type SessionState = { text: string; values: unknown[] | undefined };
/**
 * A statement as it leaves a pooled client: what bench/people.ts replays through plain pg. `checkout` numbers
 * the pool checkouts (statements sharing one shared a connection); `state` is the connection's session settings then.
 */
export type StatementCall = { checkout: number; state: SessionState | undefined; text: string; values: unknown[] | undefined; done: unknown };
let statementTap: ((call: StatementCall) => void) | undefined;

/** Sees every statement Harbour sends until called again with undefined. */
export function tapStatements(tap: ((call: StatementCall) => void) | undefined): void {
  statementTap = tap;
}

/**
 * Counts the statements Harbour sends, by first keyword (select, update, begin…), by wrapping each pooled
 * client's query() as it connects: round trips per request, measured rather than guessed.
 */
function countStatements(pool: pg.Pool): Record<string, number> {
  const counts: Record<string, number> = {};
  const checkoutOf = new WeakMap<object, number>();
  const stateOf = new WeakMap<object, SessionState>();
  let checkouts = 0;
  pool.on('acquire', (client) => checkoutOf.set(client, ++checkouts));
  pool.on('connect', (client) => {
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const [first, second] = args;
      const config = typeof first === 'object' && first !== null && 'text' in first ? (first as { text: unknown; values?: unknown }) : null;
      const text = typeof first === 'string' ? first : config ? String(config.text) : '';
      const kind = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'other';
      counts[kind] = (counts[kind] ?? 0) + 1;
      const done = original(...args);
      const values = Array.isArray(second) ? second : Array.isArray(config?.values) ? config.values : undefined;
      statementTap?.({ checkout: checkoutOf.get(client) ?? 0, state: stateOf.get(client), text, values, done });
      if (/^\s*select set_config\(/i.test(text)) stateOf.set(client, { text, values });
      return done;
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
  partnershipId: string;
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
  return {
    app,
    url,
    cookieValue,
    cookie: `${SESSION_COOKIE}=${cookieValue}`,
    token,
    poolSize: config.dbPoolSize,
    pool: database.pool,
    statements,
    partnershipId,
  };
}

// ---------------------------------------------------------------------------------------------------
// The benchmarks on generated data (bench/people.ts, referrals.ts, marac.ts).

/**
 * What they start from: the database, Harbour on it, and a plain pg pool of the same size and role for the raw SQL.
 * Every connection, Harbour's and the raw pool's, has the statement timeout: a query that would take minutes fails.
 */
export async function startWithRawPool(timeoutMs: number): Promise<{ database: BenchDatabase; harbour: Harbour; raw: pg.Pool }> {
  const database = await startDatabase();
  console.log(`PostgreSQL: ${database.description}`);
  const url = new URL(database.connectionString);
  url.searchParams.set('options', `-c statement_timeout=${timeoutMs}`);
  const harbour = await startHarbour(url.href);
  const raw = new pg.Pool({
    connectionString: database.connectionString,
    max: harbour.poolSize,
    options: `-c role=harbour_app -c statement_timeout=${timeoutMs}`,
  });
  raw.on('error', () => undefined); // an idle connection dropped as the server stops
  onCleanup('close the raw SQL pool', () => raw.end());
  return { database, harbour, raw };
}

/** A set-based generation's steps on one connection, each timed and logged: statements in order, each with its own values (the extended protocol takes one statement at a time). */
export function generationSteps(client: pg.Client, log: (line: string) => void) {
  const steps: { step: string; seconds: number }[] = [];
  const step = async (label: string, ...statements: [string, unknown[]?][]) => {
    const t = Date.now();
    for (const [text, values] of statements) await client.query(text, values);
    steps.push({ step: label, seconds: (Date.now() - t) / 1000 });
    log(`  ${label}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  return { steps, step };
}

/**
 * The row-level-security access tables rebuilt (harbour_rebuild_access) after a load that skipped the triggers that keep
 * them, without their primary keys, which are put back after: it writes millions of rows, in no order.
 */
export async function rebuildAccess(client: pg.Client, step: ReturnType<typeof generationSteps>['step']): Promise<void> {
  const { rows: keys } = await client.query<{ table: string; name: string; def: string }>(
    `select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid in ('case_access'::regclass, 'person_access'::regclass) and contype = 'p'`,
  );
  await step(
    'row-level-security access tables (harbour_rebuild_access)',
    [keys.map((k) => `alter table ${k.table} drop constraint ${k.name};`).join(' ')],
    ['select harbour_rebuild_access()'],
    [keys.map((k) => `alter table ${k.table} add constraint ${k.name} ${k.def};`).join(' ')],
  );
}

// ---------------------------------------------------------------------------------------------------
// The load generator, in a worker thread.

/**
 * Workers do not inherit tsx's loader from --import, so the worker starts from a few lines of plain
 * JavaScript that register tsx in its own thread and then import load.ts.
 */
const WORKER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then(({ register }) => { register(); return import(workerData.entry); });
`;

export function runLoad(job: LoadJob): Promise<LoadSummary> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_BOOTSTRAP, {
      eval: true,
      workerData: { job, tsxApi: import.meta.resolve('tsx/esm/api'), entry: new URL('./load.ts', import.meta.url).href },
    });
    onCleanup('stop the load worker', () => worker.terminate().then(() => undefined));
    let settled = false;
    worker.once('message', (message: LoadMessage) => {
      settled = true;
      if (message.ok) resolve(message.summary);
      else reject(new Error(`The load generator failed: ${message.error}`));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`The load worker exited (code ${code}) without a result`));
    });
  });
}
