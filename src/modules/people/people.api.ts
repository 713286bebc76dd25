import type { FastifyInstance } from 'fastify';
import { api } from '../../platform/routes.js';
import { registerCaseApi } from './case.api.js';
import { idParams, peopleQuery, personInput, personListSchema, personPatch, personSchema } from './people.api.schemas.js';
import { createPerson, findPeople, readPerson, updatePerson } from './people.api.service.js';
import { tokenViewer } from './people.api.token.js';
import { registerPersonContactApi } from './person.contacts.api.js';
import { registerRestrictionApi } from './restriction.api.js';

/**
 * /api/v1/people and /api/v1/cases for partner agencies' systems: a token acts for its agency, sees what the agency's
 * staff may see, and a record it may not see answers 404 like a missing one. Every read and change is audited with
 * the token's id, under the same event names as the pages.
 */
export function registerPeopleApi(app: FastifyInstance): void {
  const deps = { db: app.db };
  const tags = ['People'];

  api(app, {
    method: 'GET',
    url: '/api/v1/people',
    scope: 'people:read',
    audit: 'person.search',
    personalData: true,
    summary: 'Search for people by name, date of birth, phone or postcode; without terms, list them',
    tags,
    query: peopleQuery,
    response: { status: 200, schema: personListSchema, description: 'Matching people, best first; or all, newest first' },
    handler: async ({ request, principal, query }) => {
      const { searched, list } = await findPeople(deps, tokenViewer(principal, 'people:read'), query);
      // As on the pages: which fields were searched and how many records were shown, never the search terms.
      if (searched) request.audit.details = { fields: searched, results: list.people.length };
      else request.audit.event = 'person.list';
      return list;
    },
  });

  api(app, {
    method: 'POST',
    url: '/api/v1/people',
    scope: 'people:write',
    audit: 'person.create',
    personalData: true,
    summary: 'Record a person, owned by the token’s agency',
    tags,
    body: personInput,
    response: { status: 201, schema: personSchema, description: 'The person as recorded' },
    handler: async ({ request, reply, body }) => {
      const person = await createPerson(deps, request, body);
      reply.header('location', `/api/v1/people/${person.id}`);
      return person;
    },
  });

  api(app, {
    method: 'GET',
    url: '/api/v1/people/:id',
    subjectType: 'person',
    scope: 'people:read',
    audit: 'person.view',
    personalData: true,
    summary: 'Read a person’s record, with their addresses and contacts',
    tags,
    params: idParams,
    response: { status: 200, schema: personSchema, description: 'The person' },
    handler: async ({ principal, params }) => readPerson(deps, tokenViewer(principal, 'people:read'), params.id),
  });

  api(app, {
    method: 'PATCH',
    url: '/api/v1/people/:id',
    subjectType: 'person',
    scope: 'people:write',
    audit: 'person.update',
    personalData: true,
    summary: 'Change a person’s details (only the fields sent), if they have not changed since the version read',
    tags,
    params: idParams,
    body: personPatch,
    response: { status: 200, schema: personSchema, description: 'The person as changed' },
    handler: async ({ request, params, body }) => updatePerson(deps, request, params.id, body),
  });

  registerPersonContactApi(app);
  registerCaseApi(app);
  registerRestrictionApi(app);
}
