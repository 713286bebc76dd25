import type { DbOrTx } from '../../db/database.js';

export function findUserByEmail(db: DbOrTx, email: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export function findUserById(db: DbOrTx, userId: string) {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

export async function recordFailure(db: DbOrTx, userId: string, maxFailures: number, lockMinutes: number): Promise<{ locked: boolean }> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
    .where('id', '=', userId)
    .returning(['failed_sign_ins'])
    .executeTakeFirstOrThrow();
  if (row.failed_sign_ins < maxFailures) return { locked: false };
  await db
    .updateTable('users')
    .set({ failed_sign_ins: 0, locked_until: new Date(Date.now() + lockMinutes * 60_000) })
    .where('id', '=', userId)
    .execute();
  return { locked: true };
}

export async function recordSuccess(db: DbOrTx, userId: string, totpStep: number | null): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_sign_ins: 0, locked_until: null, last_sign_in_at: new Date(), ...(totpStep !== null ? { totp_last_step: totpStep } : {}) })
    .where('id', '=', userId)
    .execute();
}

export async function clearFailures(db: DbOrTx, userId: string): Promise<void> {
  await db.updateTable('users').set({ failed_sign_ins: 0, locked_until: null }).where('id', '=', userId).execute();
}

export async function storePendingTotpSecret(db: DbOrTx, userId: string, secret: string): Promise<void> {
  await db.updateTable('users').set({ totp_secret: secret, mfa_enrolled_at: null }).where('id', '=', userId).where('mfa_enrolled_at', 'is', null).execute();
}

export async function confirmTotpEnrolment(db: DbOrTx, userId: string): Promise<void> {
  await db.updateTable('users').set({ mfa_enrolled_at: new Date(), updated_at: new Date() }).where('id', '=', userId).execute();
}

export function findOpenInvitation(db: DbOrTx, tokenHash: Buffer) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .select(['i.id', 'i.partnership_id', 'i.user_id', 'u.email', 'u.display_name', 'u.agency_id'])
    .where('i.token_hash', '=', tokenHash)
    .where('i.used_at', 'is', null)
    .where('i.expires_at', '>', new Date())
    .where('u.active', '=', true)
    .executeTakeFirst();
}

export async function useInvitation(db: DbOrTx, invitationId: string, userId: string, passwordHash: string): Promise<boolean> {
  const used = await db.updateTable('invitations').set({ used_at: new Date() }).where('id', '=', invitationId).where('used_at', 'is', null).executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) return false;
  await db
    .updateTable('users')
    .set((eb) => ({
      password_hash: passwordHash,
      password_changed_at: new Date(),
      failed_sign_ins: 0,
      locked_until: null,
      updated_at: new Date(),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', userId)
    .execute();
  return true;
}
