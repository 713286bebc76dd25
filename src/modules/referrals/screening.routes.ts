import type { FastifyInstance } from 'fastify';
import { errors } from '../../platform/errors.js';
import { translate } from '../../platform/i18n.js';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { declineItems, presentQueueRow, presentReferral } from './referral.presenter.js';
import { namesById, referralPage } from './referral.read.service.js';
import { DECISION_REASON_MAX, decisionForm, idParams, queueQuery } from './referral.schemas.js';
import { decideReferral, screeningQueue } from './screening.service.js';

/** The MARAC coordinator's screening queue and the accept-or-decline decision on each referral in it. */
export function registerScreeningRoutes(app: FastifyInstance): void {
  const db = app.db;

  page(app, {
    method: 'GET',
    url: '/referrals/screening',
    access: 'referrals:screen',
    audit: 'referral.screen.list',
    personalData: true,
    query: queueQuery,
    handler: async ({ request, reply, query }) => {
      const { rows, next } = await screeningQueue(db, actorFor(request), query.after);
      const victims = await namesById(
        db,
        requireUser(request),
        rows.map((row) => row.victim_id),
      );
      return renderPage(request, reply, 'referrals/views/screening-queue.njk', {
        rows: rows.map((row) => presentQueueRow(row, victims.get(row.victim_id))),
        paged: Boolean(query.after || next),
        pagination:
          query.after || next
            ? {
                ...(query.after ? { previous: { href: '/referrals/screening', labelText: translate('en', 'referrals.queue.oldest') } } : {}),
                ...(next ? { next: { href: `/referrals/screening?${new URLSearchParams({ after: next })}` } } : {}),
              }
            : null,
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/referrals/:id/screening',
    subjectType: 'referral',
    access: 'referrals:screen',
    audit: 'referral.screen.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const referral = presentReferral(await referralPage(db, requireUser(request), params.id));
      if (!referral.marac) throw errors.notFound('Referral');
      return renderPage(request, reply, 'referrals/views/screening-decision.njk', { referral, declineItems: declineItems(), reasonMax: DECISION_REASON_MAX });
    },
  });

  page(app, {
    method: 'POST',
    url: '/referrals/:id/screening',
    subjectType: 'referral',
    access: 'referrals:screen',
    audit: 'referral.decide',
    params: idParams,
    body: decisionForm,
    handler: async ({ request, reply, params, body }) => {
      await decideReferral(db, actorFor(request), params.id, body.version, body.decision);
      const found = await referralPage(db, requireUser(request), params.id);
      const key = body.decision.decision === 'accept' ? 'referrals.screening.accepted' : 'referrals.screening.declined';
      await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', key, { reference: found.row.reference }) });
      return reply.redirect('/referrals/screening', 303);
    },
  });
}
