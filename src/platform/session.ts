import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { prepareStatement, type Db } from '../db/database.js';
import { newSecret, sha256 } from './secrets.js';
import { permissionsFor, type Role } from './permissions.js';
import type { UserPrincipal } from './principal.js';

export const SESSION_COOKIE = 'harbour_session';
const ANONYMOUS_LIFETIME_MS = 2 * 60 * 60 * 1000;
const TOUCH_AFTER_MS = 60 * 1000; // last_seen_at is written at most once a minute per session

export type Flash = { errors?: { field: string; message: string }[]; values?: Record<string, unknown>; notice?: string };

export type Session = {
  idHash: Buffer;
  csrfToken: string;
  userId: string | null;
  pendingUserId: string | null;
  flash: Flash;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
};

// No maxAge: a browser-session cookie; the server enforces the idle and absolute limits.
const COOKIE_OPTIONS = { path: '/', httpOnly: true, secure: true, sameSite: 'lax' } as const;

/** Server-side sessions in PostgreSQL; the cookie holds a random id and the table holds only its hash. */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {
    prepareStatement('harbour_session_lookup', this.lookup(Buffer.alloc(0)).compile().sql);
  }

  private idleMs(): number {
    return this.config.session.idleMinutes * 60 * 1000;
  }

  private lookup(idHash: Buffer) {
    return this.db
      .selectFrom('sessions as s')
      .leftJoin('users as u', (join) => join.onRef('u.id', '=', 's.user_id').on('u.active', '=', true))
      .leftJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'u.partnership_id').onRef('a.id', '=', 'u.agency_id'))
      .select([
        's.id_hash',
        's.csrf_token',
        's.user_id',
        's.pending_user_id',
        's.flash',
        's.created_at',
        's.last_seen_at',
        's.expires_at',
        'u.id as u_id',
        'u.partnership_id',
        'u.agency_id',
        'u.email',
        'u.display_name',
        'u.roles',
        'a.code as agency_code',
        'a.name as agency_name',
        'a.isa_signed_on',
        'a.isa_expires_on',
      ])
      .where('s.id_hash', '=', idHash);
  }

  async load(cookieValue: string | undefined, now = new Date()): Promise<{ session: Session; principal: UserPrincipal | null } | null> {
    if (!cookieValue || cookieValue.length > 200) return null;
    const idHash = sha256(cookieValue);
    const row = await this.lookup(idHash).executeTakeFirst();
    if (!row) return null;
    const idleExpired = now.getTime() - row.last_seen_at.getTime() > this.idleMs();
    const userGone = row.user_id !== null && row.u_id === null;
    if (row.expires_at <= now || idleExpired || userGone) {
      await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
      return null;
    }
    if (now.getTime() - row.last_seen_at.getTime() > TOUCH_AFTER_MS) {
      await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
    }
    const session: Session = {
      idHash,
      csrfToken: row.csrf_token,
      userId: row.user_id,
      pendingUserId: row.pending_user_id,
      flash: row.flash as Flash,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
    };
    const principal: UserPrincipal | null =
      row.u_id && row.partnership_id && row.agency_id && row.email && row.display_name && row.roles && row.agency_code && row.agency_name
        ? {
            kind: 'user',
            userId: row.u_id,
            partnershipId: row.partnership_id,
            agencyId: row.agency_id,
            agencyCode: row.agency_code,
            agencyName: row.agency_name,
            agencyAgreement: { signedOn: row.isa_signed_on, expiresOn: row.isa_expires_on },
            email: row.email,
            displayName: row.display_name,
            roles: row.roles as Role[],
            permissions: permissionsFor(row.roles),
          }
        : null;
    return { session, principal };
  }

  /** Creates a session row and returns the cookie value; used for anonymous visitors and at every sign-in step (rotation). */
  async create(
    fields: { userId?: string | null; pendingUserId?: string | null; partnershipId?: string | null } = {},
  ): Promise<{ cookieValue: string; session: Session }> {
    const cookieValue = newSecret();
    const now = new Date();
    const signedIn = Boolean(fields.userId);
    const expiresAt = new Date(now.getTime() + (signedIn ? this.config.session.absoluteHours * 3_600_000 : ANONYMOUS_LIFETIME_MS));
    const session: Session = {
      idHash: sha256(cookieValue),
      csrfToken: newSecret(),
      userId: fields.userId ?? null,
      pendingUserId: fields.pendingUserId ?? null,
      flash: {},
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    };
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: session.idHash,
        partnership_id: fields.partnershipId ?? null,
        user_id: session.userId,
        pending_user_id: session.pendingUserId,
        csrf_token: session.csrfToken,
        flash: '{}',
        last_seen_at: now,
        expires_at: expiresAt,
      })
      .execute();
    return { cookieValue, session };
  }

  async destroy(idHash: Buffer): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  async destroyAllForUser(userId: string): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('user_id', '=', userId), eb('pending_user_id', '=', userId)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async setFlash(idHash: Buffer, flash: Flash): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ flash: JSON.stringify(flash) })
      .where('id_hash', '=', idHash)
      .execute();
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const idleCutoff = new Date(now.getTime() - this.idleMs());
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleCutoff)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

export function setSessionCookie(reply: FastifyReply, cookieValue: string): void {
  reply.setCookie(SESSION_COOKIE, cookieValue, COOKIE_OPTIONS);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, COOKIE_OPTIONS);
}

export function sessionCookie(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}
