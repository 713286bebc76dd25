import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HarbourError } from '../../platform/errors.js';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { registerPersonContactRoutes } from './person.contacts.routes.js';
import { offerDuplicates } from './person.duplicates.routes.js';
import { newPersonForm } from './person.duplicates.schemas.js';
import { mergeSection, registerPersonMergeRoutes, renderMergedRecord } from './person.merge.routes.js';
import { personFormItems, personFormValues, presentListRow, presentPerson, primaryName } from './person.presenter.js';
import { PAGE_SIZE } from './person.repository.js';
import { idParams, listQuery, OTHER_NAME_SLOTS, personEditForm } from './person.schemas.js';
import * as people from './person.service.js';
import { pagination } from '../../platform/pagination.js';

const editUrl = (request: FastifyRequest) => `/people/${(request.params as { id: string }).id}/edit`;

/** How many further-name slots hold something, in the stored record or in a form sent back with errors. */
function filledOtherNames(values: Record<string, unknown>): number {
  let last = 0;
  for (let i = 1; i <= OTHER_NAME_SLOTS; i++) if (values[`otherName${i}-given`] || values[`otherName${i}-family`] || values[`otherName${i}-kind`]) last = i;
  return last;
}

/** The person record: list, record, view and change. Addresses and contacts are in person.contacts.routes.ts. */
export function registerPersonRoutes(app: FastifyInstance): void {
  const deps = { db: app.db };

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    stored: { values: Record<string, unknown>; id: string; version: number; name: string } | null,
  ) {
    const sent = request.session?.flash.values ?? {};
    return renderPage(request, reply, 'people/views/person-form.njk', {
      person: stored && { id: stored.id, version: stored.version, name: stored.name },
      // A form sent back with errors shows what was typed; otherwise the record as stored (or a blank form).
      stored: stored?.values ?? {},
      items: personFormItems(Math.max(filledOtherNames(sent), filledOtherNames(stored?.values ?? {}))),
    });
  }

  page(app, {
    method: 'GET',
    url: '/people',
    access: 'personal-data:read',
    audit: 'person.list',
    personalData: true,
    query: listQuery,
    handler: async ({ request, reply, query }) => {
      const { rows, total } = await people.listPeople(deps, requireUser(request), query.page);
      return renderPage(request, reply, 'people/views/person-list.njk', {
        people: rows.map(presentListRow),
        total,
        pagination: pagination('/people', {}, query.page, total, PAGE_SIZE),
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/people/new',
    access: 'personal-data:read',
    audit: 'person.create.view',
    handler: async ({ request, reply }) => formPage(request, reply, null),
  });

  page(app, {
    method: 'POST',
    url: '/people',
    access: 'personal-data:read',
    audit: 'person.create',
    // Before recording, it may show the records the user can see that are probably this person.
    personalData: true,
    body: newPersonForm,
    invalidRedirect: () => '/people/new',
    handler: async ({ request, reply, body }) => {
      if (await offerDuplicates(deps, request, reply, body)) return reply;
      const id = await people.createPerson(deps, actorFor(request), body.person, body.duplicates === 'new' ? { duplicatesShown: true } : undefined);
      await app.sessions.setFlash(request.session!.idHash, { notice: 'Person recorded' });
      return reply.redirect(`/people/${id}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/people/:id',
    subjectType: 'person',
    access: 'personal-data:read',
    audit: 'person.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const viewer = requireUser(request);
      let record: people.PersonRecord;
      try {
        record = await people.personRecord(deps, viewer, params.id);
      } catch (error) {
        // A merged record says where it went, to those who may see that record; to anyone else it is not found.
        if (error instanceof HarbourError && error.code === 'not_found' && (await renderMergedRecord(deps, request, reply, params.id))) return reply;
        throw error;
      }
      return renderPage(request, reply, 'people/views/person-page.njk', { person: presentPerson(record), merge: await mergeSection(deps, viewer, params.id) });
    },
  });

  page(app, {
    method: 'GET',
    url: '/people/:id/edit',
    subjectType: 'person',
    access: 'personal-data:read',
    audit: 'person.update.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const { person, names } = await people.personForEdit(deps, requireUser(request), params.id);
      return formPage(request, reply, { id: person.id, version: person.version, name: primaryName(names), values: personFormValues(person, names) });
    },
  });

  page(app, {
    method: 'POST',
    url: '/people/:id',
    subjectType: 'person',
    access: 'personal-data:read',
    audit: 'person.update',
    params: idParams,
    body: personEditForm,
    invalidRedirect: editUrl,
    handler: async ({ request, reply, params, body }) => {
      await people.updatePerson(deps, actorFor(request), params.id, body);
      await app.sessions.setFlash(request.session!.idHash, { notice: 'Person’s details saved' });
      return reply.redirect(`/people/${params.id}`, 303);
    },
  });

  registerPersonContactRoutes(app);
  registerPersonMergeRoutes(app);
}
