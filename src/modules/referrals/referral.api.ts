import type { FastifyInstance } from 'fastify';
import { api } from '../../platform/routes.js';
import { referralCreatedSchema, referralInput } from './referral.api.schemas.js';
import { idempotencyKeyOf, submitReferral } from './referral.api.service.js';

/** The header a replayed answer carries: the referral was made by an earlier request with the same Idempotency-Key. */
export const REPLAY_HEADER = 'idempotent-replayed';

/**
 * POST /api/v1/referrals for partner agencies' systems (issue 4): a referral with its victim, perpetrators, risk
 * assessment and incidents in one request, saved together or not at all, safe to retry with an Idempotency-Key.
 */
export function registerReferralsApi(app: FastifyInstance): void {
  api(app, {
    method: 'POST',
    url: '/api/v1/referrals',
    scope: 'referrals',
    audit: 'referral.create',
    personalData: true,
    summary:
      'Refer a victim (to MARAC or a service) with their perpetrators, risk assessment and incidents, all saved or none; safe to retry with an Idempotency-Key.',
    tags: ['Referrals'],
    body: referralInput,
    headers: [
      {
        name: 'Idempotency-Key',
        description:
          '1 to 200 printable characters. A retry with the same key from the same token makes nothing twice and answers 201 with the referral first made, with the header Idempotent-Replayed: true; the same key with a different referral answers 422 idempotency_key_reused.',
      },
    ],
    problems: {
      422: 'The data does not support the referral (criterion_not_met, isa_not_in_force, …), or names a victim, perpetrator or case the token’s agency may not see (person_not_found, case_not_found), or reuses an Idempotency-Key',
    },
    response: {
      status: 201,
      schema: referralCreatedSchema,
      description: 'The referral as made (or, for a retry with the same Idempotency-Key, as first made: header Idempotent-Replayed: true)',
    },
    handler: async ({ request, reply, body }) => {
      const key = idempotencyKeyOf(request);
      const { referral, replayed } = await submitReferral(app.db, request, body, key);
      if (replayed) {
        reply.header(REPLAY_HEADER, 'true');
        Object.assign(request.audit, { event: 'referral.replay', subjectType: 'referral', subjectId: referral.id });
      }
      return referral;
    },
  });
}
