import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** A fresh nonce per request; only scripts carrying it run. No inline styles, no framing. */
export function setUpSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    request.cspNonce = randomBytes(16).toString('base64');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const csp = [
      "default-src 'self'",
      `script-src 'self' 'nonce-${request.cspNonce}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; ');
    reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    // Anything for a signed-in user, and any form, must not be stored by a browser or proxy.
    if (!reply.hasHeader('cache-control') || request.principal || request.session) reply.header('cache-control', 'no-store');
    return payload;
  });
}
