import fs from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { HarbourError } from '../platform/errors.js';
import { keyIdOf, parseSigningKey, publicKeyPem, readOrCreateSigningKey } from '../platform/signing-keys.js';
import { listTrustedKeys, revokeKey, trustKey } from '../modules/marac/transfer.service.js';
import { withDatabase } from './context.js';

/** The partnership's signing key as the running Harbour has it: the configured one, or the embedded default's own. */
function ownKey(config: Config) {
  const pem = config.transferSigningKey ?? (config.databaseUrl ? undefined : readOrCreateSigningKey(config.dataDir));
  const key = pem ? parseSigningKey(pem) : null;
  if (!key) throw new Error('This partnership has no transfer signing key: set HARBOUR_TRANSFER_SIGNING_KEY');
  return key;
}

function explain(error: unknown): never {
  if (error instanceof HarbourError && error.fieldErrors.length) throw new Error(error.fieldErrors.map((e) => `${e.field}: ${e.message}`).join('\n'));
  throw error;
}

/** `harbour transfer …`: MARAC-to-MARAC transfer keys (docs/marac-transfers.md). */
export function registerTransferCommands(program: Command, config: () => Config): void {
  const transfer = program.command('transfer').description('MARAC-to-MARAC transfer packets: this partnership’s public key and the keys it trusts');

  transfer
    .command('public-key')
    .description('print this partnership’s public key (PEM) for partners to trust; its key id goes to stderr')
    .action(() => {
      const key = ownKey(config());
      process.stderr.write(`Key id: ${keyIdOf(key)}\n`);
      process.stdout.write(publicKeyPem(key));
    });

  transfer
    .command('trust-key')
    .description('accept transfer packets signed with a partner partnership’s key')
    .requiredOption('--name <name>', 'the sending partnership, as coordinators will see it')
    .requiredOption('--public-key-file <file>', 'the partner’s public key (PEM), as `harbour transfer public-key` printed it')
    .action(async (options: { name: string; publicKeyFile: string }) => {
      const name = options.name.trim();
      if (!name || name.length > 200) throw new Error('--name must be 1 to 200 characters');
      const publicKey = fs.readFileSync(options.publicKeyFile, 'utf8');
      await withDatabase(config(), async ({ db, actor }) => {
        const keyId = await trustKey(db, await actor('transfer trust-key'), { name, publicKey }).catch(explain);
        console.log(keyId);
      });
    });

  transfer
    .command('revoke-key')
    .description('stop accepting packets signed with a key (transfers it verified keep their record)')
    .requiredOption('--key-id <id>', 'the key id (64 hex digits), as `harbour transfer keys` lists it')
    .action(async (options: { keyId: string }) => {
      await withDatabase(config(), async ({ db, actor }) => {
        await revokeKey(db, await actor('transfer revoke-key'), options.keyId.trim().toLowerCase()).catch(explain);
        console.log(`Revoked ${options.keyId}`);
      });
    });

  transfer
    .command('keys')
    .description('list the trusted keys')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withDatabase(config(), async ({ db, actor }) => {
        const { principal } = await actor('transfer keys');
        const keys = (await listTrustedKeys(db, principal.partnershipId)).map((k) => ({
          name: k.name,
          keyId: k.key_id,
          addedAt: k.added_at.toISOString(),
          revokedAt: k.revoked_at?.toISOString() ?? null,
        }));
        if (options.json) console.log(JSON.stringify(keys, null, 2));
        else for (const k of keys) console.log(`${k.keyId}  ${k.name}${k.revokedAt ? ` (revoked ${k.revokedAt.slice(0, 10)})` : ''}`);
      });
    });
}
