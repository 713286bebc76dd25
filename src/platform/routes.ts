import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { z } from 'zod';
import { HarbourError, errors, type FieldError } from './errors.js';
import type { Permission } from './permissions.js';
import { hasScope, type Principal, type TokenPrincipal, type UserPrincipal } from './principal.js';
import { safeEqual } from './secrets.js';

/** Who may reach a page: anyone, any signed-in user, or holders of a permission. */
export type PageAccess = 'public' | 'signed-in' | Permission;

type Schema<T> = z.ZodType<T>;

export type PageContext<B, Q, P> = {
  request: FastifyRequest;
  reply: FastifyReply;
  body: B;
  query: Q;
  params: P;
};

export type PageRoute<B = unknown, Q = unknown, P = unknown> = {
  method: 'GET' | 'POST';
  url: string;
  access: PageAccess;
  /** Audit event name, e.g. "agency.update". Changes are always recorded; GETs when personalData is set. */
  audit: string;
  personalData?: boolean;
  /** The kind of record a ":id" in the URL names, so its audit event records which record was touched. */
  subjectType?: string;
  /** The service writes detailed audit events itself (sign-in steps), so the route adds none. */
  auditedByService?: boolean;
  body?: Schema<B>;
  query?: Schema<Q>;
  params?: Schema<P>;
  /** Where an invalid form goes back to, with its errors; defaults to the form's own URL. */
  invalidRedirect?: (request: FastifyRequest) => string;
  handler: (ctx: PageContext<B, Q, P>) => Promise<unknown>;
};

export type ApiRoute<B = unknown, Q = unknown, P = unknown> = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Token scope required, e.g. "agencies:read"; "*" tokens have every scope. */
  scope: string;
  audit: string;
  personalData?: boolean;
  /** The kind of record a ":id" in the URL names, so its audit event records which record was touched. */
  subjectType?: string;
  summary: string;
  tags: string[];
  body?: Schema<B>;
  query?: Schema<Q>;
  params?: Schema<P>;
  response: { status: number; schema: z.ZodType; description: string };
  /** For the OpenAPI document: whether a stale record version is refused with 409 (default: PATCH, or a `version` field sent). */
  conflict?: boolean;
  /** For the OpenAPI document: other problem+json answers the route gives, by status, e.g. { 422: 'why' }. */
  problems?: Record<number, string>;
  /** For the OpenAPI document: request headers the route reads. */
  headers?: { name: string; description: string }[];
  handler: (ctx: PageContext<B, Q, P> & { principal: TokenPrincipal }) => Promise<unknown>;
};

/** One error per field; a form's field is the path's first part (roles.2 is roles), JSON's the whole path (victim.givenName). */
export function zodFieldErrors(error: z.ZodError, nested = false): FieldError[] {
  const seen = new Set<string>();
  const list: FieldError[] = [];
  for (const issue of error.issues) {
    const field = issue.path.length ? (nested ? issue.path.map(String).join('.') : String(issue.path[0])) : 'form';
    if (seen.has(field)) continue; // one message per field, as the GOV.UK pattern shows
    seen.add(field);
    list.push({ field, message: issue.message });
  }
  return list;
}

/** PostgreSQL text and jsonb cannot hold U+0000 or a lone UTF-16 surrogate: drop the one, replace the other. */
export function storable<T>(value: T): T {
  if (typeof value === 'string')
    return value.replace(/\u0000/g, '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  return value;
}

function parseOrThrow<T>(schema: Schema<T> | undefined, value: unknown, nested = false): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw errors.validation(zodFieldErrors(result.error, nested));
  return result.data;
}

export function requireUser(request: FastifyRequest): UserPrincipal {
  const p = request.principal;
  if (!p || p.kind !== 'user') throw errors.unauthenticated();
  return p;
}

function checkPageAccess(access: PageAccess, principal: Principal | null): void {
  if (access === 'public') return;
  if (!principal || principal.kind !== 'user') throw errors.unauthenticated();
  if (access === 'signed-in') return;
  if (!principal.permissions.has(access)) throw errors.forbidden();
}

function checkCsrf(request: FastifyRequest): Record<string, unknown> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const sent = body._csrf;
  const expected = request.session?.csrfToken;
  if (typeof sent !== 'string' || !expected || !safeEqual(sent, expected)) throw errors.csrf();
  const { _csrf: _ignored, ...rest } = body;
  return rest;
}

export function page<B, Q, P>(app: FastifyInstance, route: PageRoute<B, Q, P>): void {
  if (route.method === 'POST' && !route.body) throw new Error(`POST ${route.url} has no validation schema`);
  app.route({
    method: route.method,
    url: route.url,
    config: { harbour: { kind: 'page', access: route.access, audit: route.audit } },
    handler: async (request, reply) => {
      const persist = !route.auditedByService && (route.method !== 'GET' || Boolean(route.personalData));
      request.audit = { event: route.audit, persist, personalData: Boolean(route.personalData), recorded: false };
      checkPageAccess(route.access, request.principal);
      const params = parseOrThrow(route.params, storable(request.params));
      const query = parseOrThrow(route.query, storable(request.query));
      const id = (params as { id?: unknown } | undefined)?.id;
      if (route.subjectType && typeof id === 'string') Object.assign(request.audit, { subjectType: route.subjectType, subjectId: id });
      let body = undefined as B;
      if (route.method === 'POST') {
        const fields = storable(checkCsrf(request));
        const result = route.body!.safeParse(fields);
        if (!result.success) {
          const fieldErrors = zodFieldErrors(result.error);
          request.audit.details = { invalidFields: fieldErrors.map((e) => e.field) };
          const back = route.invalidRedirect?.(request) ?? request.url;
          return redirectWithErrors(request, reply, back, fieldErrors, fields);
        }
        body = result.data;
      }
      if (route.method === 'GET') return route.handler({ request, reply, body, query, params });
      try {
        return await route.handler({ request, reply, body, query, params });
      } catch (error) {
        // A rule broken in the service (wrong password, duplicate code, edit conflict) goes back to the form too.
        if (!(error instanceof HarbourError) || error.fieldErrors.length === 0 || error.status >= 500) throw error;
        for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
        request.audit.details = { ...request.audit.details, error: error.code };
        // After an edit conflict the form shows the record as it now is, not the stale edit.
        const values = error.code === 'edit_conflict' ? {} : (body as Record<string, unknown>);
        return redirectWithErrors(request, reply, route.invalidRedirect?.(request) ?? request.url, error.fieldErrors, values);
      }
    },
  });
}

/** Post/Redirect/Get for an invalid form: errors and what was typed go to the session's flash. */
export async function redirectWithErrors(
  request: FastifyRequest,
  reply: FastifyReply,
  location: string,
  fieldErrors: FieldError[],
  values: Record<string, unknown>,
): Promise<FastifyReply> {
  request.audit.outcome = 'failure';
  const store = request.server.sessions;
  if (request.session) await store.setFlash(request.session.idHash, { errors: fieldErrors, values: stripSecrets(values) });
  reply.code(303).header('location', location);
  reply.statusCode = 303;
  return reply.send();
}

const FLASH_MAX_FIELDS = 60;
const FLASH_MAX_LENGTH = 2000;

/** What goes back into the form: never a password, and only form-sized text (the session is no dumping ground). */
function stripSecrets(values: Record<string, unknown>): Record<string, unknown> {
  const fits = (v: unknown) => typeof v === 'string' && v.length <= FLASH_MAX_LENGTH;
  return Object.fromEntries(
    Object.entries(values)
      .filter(
        ([key, value]) => !/password/i.test(key) && key.length <= 100 && (fits(value) || (Array.isArray(value) && value.length <= 50 && value.every(fits))),
      )
      .slice(0, FLASH_MAX_FIELDS),
  );
}

export function api<B, Q, P>(app: FastifyInstance, route: ApiRoute<B, Q, P>): void {
  app.apiRoutes.push(route as ApiRoute<any, any, any>);
  app.route({
    method: route.method,
    url: route.url,
    config: { harbour: { kind: 'api', access: route.scope, audit: route.audit } },
    handler: async (request, reply) => {
      request.audit = {
        event: route.audit,
        persist: route.method !== 'GET' || Boolean(route.personalData),
        personalData: Boolean(route.personalData),
        recorded: false,
      };
      const principal = request.principal;
      if (!principal || principal.kind !== 'token') throw errors.unauthenticated();
      if (!hasScope(principal, route.scope)) throw errors.forbidden();
      const params = parseOrThrow(route.params, storable(request.params), true);
      const id = (params as { id?: unknown } | undefined)?.id;
      if (route.subjectType && typeof id === 'string') Object.assign(request.audit, { subjectType: route.subjectType, subjectId: id });
      const query = parseOrThrow(route.query, storable(request.query), true);
      const body = parseOrThrow(route.body, storable(request.body), true);
      const result = await route.handler({ request, reply, body, query, params, principal });
      reply.code(route.response.status);
      return result;
    },
  });
}

/** Startup check: a route registered any other way (without access and audit) stops Harbour. */
export function assertDeclared(route: RouteOptions): void {
  const declared = route.config?.harbour;
  if (!declared || !declared.access || !declared.audit) {
    throw new Error(`Route ${String(route.method)} ${route.url} must be registered with page() or api(), declaring its access and audit event`);
  }
}
