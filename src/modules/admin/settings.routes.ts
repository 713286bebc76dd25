import type { FastifyInstance } from 'fastify';
import { errors, HarbourError } from '../../platform/errors.js';
import { translate } from '../../platform/i18n.js';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { referralSettings, saveReferralSettings } from '../referrals/settings.service.js';
import type { BandThresholds } from '../risk/risk.instrument.js';
import { importInstrument, instrumentSettings, setBandThresholds } from '../risk/risk.settings.service.js';
import * as repo from './admin.repository.js';
import { bandsForm, importForm, instrumentParams, referralSettingsForm } from './settings.schemas.js';

/**
 * The partnership's settings (permission settings:manage): the referral rules (escalation window, MARAC agency) and
 * the risk instruments (band thresholds, importing a licensed wording as a new version).
 */
export function registerSettingsRoutes(app: FastifyInstance): void {
  page(app, {
    method: 'GET',
    url: '/admin/settings',
    access: 'settings:manage',
    audit: 'settings.view',
    handler: async ({ request, reply }) => {
      const { partnershipId } = requireUser(request);
      const [referrals, instruments, agencies] = await Promise.all([
        referralSettings(app.db, partnershipId),
        instrumentSettings(app.db, partnershipId),
        repo.listAgencies(app.db, partnershipId),
      ]);
      const maracAgency = agencies.find((a) => a.id === referrals.maracAgencyId)?.name ?? null;
      return renderPage(request, reply, 'admin/views/settings.njk', { referrals, maracAgency, instruments });
    },
  });

  page(app, {
    method: 'GET',
    url: '/admin/settings/referrals',
    access: 'settings:manage',
    audit: 'settings.referrals.view',
    handler: async ({ request, reply }) => {
      const { partnershipId } = requireUser(request);
      const [settings, agencies] = await Promise.all([referralSettings(app.db, partnershipId), repo.listAgencies(app.db, partnershipId)]);
      const agencyItems = [
        { value: '', text: translate('en', 'settings.referrals.chooseAgency') },
        ...agencies.filter((a) => a.active).map((a) => ({ value: a.id, text: a.name })),
      ];
      return renderPage(request, reply, 'admin/views/settings-referrals.njk', { settings, agencyItems });
    },
  });

  page(app, {
    method: 'POST',
    url: '/admin/settings/referrals',
    access: 'settings:manage',
    audit: 'referral.settings.update',
    body: referralSettingsForm,
    handler: async ({ request, reply, body }) => {
      await saveReferralSettings(app.db, actorFor(request), body);
      await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', 'settings.referrals.saved') });
      return reply.redirect('/admin/settings', 303);
    },
  });

  const bandsPage = async (request: Parameters<typeof requireUser>[0], instrument: string) => {
    const found = (await instrumentSettings(app.db, requireUser(request).partnershipId)).find((i) => i.id === instrument);
    if (!found?.ownBands) throw errors.notFound('Instrument');
    return found;
  };

  page(app, {
    method: 'GET',
    url: '/admin/settings/risk/:instrument/bands',
    access: 'settings:manage',
    audit: 'risk.bands.view',
    params: instrumentParams,
    handler: async ({ request, reply, params }) => {
      const instrument = await bandsPage(request, params.instrument);
      return renderPage(request, reply, 'admin/views/settings-bands.njk', { instrument });
    },
  });

  page(app, {
    method: 'POST',
    url: '/admin/settings/risk/:instrument/bands',
    access: 'settings:manage',
    audit: 'risk.bands.update',
    params: instrumentParams,
    body: bandsForm,
    handler: async ({ request, reply, params, body }) => {
      await bandsPage(request, params.instrument);
      const thresholds: BandThresholds = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      await setBandThresholds(app.db, actorFor(request), params.instrument, Object.keys(thresholds).length ? thresholds : null);
      await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', 'settings.bands.saved') });
      return reply.redirect('/admin/settings', 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/admin/settings/risk/import',
    access: 'settings:manage',
    audit: 'risk.instrument.import.view',
    handler: async ({ request, reply }) => renderPage(request, reply, 'admin/views/settings-import.njk', {}),
  });

  page(app, {
    method: 'POST',
    url: '/admin/settings/risk/import',
    access: 'settings:manage',
    audit: 'risk.instrument.import',
    body: importForm,
    handler: async ({ request, reply, body }) => {
      const imported = await importInstrument(app.db, actorFor(request), body.definition).catch((error: unknown) => {
        // The definition's own problems (at paths such as sections.0.questions.2.id) are all shown against the one field.
        if (!(error instanceof HarbourError) || error.fieldErrors.length === 0) throw error;
        const problems = error.fieldErrors.map((e) => ({ field: 'definition', message: e.field === 'version' ? e.message : `${e.field}: ${e.message}` }));
        throw new HarbourError(error.code, error.status, error.message, problems);
      });
      await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', 'settings.import.saved', imported) });
      return reply.redirect('/admin/settings', 303);
    },
  });
}
