import type { FastifyInstance } from 'fastify';
import { londonToday } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { renderPage, sentValues } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { referralErrors } from './referral.errors.js';
import { formValues, presentReferral, referralFormView } from './referral.presenter.js';
import { referralFormContext, referralPage } from './referral.read.service.js';
import { CONSENT_REASON_MAX, idParams, REASONS_MAX, referralForm, refusalsOnForm } from './referral.schemas.js';
import { createReferral } from './referral.service.js';

/** Making a referral from a case (to MARAC or another service), and the referral's own page. */
export function registerReferralRoutes(app: FastifyInstance): void {
  const db = app.db;

  page(app, {
    method: 'GET',
    url: '/cases/:id/referrals/new',
    subjectType: 'case',
    access: 'personal-data:read',
    audit: 'referral.create.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const context = await referralFormContext(db, requireUser(request), params.id);
      const [year, month, day] = londonToday().split('-');
      const defaults = {
        'referredOn-day': String(Number(day)),
        'referredOn-month': String(Number(month)),
        'referredOn-year': year,
        riskAssessmentId: context.latestScored?.id,
      };
      return renderPage(request, reply, 'referrals/views/referral-form.njk', {
        theCase: context.theCase,
        agreementInForce: context.agreementInForce,
        agreementMessage: referralErrors.agreementNotInForce().message,
        view: referralFormView(context),
        form: formValues(sentValues(request), defaults, ['perpetratorIds']),
        limits: { reasons: REASONS_MAX, consentReason: CONSENT_REASON_MAX },
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/cases/:id/referrals',
    subjectType: 'case',
    access: 'personal-data:read',
    audit: 'referral.create',
    params: idParams,
    body: referralForm,
    invalidRedirect: (request) => `/cases/${(request.params as { id: string }).id}/referrals/new`,
    handler: async ({ request, reply, params, body }) => {
      const input = { caseId: params.id, ...body.referral };
      const made = await refusalsOnForm(createReferral(db, actorFor(request), requireUser(request), input), input.consent.status);
      const notice = translate('en', made.repeat ? 'referrals.referral.madeRepeat' : 'referrals.referral.made', { reference: made.reference });
      await app.sessions.setFlash(request.session!.idHash, { notice });
      return reply.redirect(`/referrals/${made.id}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/referrals/:id',
    subjectType: 'referral',
    access: 'personal-data:read',
    audit: 'referral.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const viewer = requireUser(request);
      const referral = presentReferral(await referralPage(db, viewer, params.id));
      return renderPage(request, reply, 'referrals/views/referral.njk', { referral, mayScreen: viewer.permissions.has('referrals:screen') });
    },
  });
}
