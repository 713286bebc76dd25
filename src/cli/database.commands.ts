import type { Command } from 'commander';
import type { Config } from '../config.js';
import { analyzeDatabase, migrateToLatest } from '../db/migrator.js';
import { openDatabaseForCli } from '../db/open.js';
import { seedDemo } from '../db/seed-demo.js';
import { verifyAuditChain } from '../platform/audit.js';
import { withDatabase } from './context.js';

const log = (message: string) => process.stderr.write(`${message}\n`);

export function registerDatabaseCommands(program: Command, config: () => Config): void {
  program
    .command('migrate')
    .description('apply any pending database migrations')
    .action(async () => {
      const server = await openDatabaseForCli(config(), log);
      try {
        const applied = await migrateToLatest(server.connectionString);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      } finally {
        await server.stop();
      }
    });

  program
    .command('seed-demo')
    .description('load the demo partnership into an empty database')
    .action(async () => {
      await withDatabase(config(), async ({ db, config, connectionString }) => {
        const loaded = await seedDemo(db, config.partnershipName);
        if (loaded) await analyzeDatabase(connectionString);
        console.log(loaded ? 'Demo partnership loaded.' : 'The database already holds a partnership: nothing loaded.');
      });
    });

  const audit = program.command('audit').description('audit log tools');
  audit
    .command('verify')
    .description('check the audit log’s hash chain; exits 1 at the first broken link')
    .action(async () => {
      await withDatabase(config(), async ({ db }) => {
        const result = await verifyAuditChain(db);
        if (result.ok) {
          console.log(`Audit log intact: ${result.checked} events verified.`);
        } else {
          console.log(`Audit log BROKEN at event ${result.brokenAt}: ${result.reason} (${result.checked} events verified before it).`);
          process.exitCode = 1;
        }
      });
    });
}
