import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createDatabase } from './db/database.js';
import { DataDirInUseError } from './db/data-dir-lock.js';
import { migrateToLatest } from './db/migrator.js';
import { openDatabaseServer, type DatabaseServer } from './db/open.js';
import { seedDemo } from './db/seed-demo.js';
import { DEMO_PASSWORD, DEMO_USERS, demoTotpSecret } from './modules/admin/admin.demo.js';
import { purgeRateLimits } from './platform/rate-limit.js';
import { SessionStore } from './platform/session.js';
import { ensurePartnership } from './modules/admin/admin.bootstrap.js';

function printDemoSignIn(config: Config): void {
  const lines = [
    '',
    `Harbour is running at ${config.baseUrl}`,
    '',
    'Demo partnership loaded. Sign in with any of these (password for all: ' + DEMO_PASSWORD + '):',
    ...DEMO_USERS.map((u) => `  ${u.email.padEnd(36)} ${u.roles.join(', ').padEnd(22)} TOTP secret ${demoTotpSecret(u.email)}`),
    '',
    'For the 6-digit code, add the secret to an authenticator app, or run:',
    '  npx harbour totp --secret <TOTP secret>',
    '',
  ];
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const log = (message: string) => console.log(message);
  let server: DatabaseServer;
  try {
    server = await openDatabaseServer(config, log);
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  try {
    await serve(config, server);
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function serve(config: Config, server: DatabaseServer): Promise<void> {
  const log = (message: string) => console.log(message);
  const applied = await migrateToLatest(server.connectionString);
  if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
  const database = createDatabase(server.connectionString, config.dbPoolSize);
  const seeded = config.loadDemo ? await seedDemo(database.db, config.partnershipName) : false;
  if (!config.loadDemo) await ensurePartnership(database.db, config.partnershipName);

  const app = await buildApp({ config, db: database.db });
  const sessions = new SessionStore(database.db, config);
  const housekeeping = setInterval(() => {
    void sessions.purgeExpired().catch((error) => app.log.warn({ err: error }, 'session purge failed'));
    void purgeRateLimits(database.db, 86_400).catch((error) => app.log.warn({ err: error }, 'rate limit purge failed'));
  }, 10 * 60_000);
  housekeeping.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal} received: stopping Harbour…`);
    clearInterval(housekeeping);
    await app.close();
    await database.close();
    await server.stop();
    log('Harbour stopped cleanly.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  if (config.loadDemo) printDemoSignIn(config);
  else log(`Harbour is running at ${config.baseUrl}`);
  if (seeded) log('(The demo partnership was created on this start.)');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
