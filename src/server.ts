import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createDatabase } from './db/database.js';
import { DataDirInUseError } from './db/data-dir-lock.js';
import { analyzeDatabase, migrateToLatest } from './db/migrator.js';
import { openDatabaseServer } from './db/open.js';
import { seedDemo } from './db/seed-demo.js';
import { ensurePartnership } from './modules/admin/admin.bootstrap.js';
import { DEMO_PASSWORD, DEMO_USERS, demoTotpSecret } from './modules/admin/admin.demo.js';
import { maracJobs } from './modules/marac/reminders.service.js';
import { startJobRunner } from './platform/jobs.js';
import { createMailer } from './platform/mail.js';
import { purgeRateLimits } from './platform/rate-limit.js';
import { SessionStore } from './platform/session.js';
import { readOrCreateSigningKey } from './platform/signing-keys.js';

const log = (message: string) => console.log(message);

function printDemoSignIn(config: Config): void {
  log(
    [
      '',
      `Harbour is running at ${config.baseUrl}`,
      '',
      `Demo partnership: sign in with any of these (password for all: ${DEMO_PASSWORD}):`,
      ...DEMO_USERS.map((u) => `  ${u.email.padEnd(36)} ${u.roles.join(', ').padEnd(22)} TOTP secret ${demoTotpSecret(u.email)}`),
      '',
      'For the 6-digit code, add the secret to an authenticator app, or run:',
      '  npx harbour totp --secret <TOTP secret>',
      '',
    ].join('\n'),
  );
}

/**
 * What has been started, so a signal at any moment — even during start-up — stops it all in reverse order.
 * The embedded PostgreSQL runs in its own process group, so nothing else would stop it.
 */
class Lifecycle {
  private readonly closers: (() => Promise<void>)[] = [];
  private inFlight: Promise<unknown> = Promise.resolve();
  stopping = false;

  async start<T>(promise: Promise<T>, close: (value: T) => Promise<void>): Promise<T> {
    this.inFlight = promise.catch(() => undefined);
    const value = await promise;
    this.closers.push(() => close(value));
    if (this.stopping) throw new StoppingError();
    return value;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.inFlight;
    for (const close of this.closers.reverse()) await close();
  }
}

class StoppingError extends Error {}

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

  const lifecycle = new Lifecycle();
  const onSignal = (signal: string) => {
    if (lifecycle.stopping) return;
    log(`\n${signal} received: stopping Harbour…`);
    lifecycle
      .stop()
      .then(() => {
        log('Harbour stopped cleanly.');
        process.exit(0);
      })
      .catch((error: unknown) => {
        console.error(`Harbour did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    const server = await lifecycle.start(openDatabaseServer(config, log), (s) => s.stop());
    // The embedded default signs MARAC transfer packets with a key of its own, kept in the data folder.
    if (server.embedded && !config.transferSigningKey) config = { ...config, transferSigningKey: readOrCreateSigningKey(config.dataDir) };
    const applied = await migrateToLatest(server.connectionString);
    if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
    const database = await lifecycle.start(Promise.resolve(createDatabase(server.connectionString, config.dbPoolSize)), (d) => d.close());
    const seeded = config.loadDemo ? await seedDemo(database.db, config.partnershipName) : false;
    if (seeded) await analyzeDatabase(server.connectionString);
    if (!config.loadDemo) await ensurePartnership(database.db, config.partnershipName);

    const app = await lifecycle.start(buildApp({ config, db: database.db }), (a) => a.close());
    const sessions = new SessionStore(database.db, config);
    const housekeeping = setInterval(() => {
      void sessions.purgeExpired().catch((error) => app.log.warn({ err: error }, 'session purge failed'));
      void purgeRateLimits(database.db, 86_400).catch((error) => app.log.warn({ err: error }, 'rate limit purge failed'));
    }, 10 * 60_000);
    housekeeping.unref();
    // Background jobs (MARAC reminders and chasing), kept in PostgreSQL: every app server may run them, each job runs once.
    await lifecycle.start(
      Promise.resolve(
        startJobRunner(database.db, {
          ...maracJobs({ db: database.db, config, mailer: createMailer(config) }),
          onError: (error) => app.log.warn({ err: error }, 'background job failed'),
        }),
      ),
      (runner) => runner.stop(),
    );

    await app.listen({ port: config.port, host: config.host });
    if (config.loadDemo) printDemoSignIn(config);
    else log(`Harbour is running at ${config.baseUrl}`);
    if (seeded) log('(The demo partnership was created on this start.)');
  } catch (error) {
    if (error instanceof StoppingError || lifecycle.stopping) return; // the signal handler finishes the stop
    console.error(error instanceof DataDirInUseError ? error.message : `Harbour could not start: ${error instanceof Error ? error.message : String(error)}`);
    await lifecycle.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
