import type { Config } from '../config.js';
import { attachOrStartEmbedded, startEmbeddedPostgres } from './embedded.js';

export type DatabaseServer = { connectionString: string; embedded: boolean; stop(): Promise<void> };

/** DATABASE_URL when set (production: start nothing); otherwise a real PostgreSQL server in the data folder. */
export async function openDatabaseServer(config: Config, log: (message: string) => void): Promise<DatabaseServer> {
  if (config.databaseUrl) return { connectionString: config.databaseUrl, embedded: false, stop: async () => undefined };
  const server = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
  return { connectionString: server.connectionString, embedded: true, stop: () => server.stop() };
}

/** The CLI shares the database of a Harbour already running on the same data folder. */
export async function openDatabaseForCli(config: Config, log: (message: string) => void): Promise<DatabaseServer> {
  if (config.databaseUrl) return { connectionString: config.databaseUrl, embedded: false, stop: async () => undefined };
  const server = await attachOrStartEmbedded({ dataDir: config.dataDir, log });
  return { connectionString: server.connectionString, embedded: true, stop: () => server.stop() };
}
