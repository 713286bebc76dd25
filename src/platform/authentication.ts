import type { FastifyInstance } from 'fastify';
import { prepareStatement, type Db } from '../db/database.js';
import { NO_ONE, runInViewerScope, setViewer, type DbViewer } from '../db/viewer.js';
import type { Principal, TokenPrincipal } from './principal.js';
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

/**
 * What the database lets a principal read (src/db/viewer.ts): staff with personal-data access and agencies' API
 * tokens see by the access model for their agency (a token is no particular user, so only agency-wide "must not
 * see" entries apply to it); everyone else sees no one.
 */
export function dbViewerFor(principal: Principal | null): DbViewer {
  if (principal?.kind === 'token') return { kind: 'agency', partnershipId: principal.partnershipId, agencyId: principal.agencyId, userId: '' };
  if (principal?.kind === 'user' && principal.permissions.has('personal-data:read'))
    return { kind: 'agency', partnershipId: principal.partnershipId, agencyId: principal.agencyId, userId: principal.userId };
  return NO_ONE;
}

/**
 * Pages authenticate by session cookie, the API by bearer token only (no cookies, so no CSRF exposure).
 * Every request runs in a database viewer scope from its first hook, so nothing it reads falls back to the
 * system's view (src/db/row-level-security.test.ts checks the handler still sees it after a form body is parsed).
 */
export function setUpAuthentication(app: FastifyInstance): void {
  prepareStatement('harbour_token_lookup', tokenLookup(app.db, Buffer.alloc(0)).compile().sql);
  app.decorateRequest('session', null);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', (_request, _reply, done) => runInViewerScope(done));
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/api/')) {
      const header = request.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (match?.[1]) request.principal = await principalForToken(app.db, match[1]);
    } else if (!SESSIONLESS.some((pattern) => pattern.test(path))) {
      const cookie = sessionCookie(request);
      const loaded = cookie ? await app.sessions.load(cookie) : null;
      if (cookie && !loaded) clearSessionCookie(reply);
      request.session = loaded?.session ?? null;
      request.principal = loaded?.principal ?? null;
    }
    setViewer(dbViewerFor(request.principal));
  });
}
