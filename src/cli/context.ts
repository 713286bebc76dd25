import type { Config } from '../config.js';
import { createDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import { openDatabaseForCli } from '../db/open.js';
import { ensurePartnership } from '../modules/admin/admin.bootstrap.js';
import { systemActor, type Actor } from '../platform/request-context.js';

const log = (message: string) => process.stderr.write(`${message}\n`);

export type CliContext = { db: Db; config: Config; connectionString: string; actor(label: string): Promise<Actor> };

/** Opens the database (migrated), runs the command, and always closes what it opened. */
export async function withDatabase<T>(config: Config, work: (ctx: CliContext) => Promise<T>): Promise<T> {
  const server = await openDatabaseForCli(config, log);
  try {
    await migrateToLatest(server.connectionString);
    const database = createDatabase(server.connectionString, 2);
    try {
      return await work({
        db: database.db,
        config,
        connectionString: server.connectionString,
        actor: async (label) => systemActor(await ensurePartnership(database.db, config.partnershipName), label),
      });
    } finally {
      await database.close();
    }
  } finally {
    await server.stop();
  }
}
