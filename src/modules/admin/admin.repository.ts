import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { AgencyForm, UserForm } from './admin.schemas.js';

export const PAGE_SIZE = 50;

export function listAgencies(db: DbOrTx, partnershipId: string) {
  return db
    .selectFrom('agencies as a')
    .leftJoin('areas as ar', (join) => join.onRef('ar.partnership_id', '=', 'a.partnership_id').onRef('ar.id', '=', 'a.area_id'))
    .select(['a.id', 'a.code', 'a.name', 'a.type', 'a.isa_signed_on', 'a.isa_expires_on', 'a.active', 'a.version', 'ar.name as area_name'])
    .where('a.partnership_id', '=', partnershipId)
    .orderBy('a.name')
    .execute();
}

export function findAgency(db: DbOrTx, partnershipId: string, id: string) {
  return db.selectFrom('agencies').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function findAgencyByCode(db: DbOrTx, partnershipId: string, code: string) {
  return db.selectFrom('agencies').selectAll().where('partnership_id', '=', partnershipId).where('code', '=', code).executeTakeFirst();
}

export function listAreas(db: DbOrTx, partnershipId: string) {
  return db.selectFrom('areas').select(['id', 'code', 'name']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

function agencyColumns(form: AgencyForm) {
  return { code: form.code, name: form.name, type: form.type, area_id: form.areaId, isa_signed_on: form.isaSigned, isa_expires_on: form.isaExpires };
}

export async function insertAgency(db: DbOrTx, partnershipId: string, form: AgencyForm): Promise<string> {
  const row = await db
    .insertInto('agencies')
    .values({ partnership_id: partnershipId, ...agencyColumns(form) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Optimistic lock: the update applies only to the version the editor saw. */
export async function updateAgency(db: DbOrTx, partnershipId: string, id: string, version: number, form: AgencyForm): Promise<boolean> {
  const result = await db
    .updateTable('agencies')
    .set((eb) => ({ ...agencyColumns(form), updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setAgencyActive(db: DbOrTx, partnershipId: string, id: string, version: number, active: boolean): Promise<boolean> {
  const result = await db
    .updateTable('agencies')
    .set((eb) => ({ active, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listUsers(db: DbOrTx, partnershipId: string, options: { page: number; agencyId?: string }) {
  let query = db
    .selectFrom('users as u')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'u.partnership_id').onRef('a.id', '=', 'u.agency_id'))
    .where('u.partnership_id', '=', partnershipId);
  if (options.agencyId) query = query.where('u.agency_id', '=', options.agencyId);
  const [rows, total] = await Promise.all([
    query
      .select([
        'u.id',
        'u.email',
        'u.display_name',
        'u.roles',
        'u.active',
        'u.mfa_enrolled_at',
        'u.password_hash',
        'u.locked_until',
        'u.last_sign_in_at',
        'a.name as agency_name',
      ])
      .orderBy('u.display_name')
      .orderBy('u.id')
      .limit(PAGE_SIZE)
      .offset((options.page - 1) * PAGE_SIZE)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(({ password_hash, ...rest }) => ({ ...rest, has_password: password_hash !== null })), total: total.count };
}

export function findUser(db: DbOrTx, partnershipId: string, id: string) {
  return db
    .selectFrom('users as u')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'u.partnership_id').onRef('a.id', '=', 'u.agency_id'))
    .select([
      'u.id',
      'u.email',
      'u.display_name',
      'u.roles',
      'u.active',
      'u.mfa_enrolled_at',
      'u.locked_until',
      'u.last_sign_in_at',
      'u.version',
      'u.created_at',
      'u.agency_id',
      'a.name as agency_name',
      sql<boolean>`u.password_hash is not null`.as('has_password'),
    ])
    .where('u.partnership_id', '=', partnershipId)
    .where('u.id', '=', id)
    .executeTakeFirst();
}

export function emailTaken(db: DbOrTx, email: string) {
  return db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export async function insertUser(db: DbOrTx, partnershipId: string, form: UserForm): Promise<string> {
  const row = await db
    .insertInto('users')
    .values({
      partnership_id: partnershipId,
      agency_id: form.agencyId,
      email: form.email,
      display_name: form.displayName,
      roles: form.roles,
      password_hash: null,
      password_changed_at: null,
      totp_secret: null,
      mfa_enrolled_at: null,
      totp_last_step: null,
      locked_until: null,
      last_sign_in_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertInvitation(
  db: DbOrTx,
  partnershipId: string,
  userId: string,
  tokenHash: Buffer,
  createdBy: string | null,
  expiresAt: Date,
): Promise<void> {
  // A new invitation replaces any earlier unused one.
  await db.updateTable('invitations').set({ expires_at: new Date() }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
  await db
    .insertInto('invitations')
    .values({ partnership_id: partnershipId, user_id: userId, token_hash: tokenHash, created_by: createdBy, expires_at: expiresAt })
    .execute();
}

type UserChange = {
  display_name?: string;
  agency_id?: string;
  roles?: string[];
  active?: boolean;
  totp_secret?: null;
  mfa_enrolled_at?: null;
  totp_last_step?: null;
  failed_sign_ins?: number;
  locked_until?: null;
};

export async function updateUser(db: DbOrTx, partnershipId: string, id: string, version: number, change: UserChange): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set((eb) => ({ ...change, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteSessionsFor(db: DbOrTx, userId: string): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('pending_user_id', '=', userId)]))
    .execute();
}

export type AuditFilter = { page: number; action?: string; user?: string; subject?: string };

export async function listAuditEvents(db: DbOrTx, partnershipId: string, filter: AuditFilter) {
  let query = db
    .selectFrom('audit_events as e')
    .leftJoin('users as u', 'u.id', 'e.user_id')
    .leftJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'e.partnership_id').onRef('a.id', '=', 'e.agency_id'))
    .where((eb) => eb.or([eb('e.partnership_id', '=', partnershipId), eb('e.partnership_id', 'is', null)]));
  if (filter.action) query = query.where('e.action', 'like', `${filter.action.replace(/[%_\\]/g, '\\$&')}%`);
  if (filter.user) query = query.where((eb) => eb(eb.fn('lower', ['u.email']), '=', filter.user!.toLowerCase()));
  if (filter.subject) query = query.where('e.subject_id', '=', filter.subject);
  return query
    .select([
      'e.seq',
      'e.occurred_at',
      'e.action',
      'e.outcome',
      'e.subject_type',
      'e.subject_id',
      'e.ip',
      'e.request_id',
      'e.details',
      'u.email as user_email',
      'u.display_name as user_name',
      'a.code as agency_code',
    ])
    .orderBy('e.seq', 'desc')
    .limit(PAGE_SIZE + 1)
    .offset((filter.page - 1) * PAGE_SIZE)
    .execute();
}

export async function insertApiToken(
  db: DbOrTx,
  partnershipId: string,
  agencyId: string,
  name: string,
  tokenHash: Buffer,
  scopes: string[],
  createdBy: string | null,
): Promise<string> {
  const row = await db
    .insertInto('api_tokens')
    .values({
      partnership_id: partnershipId,
      agency_id: agencyId,
      name,
      token_hash: tokenHash,
      scopes,
      created_by: createdBy,
      last_used_at: null,
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function revokeApiToken(db: DbOrTx, partnershipId: string, tokenId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function listApiTokens(db: DbOrTx, partnershipId: string) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 't.partnership_id').onRef('a.id', '=', 't.agency_id'))
    .select(['t.id', 't.name', 't.scopes', 't.created_at', 't.last_used_at', 't.revoked_at', 'a.code as agency_code'])
    .where('t.partnership_id', '=', partnershipId)
    .orderBy('t.created_at', 'desc')
    .execute();
}
