/** Typed errors with stable codes; mapped to pages or problem+json in one place (error-handler.ts). */
export type FieldError = { field: string; message: string };

export class HarbourError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fieldErrors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HarbourError';
  }
}

export const errors = {
  notFound: (what = 'Page') => new HarbourError('not_found', 404, `${what} not found`),
  unauthenticated: () => new HarbourError('unauthenticated', 401, 'Sign in or provide a valid bearer token'),
  /** Pages answer 404 instead (a denied record looks like a missing one); kept for whole-feature denials. */
  forbidden: () => new HarbourError('forbidden', 403, 'You do not have permission to do this'),
  validation: (fieldErrors: FieldError[]) => new HarbourError('validation_failed', 400, 'The request has errors', fieldErrors),
  csrf: () => new HarbourError('csrf_failed', 403, 'Your form could not be sent securely. Go back, reload the page and try again.'),
  conflict: (
    message = 'Someone else changed this record while you were editing it. Your changes were not saved: check the record as it is now and make them again.',
  ) => new HarbourError('edit_conflict', 409, message, [{ field: 'version', message }]),
  duplicate: (field: string, message: string) => new HarbourError('duplicate', 409, message, [{ field, message }]),
  rateLimited: (retryAfterSeconds: number) =>
    new HarbourError('rate_limited', 429, 'Too many attempts. Wait a few minutes and try again.', [], { 'retry-after': String(retryAfterSeconds) }),
  payloadTooLarge: () => new HarbourError('payload_too_large', 413, 'The request is too large'),
  unsupportedMediaType: () => new HarbourError('unsupported_media_type', 415, 'Send the request as JSON or as a form'),
};
