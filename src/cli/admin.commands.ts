import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config.js';
import { createMailer } from '../platform/mail.js';
import { HarbourError } from '../platform/errors.js';
import { AGENCY_TYPES, agencyForm, userForm } from '../modules/admin/admin.schemas.js';
import * as repo from '../modules/admin/admin.repository.js';
import * as admin from '../modules/admin/admin.service.js';
import { agreementStatus } from '../modules/admin/admin.presenter.js';
import { zodFieldErrors } from '../platform/routes.js';
import { withDatabase } from './context.js';

function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Validation problems print as one line each and exit 2, like a form's error summary. */
function explain(error: unknown): never {
  if (error instanceof HarbourError && error.fieldErrors.length) {
    throw new Error(error.fieldErrors.map((e) => `${e.field}: ${e.message}`).join('\n'));
  }
  throw error;
}

export function registerAdminCommands(program: Command, config: () => Config): void {
  const agencies = program.command('agencies').description('the partnership’s agencies');
  agencies
    .command('list')
    .description('list agencies')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withDatabase(config(), async ({ db, actor }) => {
        const { principal } = await actor('agencies list');
        const rows = await repo.listAgencies(db, principal.partnershipId);
        const agencies = rows.map((r) => ({
          code: r.code,
          name: r.name,
          type: r.type,
          area: r.area_name,
          active: r.active,
          informationSharingAgreement: {
            signedOn: r.isa_signed_on,
            expiresOn: r.isa_expires_on,
            inForce: agreementStatus(r.isa_signed_on, r.isa_expires_on).inForce,
          },
        }));
        if (options.json) console.log(JSON.stringify(agencies, null, 2));
        else for (const a of agencies) console.log(`${a.code.padEnd(12)} ${a.name}${a.active ? '' : ' (deactivated)'}`);
      });
    });
  agencies
    .command('create')
    .description('add an agency')
    .requiredOption('--code <CODE>', 'stable code, e.g. POLICE')
    .requiredOption('--name <name>', 'agency name')
    .requiredOption('--type <type>', `one of: ${AGENCY_TYPES.join(', ')}`)
    .action(async (options: { code: string; name: string; type: string }) => {
      const parsed = agencyForm.safeParse({ code: options.code, name: options.name, type: options.type });
      if (!parsed.success)
        throw new Error(
          zodFieldErrors(parsed.error)
            .map((e) => `${e.field}: ${e.message}`)
            .join('\n'),
        );
      await withDatabase(config(), async (ctx) => {
        const id = await admin.createAgency({ ...ctx, mailer: createMailer(ctx.config) }, await ctx.actor('agencies create'), parsed.data).catch(explain);
        console.log(`Agency ${parsed.data.code} created (${id}).`);
      });
    });

  const user = program.command('user').description('user accounts');
  user
    .command('create')
    .description('create a user and print their invitation link')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--agency <CODE>', 'agency code')
    .requiredOption('--roles <roles>', 'comma-separated roles, e.g. admin or idva,agency_rep', list)
    .action(async (options: { email: string; name: string; agency: string; roles: string[] }) => {
      await withDatabase(config(), async (ctx) => {
        const actor = await ctx.actor('user create');
        const agency = await repo.findAgencyByCode(ctx.db, actor.principal.partnershipId, options.agency.toUpperCase());
        if (!agency) throw new InvalidArgumentError(`No agency has the code ${options.agency}`);
        const parsed = userForm.safeParse({ email: options.email, displayName: options.name, agencyId: agency.id, roles: options.roles });
        if (!parsed.success)
          throw new Error(
            zodFieldErrors(parsed.error)
              .map((e) => `${e.field}: ${e.message}`)
              .join('\n'),
          );
        const invitation = await admin.createUser({ ...ctx, mailer: createMailer(ctx.config) }, actor, parsed.data).catch(explain);
        console.log(`User ${parsed.data.email} created. ${invitation.emailed ? 'Invitation e-mailed.' : 'Invitation link (works once):'}`);
        if (!invitation.emailed) console.log(invitation.link);
      });
    });

  const token = program.command('token').description('API bearer tokens for agencies’ systems');
  token
    .command('create')
    .description('create a token; it is printed once, as the last line')
    .requiredOption('--agency <CODE>', 'agency code')
    .requiredOption('--scopes <scopes>', 'comma-separated scopes, or * for all', list)
    .option('--name <name>', 'what the token is for', 'API token')
    .action(async (options: { agency: string; scopes: string[]; name: string }) => {
      await withDatabase(config(), async (ctx) => {
        const created = await admin
          .createApiToken(ctx, await ctx.actor('token create'), { agencyCode: options.agency.toUpperCase(), scopes: options.scopes, name: options.name })
          .catch(explain);
        console.log(`Token ${created.id} created for ${options.agency.toUpperCase()} with scopes ${options.scopes.join(',')}. It is shown only now:`);
        console.log(created.token);
      });
    });
  token
    .command('revoke')
    .description('revoke a token by id')
    .argument('<id>', 'token id')
    .action(async (id: string) => {
      await withDatabase(config(), async (ctx) => {
        await admin.revokeApiToken(ctx, await ctx.actor('token revoke'), id).catch(explain);
        console.log(`Token ${id} revoked.`);
      });
    });
  token
    .command('list')
    .description('list tokens (never their values)')
    .action(async () => {
      await withDatabase(config(), async ({ db, actor }) => {
        const rows = await repo.listApiTokens(db, (await actor('token list')).principal.partnershipId);
        for (const r of rows)
          console.log(`${r.id} ${r.agency_code.padEnd(10)} ${r.scopes.join(',').padEnd(20)} ${r.revoked_at ? 'revoked' : 'active'}  ${r.name}`);
      });
    });
}
