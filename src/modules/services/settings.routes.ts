import type { FastifyInstance } from 'fastify';
import { errors } from '../../platform/errors.js';
import { translate } from '../../platform/i18n.js';
import { notice, renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page } from '../../platform/routes.js';
import * as schemas from './services.schemas.js';
import { changeService, configureService, serviceSettings } from './services.service.js';

/** Which services the partnership runs, who provides each and its capacity: for those who manage its settings. */
export function registerServiceSettingsRoutes(app: FastifyInstance): void {
  const db = app.db;
  const agencyItems = (agencies: { id: string; name: string }[], chosen: unknown) => [
    { value: '', text: translate('en', 'services.settings.chooseAgency') },
    ...agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === chosen })),
  ];

  page(app, {
    method: 'GET',
    url: '/services/settings',
    access: 'settings:manage',
    audit: 'services.settings.view',
    handler: async ({ request, reply }) => {
      const { definitions } = await serviceSettings(db, actorFor(request));
      return renderPage(request, reply, 'services/views/settings.njk', {
        rows: definitions.map(({ definition, service }) => ({
          title: definition.title,
          kind: definition.kind,
          provider: service?.providerName ?? null,
          capacity: service?.capacity ?? null,
          active: service?.active ?? false,
          href: service ? `/services/settings/${service.id}` : `/services/settings/new?definition=${definition.id}`,
        })),
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/services/settings/new',
    access: 'settings:manage',
    audit: 'services.settings.form',
    query: schemas.definitionQuery,
    handler: async ({ request, reply, query }) => {
      const { definitions, agencies } = await serviceSettings(db, actorFor(request));
      const chosen = definitions.find((d) => d.definition.id === query.definition && !d.service);
      if (!chosen) throw errors.notFound('Service');
      const form = request.session?.flash.values ?? {};
      return renderPage(request, reply, 'services/views/settings-form.njk', {
        definition: chosen.definition,
        agencies: agencyItems(agencies, form.providerAgencyId),
        form,
        action: '/services/settings/new',
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/services/settings/new',
    access: 'settings:manage',
    audit: 'services.configure',
    body: schemas.newServiceForm,
    invalidRedirect: (request) =>
      `/services/settings/new?definition=${encodeURIComponent(String((request.body as { definitionId?: string }).definitionId ?? ''))}`,
    handler: async ({ request, reply, body }) => {
      await configureService(db, actorFor(request), body);
      await notice(request, 'services.settings.started');
      return reply.redirect('/services/settings', 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/services/settings/:id',
    access: 'settings:manage',
    audit: 'services.settings.form',
    params: schemas.serviceParams,
    handler: async ({ request, reply, params }) => {
      const { definitions, agencies } = await serviceSettings(db, actorFor(request));
      const chosen = definitions.find((d) => d.service?.id === params.id);
      if (!chosen?.service) throw errors.notFound('Service');
      const service = chosen.service;
      const form = request.session?.flash.values ?? {
        providerAgencyId: service.providerAgencyId,
        capacity: service.capacity === null ? '' : String(service.capacity),
        active: service.active ? 'yes' : 'no',
      };
      return renderPage(request, reply, 'services/views/settings-form.njk', {
        definition: chosen.definition,
        service: { id: service.id, version: service.version },
        agencies: agencyItems(agencies, form.providerAgencyId),
        form,
        action: `/services/settings/${service.id}`,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/services/settings/:id',
    access: 'settings:manage',
    audit: 'services.change',
    subjectType: 'service',
    params: schemas.serviceParams,
    body: schemas.serviceChangeForm,
    handler: async ({ request, reply, params, body }) => {
      await changeService(db, actorFor(request), params.id, body);
      await notice(request, 'services.settings.changed');
      return reply.redirect('/services/settings', 303);
    },
  });
}
