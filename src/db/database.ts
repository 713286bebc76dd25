import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { CaseworkTables } from '../modules/casework/casework.table.js';
import type { MaracTables } from '../modules/marac/marac.table.js';
import type { PeopleTables } from '../modules/people/people.table.js';
import type { ReferralTables } from '../modules/referrals/referrals.table.js';
import type { RiskTables } from '../modules/risk/risk.table.js';
import type { ServicesTables } from '../modules/services/services.table.js';
import type { PlatformTables } from '../platform/platform.tables.js';
import { viewerPool } from './viewer.js';

/** The whole schema, one interface per module merged here. */
export interface Database extends PlatformTables, PeopleTables, RiskTables, ReferralTables, MaracTables, CaseworkTables, ServicesTables {}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
export type DbOrTx = Db | Tx;

/** The role the application runs as: no UPDATE or DELETE on the audit log (see the platform migration). */
export const APP_ROLE = 'harbour_app';

// Dates stay Date; bigint counts (COUNT(*)) come back as strings: parse to number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// DATE columns are calendar dates with no time zone: keep the ISO string.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type DatabaseHandle = { db: Db; pool: pg.Pool; close(): Promise<void> };

/**
 * Prepared statements (docs/performance.md). PostgreSQL plans every statement it is sent unnamed, and with
 * row-level security planning often costs more than running: the policies expand each query into sub-plans. So
 * each connection prepares the parameterised statements it sends and reuses them: the first use parses and plans,
 * later ones bind and execute.
 *
 * - Names: `h_` and a hash of the SQL text, so every connection (and the benchmark's raw replay) names the same
 *   text the same way. A few statements have a readable name given with prepareStatement().
 * - Not prepared: statements without parameters (nothing to reuse a plan for: BEGIN, COMMIT, DDL), statements with
 *   more than MAX_PARAMETERS values (bulk inserts), and statements with an `in (…)` list of four or more values,
 *   whose text changes with the list's length and would fill the cache with one-off entries.
 * - Bounded: each connection keeps at most PER_CONNECTION statements; the least recently used is deallocated.
 */
const namedStatements = new Map<string, string>();
const hashedNames = new Map<string, string>();
const HASHED_NAMES_KEPT = 4096;
const PER_CONNECTION = 200;
const MAX_PARAMETERS = 64;
const LONG_IN_LIST = /\bin \(\$\d+(?:, \$\d+){3,}\)/i;

/** Gives a statement a readable name (shown in pg_prepared_statements) instead of its hash. */
export function prepareStatement(name: string, sqlText: string): void {
  namedStatements.set(sqlText, name);
}

/** The name a connection prepares this statement under, or undefined when it is sent unnamed (see above). */
export function statementName(text: string, values: readonly unknown[] | undefined): string | undefined {
  const named = namedStatements.get(text);
  if (named) return named;
  if (!values || values.length === 0 || values.length > MAX_PARAMETERS || LONG_IN_LIST.test(text)) return undefined;
  let name = hashedNames.get(text);
  if (!name) {
    if (hashedNames.size >= HASHED_NAMES_KEPT) hashedNames.clear();
    name = `h_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    hashedNames.set(text, name);
  }
  return name;
}

type QueryFunction = (...args: unknown[]) => unknown;
type Prepared = { prepared: Map<string, true>; parsed: Record<string, string> };
type ClientInternals = { connection: { parsedStatements: Record<string, string> } };

/** Marks `name` as just used on this connection; deallocates the least recently used statement past the bound. */
function remember(client: pg.PoolClient, cache: Prepared, name: string, query: QueryFunction): void {
  if (cache.prepared.delete(name)) {
    cache.prepared.set(name, true);
    return;
  }
  cache.prepared.set(name, true);
  if (cache.prepared.size <= PER_CONNECTION) return;
  const oldest = cache.prepared.keys().next().value as string;
  cache.prepared.delete(oldest);
  // pg remembers what it has parsed on the connection: forget it first, so that a later use parses it again (after
  // the DEALLOCATE, as the connection runs its queries in order).
  delete cache.parsed[oldest];
  (query(`deallocate ${oldest}`) as Promise<unknown>).catch(() => undefined);
}

/** After a transaction's COMMIT: work registered with afterCommit() for a statement the transaction sent. */
type CommitHook = { sent: (text: string) => boolean; run: (client: pg.PoolClient) => Promise<void> };
const commitHooks: CommitHook[] = [];

/**
 * Runs `run` on the same connection right after each transaction that sent a statement matching `sent` commits,
 * before the COMMIT's caller carries on (so work that follows sees its effect). Used by the audit log to chain the
 * events a transaction recorded once they are committed (src/platform/audit.ts, ADR 0004). `run` must not throw:
 * the transaction has committed.
 */
export function afterCommit(sent: (text: string) => boolean, run: (client: pg.PoolClient) => Promise<void>): void {
  commitHooks.push({ sent, run });
}

function wrapQuery(client: pg.PoolClient): void {
  const query = client.query.bind(client) as QueryFunction;
  const cache: Prepared = { prepared: new Map(), parsed: (client as unknown as ClientInternals).connection.parsedStatements };
  let due: CommitHook[] = [];
  (client as unknown as { query: QueryFunction }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config !== 'string') return query(config, values, callback);
    for (const hook of commitHooks) if (!due.includes(hook) && hook.sent(config)) due.push(hook);
    if (due.length && callback === undefined && /^\s*(commit|rollback)\s*$/i.test(config)) {
      const hooks = due;
      due = [];
      const done = query(config, values) as Promise<unknown>;
      if (/^\s*rollback/i.test(config)) return done;
      return done.then(async (result) => {
        for (const hook of hooks) await hook.run(client);
        return result;
      });
    }
    const name = statementName(config, values as unknown[] | undefined);
    if (!name) return query(config, values, callback);
    remember(client, cache, name, query);
    return query({ name, text: config, values }, callback);
  };
}

export function createDatabase(connectionString: string, poolSize = 10): DatabaseHandle {
  const pool = new pg.Pool({ connectionString, max: poolSize, idleTimeoutMillis: 30_000 });
  pool.on('connect', (client) => {
    // Queued before any query the caller sends on this connection.
    client.query(`set role ${APP_ROLE}`).catch(() => undefined);
    wrapQuery(client);
  });
  pool.on('error', () => undefined); // a dropped idle connection is replaced on next use
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: viewerPool(pool) }) });
  return {
    db,
    pool,
    async close() {
      await db.destroy();
    },
  };
}
