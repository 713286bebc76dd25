import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { currentTotp } from '../platform/totp.js';
import { registerAdminCommands } from './admin.commands.js';
import { registerDatabaseCommands } from './database.commands.js';
import { registerTransferCommands } from './transfer.commands.js';

/** Progress goes to stderr, so stdout carries only results (a token, JSON) that scripts can read. */
export const log = (message: string) => process.stderr.write(`${message}\n`);

function config() {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      log(error.message);
      process.exit(2);
    }
    throw error;
  }
}

const program = new Command()
  .name('harbour')
  .description('Harbour administration. Uses DATABASE_URL, or the embedded database in HARBOUR_DATA_DIR (shared with a running Harbour).')
  .showHelpAfterError();

registerDatabaseCommands(program, config);
registerAdminCommands(program, config);
registerTransferCommands(program, config);

program
  .command('totp')
  .description('print the current 6-digit code for a TOTP secret (for demo users and testing)')
  .requiredOption('--secret <base32>', 'the base32 secret')
  .action((options: { secret: string }) => {
    if (!/^[A-Z2-7]+=*$/i.test(options.secret)) throw new InvalidArgumentError('The secret must be base32 (letters A–Z and digits 2–7)');
    console.log(currentTotp(options.secret.toUpperCase()));
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  log(`harbour: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
