import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { renderPage } from '../../platform/page-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { clearSessionCookie, setSessionCookie } from '../../platform/session.js';
import { codeForm, emptyForm, invitationParams, safeNext, setPasswordForm, signInForm } from './account.schemas.js';
import * as account from './account.service.js';

const nextQuery = z.object({ next: safeNext });

/** An anonymous session so the form carries a CSRF token. */
async function ensureSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.session) return;
  const { cookieValue, session } = await request.server.sessions.create();
  request.session = session;
  setSessionCookie(reply, cookieValue);
}

/** Every step of sign-in gets a new session id, so a fixed or stolen pre-sign-in id is worthless. */
async function rotateSession(request: FastifyRequest, reply: FastifyReply, fields: { userId?: string; pendingUserId?: string; partnershipId: string }) {
  const store = request.server.sessions;
  if (request.session) await store.destroy(request.session.idHash);
  const { cookieValue, session } = await store.create(fields);
  request.session = session;
  setSessionCookie(reply, cookieValue);
}

/** Both factors passed: a fresh session for the signed-in user, then where they were going. */
async function finishSignIn(request: FastifyRequest, reply: FastifyReply, userId: string, partnershipId: string, next: string | undefined) {
  await rotateSession(request, reply, { userId, partnershipId });
  return reply.redirect(next ?? '/', 303);
}

function pendingUserId(request: FastifyRequest): string | null {
  return request.session?.pendingUserId ?? null;
}

function withNext(path: string, next: string | undefined): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export function registerAccountModule(app: FastifyInstance): void {
  const deps = { db: app.db, config: app.config };
  const info = (request: FastifyRequest) => ({ ip: request.ip, requestId: request.id });

  page(app, {
    method: 'GET',
    url: '/sign-in',
    access: 'public',
    audit: 'sign-in.view',
    query: nextQuery,
    handler: async ({ request, reply, query }) => {
      if (request.principal) return reply.redirect(query.next ?? '/', 303);
      await ensureSession(request, reply);
      return renderPage(request, reply, 'account/views/sign-in.njk', { next: query.next });
    },
  });

  page(app, {
    method: 'POST',
    url: '/sign-in',
    access: 'public',
    audit: 'sign-in.password',
    auditedByService: true,
    body: signInForm,
    invalidRedirect: (request) => withNext('/sign-in', safeNext.parse((request.body as { next?: string })?.next)),
    handler: async ({ request, reply, body }) => {
      const result = await account.checkPassword(deps, info(request), body.email, body.password);
      if (result.next === 'done') return finishSignIn(request, reply, result.userId, result.partnershipId, body.next);
      await rotateSession(request, reply, { pendingUserId: result.userId, partnershipId: result.partnershipId });
      return reply.redirect(withNext(result.next === 'mfa' ? '/sign-in/code' : '/sign-in/set-up-code', body.next), 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/sign-in/code',
    access: 'public',
    audit: 'sign-in.code.view',
    query: nextQuery,
    handler: async ({ request, reply, query }) => {
      if (!pendingUserId(request)) return reply.redirect('/sign-in', 303);
      return renderPage(request, reply, 'account/views/code.njk', { next: query.next });
    },
  });

  page(app, {
    method: 'POST',
    url: '/sign-in/code',
    access: 'public',
    audit: 'sign-in.mfa',
    auditedByService: true,
    body: codeForm,
    invalidRedirect: (request) => withNext('/sign-in/code', safeNext.parse((request.body as { next?: string })?.next)),
    handler: async ({ request, reply, body }) => {
      const userId = pendingUserId(request);
      if (!userId) return reply.redirect('/sign-in', 303);
      let partnershipId: string;
      try {
        ({ partnershipId } = await account.checkCode(deps, info(request), userId, body.code));
      } catch (error) {
        if ((error as { code?: string }).code === 'account_locked' && request.session) {
          await request.server.sessions.destroy(request.session.idHash); // locked: start again from the password
        }
        throw error;
      }
      return finishSignIn(request, reply, userId, partnershipId, body.next);
    },
  });

  page(app, {
    method: 'GET',
    url: '/sign-in/set-up-code',
    access: 'public',
    audit: 'mfa.enrol.view',
    query: nextQuery,
    handler: async ({ request, reply, query }) => {
      const userId = pendingUserId(request);
      if (!userId) return reply.redirect('/sign-in', 303);
      const details = await account.enrolmentDetails(deps, userId);
      return renderPage(request, reply, 'account/views/set-up-code.njk', { ...details, next: query.next });
    },
  });

  page(app, {
    method: 'POST',
    url: '/sign-in/set-up-code',
    access: 'public',
    audit: 'mfa.enrol',
    auditedByService: true,
    body: codeForm,
    invalidRedirect: () => '/sign-in/set-up-code',
    handler: async ({ request, reply, body }) => {
      const userId = pendingUserId(request);
      if (!userId) return reply.redirect('/sign-in', 303);
      const { partnershipId } = await account.confirmEnrolment(deps, info(request), userId, body.code);
      return finishSignIn(request, reply, userId, partnershipId, body.next);
    },
  });

  page(app, {
    method: 'POST',
    url: '/sign-out',
    access: 'public',
    audit: 'sign-out',
    body: emptyForm,
    handler: async ({ request, reply }) => {
      if (request.session) await request.server.sessions.destroy(request.session.idHash);
      clearSessionCookie(reply);
      return reply.redirect('/signed-out', 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/signed-out',
    access: 'public',
    audit: 'sign-out.view',
    handler: async ({ request, reply }) => renderPage(request, reply, 'account/views/signed-out.njk'),
  });

  page(app, {
    method: 'GET',
    url: '/account',
    access: 'signed-in',
    audit: 'account.view',
    handler: async ({ request, reply }) => {
      const user = requireUser(request);
      return renderPage(request, reply, 'account/views/account.njk', {
        account: { email: user.email, displayName: user.displayName, agencyName: user.agencyName, roles: user.roles },
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/account/sign-out-everywhere',
    access: 'signed-in',
    audit: 'sign-out.everywhere',
    body: emptyForm,
    handler: async ({ request, reply }) => {
      const user = requireUser(request);
      const ended = await request.server.sessions.destroyAllForUser(user.userId);
      Object.assign(request.audit, { subjectType: 'user', subjectId: user.userId, details: { sessionsEnded: ended } });
      clearSessionCookie(reply);
      return reply.redirect('/signed-out', 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/invitations/:token',
    access: 'public',
    audit: 'invitation.view',
    params: invitationParams,
    handler: async ({ request, reply, params }) => {
      const invitation = await account.invitationFor(deps, params.token);
      await ensureSession(request, reply);
      return renderPage(request, reply, 'account/views/set-password.njk', {
        email: invitation.email,
        displayName: invitation.display_name,
        token: params.token,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/invitations/:token',
    access: 'public',
    audit: 'invitation.accept',
    auditedByService: true,
    params: invitationParams,
    body: setPasswordForm,
    handler: async ({ request, reply, params, body }) => {
      await account.acceptInvitation(deps, info(request), params.token, body.password);
      if (request.session)
        await request.server.sessions.setFlash(request.session.idHash, { notice: 'Your password is set. Sign in to set up your authenticator app.' });
      return reply.redirect('/sign-in', 303);
    },
  });
}
