import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db, DbOrTx } from '../db/database.js';
import { recordAudit, type AuditEvent, type AuditOutcome } from './audit.js';
import { randomUUID } from 'node:crypto';
import { permissionsFor, type Role } from './permissions.js';
import type { Principal, SystemPrincipal, UserPrincipal } from './principal.js';
import type nunjucks from 'nunjucks';
import type { Config } from '../config.js';
import type { ApiRoute } from './routes.js';
import type { Session, SessionStore } from './session.js';

/** What a request is about, for its audit event; filled in by the route and its handler. */
export type AuditContext = {
  event: string;
  persist: boolean;
  /** The page shows personal data: marked OFFICIAL-SENSITIVE and every view is recorded. */
  personalData: boolean;
  recorded: boolean;
  /** Set when the status code alone would mislead, e.g. a redirect back to a form with errors. */
  outcome?: AuditOutcome;
  subjectType?: string;
  subjectId?: string;
  details?: Record<string, unknown>;
};

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    sessions: SessionStore;
    views: nunjucks.Environment;
    apiRoutes: ApiRoute<any, any, any>[];
  }
  interface FastifyRequest {
    session: Session | null;
    principal: Principal | null;
    cspNonce: string;
    audit: AuditContext;
  }
  interface FastifyReply {
    view(template: string, context?: Record<string, unknown>): Promise<FastifyReply>;
  }
  interface FastifyContextConfig {
    harbour?: { kind: 'page' | 'api'; access: string; audit: string };
  }
}

/** The acting user or token, as services need it for access checks and audit. */
export type Actor = {
  principal: Principal;
  requestId: string;
  ip: string;
  /** Appends an audit event in the caller's transaction and marks the request as audited. */
  record(db: DbOrTx, event: Omit<AuditEvent, 'partnershipId' | 'userId' | 'agencyId' | 'apiTokenId' | 'requestId' | 'ip'>): Promise<void>;
};

export function actorFields(request: FastifyRequest): Pick<AuditEvent, 'partnershipId' | 'userId' | 'agencyId' | 'apiTokenId' | 'requestId' | 'ip'> {
  const p = request.principal;
  return {
    partnershipId: p?.partnershipId ?? null,
    userId: p?.kind === 'user' ? p.userId : null,
    agencyId: p?.agencyId ?? null,
    apiTokenId: p?.kind === 'token' ? p.tokenId : null,
    requestId: request.id,
    ip: request.ip,
  };
}

/**
 * Acts as a named user outside any request (the demo seed, tests of services): their principal as a session would
 * load it, and audit events recorded as theirs, marked with `via` (e.g. "demo seed").
 */
export async function userActor(db: DbOrTx, partnershipId: string, email: string, via: string): Promise<Actor> {
  const user = await db
    .selectFrom('users as u')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'u.partnership_id').onRef('a.id', '=', 'u.agency_id'))
    .select(['u.id', 'u.agency_id', 'u.display_name', 'u.roles', 'a.code', 'a.name', 'a.isa_signed_on', 'a.isa_expires_on'])
    .where('u.partnership_id', '=', partnershipId)
    .where('u.email', '=', email)
    .executeTakeFirstOrThrow();
  const principal: UserPrincipal = {
    kind: 'user',
    userId: user.id,
    partnershipId,
    agencyId: user.agency_id,
    agencyCode: user.code,
    agencyName: user.name,
    agencyAgreement: { signedOn: user.isa_signed_on, expiresOn: user.isa_expires_on },
    email,
    displayName: user.display_name,
    roles: user.roles as Role[],
    permissions: permissionsFor(user.roles),
  };
  const who = { partnershipId, userId: user.id, agencyId: user.agency_id, requestId: `${via.replace(/\W+/g, '-')}-${randomUUID()}`, ip: 'cli' };
  return {
    principal,
    requestId: who.requestId,
    ip: who.ip,
    record: (trx, event) => recordAudit(trx, { ...event, ...who, details: { ...(event.details ?? {}), via } }),
  };
}

/** An actor for the command line: events are recorded with no user and the command's name in details. */
export function systemActor(partnershipId: string, label: string): Actor {
  const principal: SystemPrincipal = { kind: 'system', partnershipId, agencyId: null, label };
  const requestId = `cli-${randomUUID()}`;
  return {
    principal,
    requestId,
    ip: 'cli',
    async record(db, event) {
      await recordAudit(db, { ...event, partnershipId, requestId, ip: 'cli', details: { ...(event.details ?? {}), via: label } });
    },
  };
}

export function actorFor(request: FastifyRequest): Actor {
  if (!request.principal) throw new Error('actorFor needs a signed-in request');
  return {
    principal: request.principal,
    requestId: request.id,
    ip: request.ip,
    async record(db, event) {
      await recordAudit(db, { ...actorFields(request), ...event });
      request.audit.recorded = true;
    },
  };
}

/** Records the request's audit event if the handler did not, with an outcome from the status code. */
export async function recordRequestAudit(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const audit = request.audit;
  if (!audit || audit.recorded || !audit.persist) return;
  const status = reply.statusCode;
  const outcome: AuditOutcome =
    audit.outcome ?? (status === 403 || status === 404 ? (request.principal ? 'denied' : 'failure') : status >= 400 ? 'failure' : 'success');
  audit.recorded = true;
  await recordAudit(db, {
    ...actorFields(request),
    action: audit.event,
    outcome,
    subjectType: audit.subjectType ?? null,
    subjectId: audit.subjectId ?? null,
    details: { method: request.method, path: request.routeOptions.url ?? request.url.split('?')[0], status, ...(audit.details ?? {}) },
  });
}
