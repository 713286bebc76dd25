import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HarbourError, errors } from './errors.js';
import { renderPage } from './page-context.js';
import { recordRequestAudit } from './request-context.js';

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

/** Maps Fastify's own errors (bad JSON, too large, wrong content type) to Harbour's typed errors. */
function normalise(error: FastifyError | HarbourError | Error): HarbourError | null {
  if (error instanceof HarbourError) return error;
  const fe = error as FastifyError;
  if (fe.statusCode === 413 || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errors.payloadTooLarge();
  if (fe.statusCode === 415 || fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return errors.unsupportedMediaType();
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new HarbourError('bad_request', 400, 'The request could not be understood');
  }
  return null;
}

function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: string,
  title: string,
  fieldErrors: { field: string; message: string }[] = [],
) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `https://harbour.invalid/problems/${code}`,
      title,
      status,
      code,
      instance: request.url.split('?')[0],
      requestId: request.id,
      ...(fieldErrors.length ? { errors: fieldErrors } : {}),
    });
}

const PAGE_TEMPLATES: Record<number, string> = {
  400: 'errors/400.njk',
  403: 'errors/403.njk',
  404: 'errors/404.njk',
  409: 'errors/409.njk',
  429: 'errors/429.njk',
};

/** One place where every error becomes a GOV.UK error page or application/problem+json; a 500 shows no details. */
export function setUpErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request, reply) => {
    if (isApi(request)) return sendProblem(reply, request, 404, 'not_found', 'Not found');
    reply.code(404);
    return renderPage(request, reply, 'errors/404.njk');
  });

  app.setErrorHandler(handleError);

  // Failures and denials are audited too, before the response leaves.
  app.addHook('onSend', async (request, reply, payload) => {
    await recordRequestAudit(app.db, request, reply);
    return payload;
  });
}

/** Every error, including Fastify's own before routing (a malformed URL: see frameworkErrors in app.ts). */
export async function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const known = normalise(error);
  if (!known) {
    request.log.error({ err: error }, 'unhandled error');
    if (isApi(request)) return sendProblem(reply, request, 500, 'internal_error', 'Something went wrong. The error has been logged.');
    reply.code(500);
    return renderPage(request, reply, 'errors/500.njk', { requestId: request.id });
  }
  for (const [name, value] of Object.entries(known.headers)) reply.header(name, value);
  if (isApi(request)) return sendProblem(reply, request, known.status, known.code, known.message, known.fieldErrors);
  if (known.status === 401) {
    const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
    return reply.redirect(`/sign-in${next}`, 303);
  }
  reply.code(known.status);
  return renderPage(request, reply, PAGE_TEMPLATES[known.status] ?? 'errors/400.njk', { message: known.message, fieldErrors: known.fieldErrors });
}
