import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../platform/errors.js';
import { translate } from '../../platform/i18n.js';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { bornText, personName } from './case.presenter.js';
import { findVisiblePerson } from './case.repository.js';
import { idParams } from './case.schemas.js';
import { presentRestriction, restrictionPanel } from './restriction.presenter.js';
import { listAgencies } from './restriction.repository.js';
import { removeRestrictionForm, restrictionForm, restrictionParams } from './restriction.schemas.js';
import { addRestriction, removeRestriction, restrictionsFor } from './restriction.service.js';

/** "Must not see" lists: on the case page for a case, on their own page for a person. */
export function registerRestrictionRoutes(app: FastifyInstance): void {
  const db = app.db;

  page(app, {
    method: 'GET',
    url: '/people/:id/restrictions',
    subjectType: 'person',
    access: 'personal-data:read',
    audit: 'restriction.list',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const viewer = requireUser(request);
      const person = await findVisiblePerson(db, viewer, params.id);
      if (!person) throw errors.notFound('Person');
      const [{ mayManage, restrictions }, agencies] = await Promise.all([
        restrictionsFor(db, viewer, { type: 'person', id: person.id }),
        listAgencies(db, viewer.partnershipId),
      ]);
      return renderPage(request, reply, 'people/views/restriction-person.njk', {
        person: { id: person.id, name: personName(person), born: bornText(person) },
        restrictionPanel: mayManage && restrictionPanel(viewer, `/people/${person.id}/restrictions`, restrictions.map(presentRestriction), agencies),
      });
    },
  });

  for (const type of ['case', 'person'] as const) {
    const base = type === 'case' ? '/cases' : '/people';
    // A refused entry goes back to where the list is shown: the case page, or the person's restrictions page.
    const back = (request: FastifyRequest) => {
      const id = (request.params as { id: string }).id;
      return type === 'case' ? `/cases/${id}` : `/people/${id}/restrictions`;
    };

    page(app, {
      method: 'POST',
      url: `${base}/:id/restrictions`,
      subjectType: type,
      access: 'personal-data:read',
      audit: 'restriction.add',
      params: idParams,
      body: restrictionForm,
      invalidRedirect: back,
      handler: async ({ request, reply, params, body }) => {
        await addRestriction(db, actorFor(request), { type, id: params.id }, body);
        await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', 'restriction.added') });
        return reply.redirect(back(request), 303);
      },
    });

    page(app, {
      method: 'POST',
      url: `${base}/:id/restrictions/:restrictionId/remove`,
      subjectType: type,
      access: 'personal-data:read',
      audit: 'restriction.remove',
      params: restrictionParams,
      body: removeRestrictionForm,
      invalidRedirect: back,
      handler: async ({ request, reply, params }) => {
        await removeRestriction(db, actorFor(request), { type, id: params.id }, params.restrictionId);
        await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', 'restriction.removed') });
        return reply.redirect(back(request), 303);
      },
    });
  }
}
