import type { Config } from '../../config.js';
import type { Db } from '../../db/database.js';
import { recordAudit, type AuditEvent } from '../../platform/audit.js';
import { errors } from '../../platform/errors.js';
import { hashPassword, passwordProblems, verifyAgainstDummy, verifyPassword } from '../../platform/passwords.js';
import { mfaRequired } from '../../platform/permissions.js';
import { hitRateLimit } from '../../platform/rate-limit.js';
import { sha256 } from '../../platform/secrets.js';
import { matchTotpStep, newTotpSecret, totpQrSvg } from '../../platform/totp.js';
import { accountErrors } from './account.errors.js';
import * as repo from './account.repository.js';

export type AccountDeps = { db: Db; config: Config };
type RequestInfo = { ip: string; requestId: string };
export type NextStep = 'mfa' | 'enrol' | 'done';

function event(info: RequestInfo, fields: Omit<AuditEvent, 'ip' | 'requestId'>): AuditEvent {
  return { ...fields, ip: info.ip, requestId: info.requestId };
}

async function limitByIp(deps: AccountDeps, info: RequestInfo): Promise<void> {
  const { ratePerIp, rateWindowMinutes } = deps.config.signIn;
  const hit = await hitRateLimit(deps.db, `sign-in:${info.ip}`, ratePerIp, rateWindowMinutes * 60);
  if (!hit.allowed) {
    await recordAudit(deps.db, event(info, { action: 'sign-in.rate-limited', outcome: 'denied' }));
    throw errors.rateLimited(hit.retryAfter);
  }
}

function minutesLeft(until: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
}

/** First factor. Unknown e-mail, wrong password and inactive account look the same to the person signing in. */
export async function checkPassword(
  deps: AccountDeps,
  info: RequestInfo,
  email: string,
  password: string,
): Promise<{ userId: string; partnershipId: string; next: NextStep }> {
  await limitByIp(deps, info);
  const user = await repo.findUserByEmail(deps.db, email);
  if (!user || !user.active || !user.password_hash) {
    await verifyAgainstDummy(password);
    await recordAudit(
      deps.db,
      event(info, {
        action: 'sign-in.password',
        outcome: 'failure',
        userId: user?.id ?? null,
        partnershipId: user?.partnership_id ?? null,
        details: { reason: user ? 'inactive_or_no_password' : 'unknown_email' },
      }),
    );
    throw accountErrors.badCredentials();
  }
  const who = { userId: user.id, partnershipId: user.partnership_id, agencyId: user.agency_id };
  if (user.locked_until && user.locked_until > new Date()) {
    await recordAudit(deps.db, event(info, { action: 'sign-in.password', outcome: 'denied', ...who, details: { reason: 'locked' } }));
    throw accountErrors.locked(minutesLeft(user.locked_until));
  }
  if (!(await verifyPassword(user.password_hash, password))) {
    await failAttempt(deps, info, who, 'sign-in.password');
    throw accountErrors.badCredentials();
  }
  await recordAudit(deps.db, event(info, { action: 'sign-in.password', outcome: 'success', ...who }));
  const next: NextStep = user.mfa_enrolled_at ? 'mfa' : mfaRequired(user.roles, deps.config.signIn.analystMfaOptional) ? 'enrol' : 'done';
  if (next === 'done') await repo.recordSuccess(deps.db, user.id, null);
  return { userId: user.id, partnershipId: user.partnership_id, next };
}

async function failAttempt(
  deps: AccountDeps,
  info: RequestInfo,
  who: { userId: string; partnershipId: string; agencyId: string },
  action: string,
): Promise<void> {
  const { maxFailures, lockMinutes } = deps.config.signIn;
  const { locked } = await deps.db.transaction().execute(async (trx) => {
    const result = await repo.recordFailure(trx, who.userId, maxFailures, lockMinutes);
    await recordAudit(trx, event(info, { action, outcome: 'failure', ...who, details: { locked: result.locked } }));
    return result;
  });
  if (locked) throw accountErrors.locked(lockMinutes);
}

/** Second factor. A code can be used once: its time step is remembered. Failures count towards the lock. */
export async function checkCode(deps: AccountDeps, info: RequestInfo, userId: string, code: string): Promise<{ partnershipId: string }> {
  await limitByIp(deps, info);
  const user = await repo.findUserById(deps.db, userId);
  if (!user || !user.active || !user.totp_secret || !user.mfa_enrolled_at) throw errors.unauthenticated();
  const who = { userId: user.id, partnershipId: user.partnership_id, agencyId: user.agency_id };
  if (user.locked_until && user.locked_until > new Date()) {
    await recordAudit(deps.db, event(info, { action: 'sign-in.mfa', outcome: 'denied', ...who, details: { reason: 'locked' } }));
    throw accountErrors.locked(minutesLeft(user.locked_until));
  }
  const step = matchTotpStep(user.totp_secret, code);
  if (step === null || (user.totp_last_step !== null && step <= Number(user.totp_last_step))) {
    await failAttempt(deps, info, who, 'sign-in.mfa');
    throw accountErrors.badCode();
  }
  await deps.db.transaction().execute(async (trx) => {
    await repo.recordSuccess(trx, user.id, step);
    await recordAudit(trx, event(info, { action: 'sign-in.mfa', outcome: 'success', ...who }));
  });
  return { partnershipId: user.partnership_id };
}

/** Shows the same secret until it is confirmed, so reloading the page does not invalidate a scanned code. */
export async function enrolmentDetails(deps: AccountDeps, userId: string): Promise<{ secret: string; qrSvg: string; email: string }> {
  const user = await repo.findUserById(deps.db, userId);
  if (!user || !user.active) throw errors.unauthenticated();
  let secret = user.totp_secret;
  if (!secret || user.mfa_enrolled_at) {
    if (user.mfa_enrolled_at) throw errors.notFound();
    secret = newTotpSecret();
    await repo.storePendingTotpSecret(deps.db, user.id, secret);
  }
  return { secret, qrSvg: await totpQrSvg(secret, user.email), email: user.email };
}

export async function confirmEnrolment(deps: AccountDeps, info: RequestInfo, userId: string, code: string): Promise<{ partnershipId: string }> {
  await limitByIp(deps, info);
  const user = await repo.findUserById(deps.db, userId);
  if (!user || !user.active || !user.totp_secret || user.mfa_enrolled_at) throw errors.unauthenticated();
  const who = { userId: user.id, partnershipId: user.partnership_id, agencyId: user.agency_id };
  const step = matchTotpStep(user.totp_secret, code);
  if (step === null) {
    await recordAudit(deps.db, event(info, { action: 'mfa.enrol', outcome: 'failure', ...who }));
    throw accountErrors.badCode();
  }
  await deps.db.transaction().execute(async (trx) => {
    await repo.confirmTotpEnrolment(trx, user.id);
    await repo.recordSuccess(trx, user.id, step);
    await recordAudit(trx, event(info, { action: 'mfa.enrol', outcome: 'success', ...who }));
  });
  return { partnershipId: user.partnership_id };
}

export async function invitationFor(deps: AccountDeps, token: string) {
  const invitation = await repo.findOpenInvitation(deps.db, sha256(token));
  if (!invitation) throw accountErrors.invitationInvalid();
  return invitation;
}

export async function acceptInvitation(deps: AccountDeps, info: RequestInfo, token: string, password: string): Promise<void> {
  const invitation = await invitationFor(deps, token);
  const problem = passwordProblems(password, invitation.email)[0];
  if (problem) throw accountErrors.weakPassword(problem);
  const passwordHash = await hashPassword(password);
  await deps.db.transaction().execute(async (trx) => {
    if (!(await repo.useInvitation(trx, invitation.id, invitation.user_id, passwordHash))) throw accountErrors.invitationInvalid();
    await recordAudit(
      trx,
      event(info, {
        action: 'invitation.accept',
        outcome: 'success',
        userId: invitation.user_id,
        partnershipId: invitation.partnership_id,
        agencyId: invitation.agency_id,
        subjectType: 'user',
        subjectId: invitation.user_id,
      }),
    );
  });
}
