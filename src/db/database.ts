import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { MaracTables } from '../modules/marac/marac.table.js';
import type { PeopleTables } from '../modules/people/people.table.js';
import type { ReferralTables } from '../modules/referrals/referrals.table.js';
import type { RiskTables } from '../modules/risk/risk.table.js';
import type { ServicesTables } from '../modules/services/services.table.js';
import type { PlatformTables } from '../platform/platform.tables.js';
import { viewerPool } from './viewer.js';

/** The whole schema, one interface per module merged here. */
export interface Database extends PlatformTables, PeopleTables, RiskTables, ReferralTables, MaracTables, ServicesTables {}

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
 * SQL texts of hot queries (run on every request) that each connection prepares once and reuses: PostgreSQL
 * then skips planning, which cost more than running the session lookup (docs/performance.md).
 * Keyed by the exact SQL Kysely compiles, so only these fixed-shape statements are named.
 */
const preparedStatements = new Map<string, string>();

export function prepareStatement(name: string, sqlText: string): void {
  preparedStatements.set(sqlText, name);
}

type QueryFunction = (...args: unknown[]) => unknown;

function usePreparedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as QueryFunction;
  (client as unknown as { query: QueryFunction }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof config === 'string' ? preparedStatements.get(config) : undefined;
    return name ? query({ name, text: config, values }, callback) : query(config, values, callback);
  };
}

export function createDatabase(connectionString: string, poolSize = 10): DatabaseHandle {
  const pool = new pg.Pool({ connectionString, max: poolSize, idleTimeoutMillis: 30_000 });
  pool.on('connect', (client) => {
    // Queued before any query the caller sends on this connection.
    client.query(`set role ${APP_ROLE}`).catch(() => undefined);
    usePreparedStatements(client);
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
