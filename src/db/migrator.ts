import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect, sql, type MigrationResultSet } from 'kysely';
import pg from 'pg';

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

function migratorFor(db: Kysely<unknown>): Migrator {
  // Modules are built in parallel, so a migration may land with an earlier name than one a database has already run;
  // each is independent of those after it by name, and is applied when it appears.
  return new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }), allowUnorderedMigrations: true });
}

/** Migrations run as the connecting (owning) role, not the restricted application role. */
async function withOwnerConnection<T>(connectionString: string, work: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString, max: 1 }) }) });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

export async function migrateToLatest(connectionString: string): Promise<string[]> {
  return withOwnerConnection(connectionString, async (db) => {
    const result: MigrationResultSet = await migratorFor(db).migrateToLatest();
    if (result.error) {
      const failed = result.results?.find((r) => r.status === 'Error');
      throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(result.error)}`);
    }
    return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  });
}

/**
 * Gathers the planner's statistics for every table, as the owner (the application's role may not). Run after a bulk
 * load such as the demo seed: without statistics the planner guesses, and row-level security's subqueries make a
 * bad guess expensive (measured on the demo: case page 100–500 ms before, 20–50 ms after).
 */
export async function analyzeDatabase(connectionString: string): Promise<void> {
  await withOwnerConnection(connectionString, (db) => sql`analyze`.execute(db));
}

export type MigrationStatus = { current: boolean; pending: string[] };

export async function migrationStatus(db: Kysely<any>): Promise<MigrationStatus> {
  const migrations = await migratorFor(db).getMigrations();
  const pending = migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
  return { current: pending.length === 0, pending };
}
