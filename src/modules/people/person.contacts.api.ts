import type { FastifyInstance } from 'fastify';
import { api } from '../../platform/routes.js';
import { idParams, personSchema, versionQuery } from './people.api.schemas.js';
import { addressInput, addressParams, addressPatch, contactInput, contactParams, contactPatch } from './person.contacts.api.schemas.js';
import * as parts from './person.contacts.api.service.js';

/**
 * A person's addresses, phone numbers and email addresses through /api/v1/people/{id}: added, changed, ended or
 * removed under the person pages' rules and audit event names. The person's safe-contact details (safe times,
 * voicemail, code word, do not write home) are fields of the person itself (PATCH /api/v1/people/{id}).
 */
export function registerPersonContactApi(app: FastifyInstance): void {
  const deps = { db: app.db };
  const common = { subjectType: 'person', scope: 'people:write', personalData: true, tags: ['People'] };
  const changed = { status: 200, schema: personSchema, description: 'The person as changed (version + 1)' };
  const added = { status: 201, schema: personSchema, description: 'The person as changed (version + 1); Location names the new part' };

  api(app, {
    ...common,
    method: 'POST',
    url: '/api/v1/people/:id/addresses',
    audit: 'person.address.add',
    summary: 'Add an address, recorded by the token’s agency (a confidential refuge address is read by that agency only)',
    params: idParams,
    body: addressInput,
    response: added,
    handler: async ({ request, reply, params, body }) => {
      const { id, person } = await parts.addAddress(deps, request, params.id, body);
      reply.header('location', `/api/v1/people/${params.id}/addresses/${id}`);
      return person;
    },
  });

  api(app, {
    ...common,
    method: 'PATCH',
    url: '/api/v1/people/:id/addresses/:addressId',
    audit: 'person.address.update',
    summary: 'Change an address (only the fields sent); current: false ends it. Another agency’s confidential refuge address is not found',
    params: addressParams,
    body: addressPatch,
    response: changed,
    handler: async ({ request, params, body }) => parts.updateAddress(deps, request, params.id, params.addressId, body),
  });

  api(app, {
    ...common,
    method: 'POST',
    url: '/api/v1/people/:id/contacts',
    audit: 'person.contact.add',
    summary: 'Add a phone number or email address',
    params: idParams,
    body: contactInput,
    response: added,
    handler: async ({ request, reply, params, body }) => {
      const { id, person } = await parts.addContact(deps, request, params.id, body);
      reply.header('location', `/api/v1/people/${params.id}/contacts/${id}`);
      return person;
    },
  });

  api(app, {
    ...common,
    method: 'PATCH',
    url: '/api/v1/people/:id/contacts/:contactId',
    audit: 'person.contact.safe',
    summary: 'Mark a phone number or email address as safe to use, or not',
    params: contactParams,
    body: contactPatch,
    response: changed,
    handler: async ({ request, params, body }) => parts.setContactSafe(deps, request, params.id, params.contactId, body.version, body.safe),
  });

  api(app, {
    ...common,
    method: 'DELETE',
    url: '/api/v1/people/:id/contacts/:contactId',
    audit: 'person.contact.remove',
    summary: 'Remove a phone number or email address (?version= the person’s version read; 409 edit_conflict if stale)',
    params: contactParams,
    query: versionQuery,
    response: changed,
    handler: async ({ request, params, query }) => parts.removeContact(deps, request, params.id, params.contactId, query.version),
  });
}
