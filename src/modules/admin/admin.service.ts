import type { Config } from '../../config.js';
import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import type { Mailer } from '../../platform/mail.js';
import type { Actor } from '../../platform/request-context.js';
import { API_TOKEN_PREFIX } from '../../platform/authentication.js';
import { API_SCOPES } from '../../platform/permissions.js';
import { newSecret, sha256 } from '../../platform/secrets.js';
import type { AgencyForm, UserEditForm, UserForm } from './admin.schemas.js';
import * as repo from './admin.repository.js';

export type AdminDeps = { db: Db; config: Config; mailer: Mailer };

/** A foreign key the form supplied (an area) that is not the partnership's. */
function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23503';
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

export async function createAgency(deps: AdminDeps, actor: Actor, form: AgencyForm): Promise<string> {
  const partnershipId = actor.principal.partnershipId;
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const id = await repo.insertAgency(trx, partnershipId, form);
      await actor.record(trx, { action: 'agency.create', outcome: 'success', subjectType: 'agency', subjectId: id, details: { after: form } });
      return id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw errors.duplicate('code', `An agency with the code ${form.code} already exists`);
    if (isForeignKeyViolation(error)) throw errors.validation([{ field: 'areaId', message: 'Select an area' }]);
    throw error;
  }
}

export async function updateAgency(deps: AdminDeps, actor: Actor, id: string, version: number, form: AgencyForm): Promise<void> {
  const partnershipId = actor.principal.partnershipId;
  try {
    await deps.db.transaction().execute(async (trx) => {
      const before = await repo.findAgency(trx, partnershipId, id);
      if (!before) throw errors.notFound('Agency');
      if (!(await repo.updateAgency(trx, partnershipId, id, version, form))) throw errors.conflict();
      await actor.record(trx, {
        action: 'agency.update',
        outcome: 'success',
        subjectType: 'agency',
        subjectId: id,
        details: {
          before: {
            code: before.code,
            name: before.name,
            type: before.type,
            areaId: before.area_id,
            isaSigned: before.isa_signed_on,
            isaExpires: before.isa_expires_on,
          },
          after: form,
        },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw errors.duplicate('code', `An agency with the code ${form.code} already exists`);
    if (isForeignKeyViolation(error)) throw errors.validation([{ field: 'areaId', message: 'Select an area' }]);
    throw error;
  }
}

export async function setAgencyActive(deps: AdminDeps, actor: Actor, id: string, version: number, active: boolean): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    if (!(await repo.findAgency(trx, actor.principal.partnershipId, id))) throw errors.notFound('Agency');
    if (!(await repo.setAgencyActive(trx, actor.principal.partnershipId, id, version, active))) throw errors.conflict();
    await actor.record(trx, { action: active ? 'agency.reactivate' : 'agency.deactivate', outcome: 'success', subjectType: 'agency', subjectId: id });
  });
}

export type Invitation = { userId: string; link: string; emailed: boolean };

async function issueInvitation(
  deps: AdminDeps,
  actor: Actor,
  trx: Parameters<typeof repo.insertInvitation>[0],
  userId: string,
  email: string,
): Promise<{ link: string }> {
  const token = newSecret();
  const expiresAt = new Date(Date.now() + deps.config.invitationDays * 86_400_000);
  const createdBy = actor.principal.kind === 'user' ? actor.principal.userId : null;
  await repo.insertInvitation(trx, actor.principal.partnershipId, userId, sha256(token), createdBy, expiresAt);
  await actor.record(trx, {
    action: 'invitation.create',
    outcome: 'success',
    subjectType: 'user',
    subjectId: userId,
    details: { email, expiresAt: expiresAt.toISOString() },
  });
  return { link: `${deps.config.baseUrl}/invitations/${token}` };
}

async function sendInvitation(deps: AdminDeps, email: string, link: string): Promise<boolean> {
  if (!deps.mailer.configured) return false;
  await deps.mailer.send({
    to: email,
    subject: 'You have been invited to Harbour',
    text: `You have been given an account on Harbour.\n\nSet your password here (the link works once, for ${deps.config.invitationDays} days):\n${link}\n\nIf you did not expect this, ignore this e-mail.`,
  });
  return true;
}

export async function createUser(deps: AdminDeps, actor: Actor, form: UserForm): Promise<Invitation> {
  const partnershipId = actor.principal.partnershipId;
  if (!(await repo.findAgency(deps.db, partnershipId, form.agencyId))) throw errors.validation([{ field: 'agencyId', message: 'Select an agency' }]);
  if (await repo.emailTaken(deps.db, form.email)) throw errors.duplicate('email', 'A user with this email address already exists');
  try {
    const { userId, link } = await deps.db.transaction().execute(async (trx) => {
      const userId = await repo.insertUser(trx, partnershipId, form);
      await actor.record(trx, {
        action: 'user.create',
        outcome: 'success',
        subjectType: 'user',
        subjectId: userId,
        details: { email: form.email, agencyId: form.agencyId, roles: form.roles },
      });
      const { link } = await issueInvitation(deps, actor, trx, userId, form.email);
      return { userId, link };
    });
    return { userId, link, emailed: await sendInvitation(deps, form.email, link) };
  } catch (error) {
    if (isUniqueViolation(error)) throw errors.duplicate('email', 'A user with this email address already exists');
    throw error;
  }
}

export async function reinviteUser(deps: AdminDeps, actor: Actor, userId: string): Promise<Invitation> {
  const user = await repo.findUser(deps.db, actor.principal.partnershipId, userId);
  if (!user || !user.active) throw errors.notFound('User');
  const { link } = await deps.db.transaction().execute((trx) => issueInvitation(deps, actor, trx, userId, user.email));
  return { userId, link, emailed: await sendInvitation(deps, user.email, link) };
}

/** Deactivation and MFA reset also end every session the user has, at once. */
async function changeUser(
  deps: AdminDeps,
  actor: Actor,
  userId: string,
  version: number,
  action: string,
  change: Parameters<typeof repo.updateUser>[4],
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    if (!(await repo.findUser(trx, actor.principal.partnershipId, userId))) throw errors.notFound('User');
    if (!(await repo.updateUser(trx, actor.principal.partnershipId, userId, version, change))) throw errors.conflict();
    await repo.deleteSessionsFor(trx, userId);
    await actor.record(trx, { action, outcome: 'success', subjectType: 'user', subjectId: userId });
  });
}

/** Name, agency and roles. Roles take effect on the person's next request: sessions read them afresh. */
export async function updateUser(deps: AdminDeps, actor: Actor, userId: string, form: UserEditForm): Promise<void> {
  const partnershipId = actor.principal.partnershipId;
  if (!(await repo.findAgency(deps.db, partnershipId, form.agencyId))) throw errors.validation([{ field: 'agencyId', message: 'Select an agency' }]);
  if (actor.principal.kind === 'user' && actor.principal.userId === userId && !form.roles.includes('admin')) {
    throw errors.validation([{ field: 'roles', message: 'You cannot remove your own administrator role' }]);
  }
  await deps.db.transaction().execute(async (trx) => {
    const before = await repo.findUser(trx, partnershipId, userId);
    if (!before) throw errors.notFound('User');
    if (!(await repo.updateUser(trx, partnershipId, userId, form.version, { display_name: form.displayName, agency_id: form.agencyId, roles: form.roles })))
      throw errors.conflict();
    await actor.record(trx, {
      action: 'user.update',
      outcome: 'success',
      subjectType: 'user',
      subjectId: userId,
      details: {
        before: { displayName: before.display_name, agencyId: before.agency_id, roles: before.roles },
        after: { displayName: form.displayName, agencyId: form.agencyId, roles: form.roles },
      },
    });
  });
}

export function deactivateUser(deps: AdminDeps, actor: Actor, userId: string, version: number): Promise<void> {
  if (actor.principal.kind === 'user' && actor.principal.userId === userId) {
    throw errors.validation([{ field: 'version', message: 'You cannot deactivate your own account' }]);
  }
  return changeUser(deps, actor, userId, version, 'user.deactivate', { active: false });
}

export function reactivateUser(deps: AdminDeps, actor: Actor, userId: string, version: number): Promise<void> {
  return changeUser(deps, actor, userId, version, 'user.reactivate', { active: true, failed_sign_ins: 0, locked_until: null });
}

export function resetMfa(deps: AdminDeps, actor: Actor, userId: string, version: number): Promise<void> {
  return changeUser(deps, actor, userId, version, 'user.mfa-reset', { totp_secret: null, mfa_enrolled_at: null, totp_last_step: null });
}

export function unlockUser(deps: AdminDeps, actor: Actor, userId: string, version: number): Promise<void> {
  return changeUser(deps, actor, userId, version, 'user.unlock', { failed_sign_ins: 0, locked_until: null });
}

export type NewToken = { id: string; token: string };

/** The token is shown once; only its SHA-256 is stored. */
export async function createApiToken(
  deps: Pick<AdminDeps, 'db'>,
  actor: Actor,
  input: { agencyCode: string; scopes: string[]; name: string },
): Promise<NewToken> {
  const agency = await repo.findAgencyByCode(deps.db, actor.principal.partnershipId, input.agencyCode);
  if (!agency || !agency.active) throw errors.validation([{ field: 'agency', message: `No active agency has the code ${input.agencyCode}` }]);
  const unknown = input.scopes.filter((s) => s !== '*' && !(API_SCOPES as readonly string[]).includes(s));
  if (input.scopes.length === 0 || unknown.length) {
    throw errors.validation([
      { field: 'scopes', message: `Unknown scope(s): ${unknown.join(', ') || '(none given)'}. Valid scopes: *, ${API_SCOPES.join(', ')}` },
    ]);
  }
  const token = newSecret(API_TOKEN_PREFIX);
  const id = await deps.db.transaction().execute(async (trx) => {
    const id = await repo.insertApiToken(
      trx,
      actor.principal.partnershipId,
      agency.id,
      input.name,
      sha256(token),
      input.scopes,
      actor.principal.kind === 'user' ? actor.principal.userId : null,
    );
    await actor.record(trx, {
      action: 'api-token.create',
      outcome: 'success',
      subjectType: 'api_token',
      subjectId: id,
      details: { agency: agency.code, scopes: input.scopes, name: input.name },
    });
    return id;
  });
  return { id, token };
}

export async function revokeApiToken(deps: Pick<AdminDeps, 'db'>, actor: Actor, tokenId: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    if (!(await repo.revokeApiToken(trx, actor.principal.partnershipId, tokenId))) throw errors.notFound('API token');
    await actor.record(trx, { action: 'api-token.revoke', outcome: 'success', subjectType: 'api_token', subjectId: tokenId });
  });
}
