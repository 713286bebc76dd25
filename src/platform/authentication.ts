import type { FastifyInstance } from 'fastify';
import { prepareStatement, type Db } from '../db/database.js';
import type { TokenPrincipal } from './principal.js';
import { sha256 } from './secrets.js';
import { clearSessionCookie, sessionCookie } from './session.js';

export const API_TOKEN_PREFIX = 'hbr_';

const SESSIONLESS = [/^\/assets\//, /^\/health$/, /^\/api\//];

function tokenLookup(db: Db, tokenHash: Buffer) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 't.partnership_id').onRef('a.id', '=', 't.agency_id'))
    .select(['t.id', 't.partnership_id', 't.agency_id', 't.scopes', 't.last_used_at', 'a.code'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .where('a.active', '=', true);
}

export async function principalForToken(db: Db, bearer: string): Promise<TokenPrincipal | null> {
  if (!bearer.startsWith(API_TOKEN_PREFIX) || bearer.length > 200) return null;
  const row = await tokenLookup(db, sha256(bearer)).executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', row.id).execute();
  }
  return { kind: 'token', tokenId: row.id, partnershipId: row.partnership_id, agencyId: row.agency_id, agencyCode: row.code, scopes: row.scopes };
}

/** Pages authenticate by session cookie, the API by bearer token only (no cookies, so no CSRF exposure). */
export function setUpAuthentication(app: FastifyInstance): void {
  prepareStatement('harbour_token_lookup', tokenLookup(app.db, Buffer.alloc(0)).compile().sql);
  app.decorateRequest('session', null);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/api/')) {
      const header = request.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (match?.[1]) request.principal = await principalForToken(app.db, match[1]);
      return;
    }
    if (SESSIONLESS.some((pattern) => pattern.test(path))) return;
    const cookie = sessionCookie(request);
    if (!cookie) return;
    const loaded = await app.sessions.load(cookie);
    if (!loaded) {
      clearSessionCookie(reply);
      return;
    }
    request.session = loaded.session;
    request.principal = loaded.principal;
  });
}
