import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import * as contacts from './person.contacts.service.js';
import { addressForm, addressParams, CONTACT_FORMS, contactParams, safeToggleForm, versionForm, type ContactKind } from './person.contacts.schemas.js';
import { idParams } from './person.schemas.js';
import { visiblePerson } from './person.service.js';

type PersonParams = { id: string; addressId?: string };
const personUrl = (request: FastifyRequest) => `/people/${(request.params as PersonParams).id}`;

/** Addresses, phone numbers and email addresses of a person; every form carries the person's version. */
export function registerPersonContactRoutes(app: FastifyInstance): void {
  const deps = { db: app.db };
  const saved = async (request: FastifyRequest, notice: string) => app.sessions.setFlash(request.session!.idHash, { notice });

  page(app, {
    method: 'GET',
    url: '/people/:id/addresses/new',
    subjectType: 'person',
    access: 'personal-data:read',
    audit: 'person.address.add.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const person = await visiblePerson(app.db, requireUser(request), params.id);
      return renderPage(request, reply, 'people/views/person-address-form.njk', { person: { id: person.id, version: person.version }, recordedHere: true });
    },
  });

  page(app, {
    method: 'POST',
    url: '/people/:id/addresses',
    subjectType: 'person',
    access: 'personal-data:read',
    audit: 'person.address.add',
    params: idParams,
    body: addressForm,
    invalidRedirect: (request) => `${personUrl(request)}/addresses/new`,
    handler: async ({ request, reply, params, body }) => {
      await contacts.addAddress(deps, actorFor(request), params.id, body);
      await saved(request, 'Address added');
      return reply.redirect(`/people/${params.id}#addresses`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/people/:id/addresses/:addressId/edit',
    subjectType: 'person',
    access: 'personal-data:read',
    audit: 'person.address.update.view',
    personalData: true,
    params: addressParams,
    handler: async ({ request, reply, params }) => {
      const { person, address, recordedHere } = await contacts.addressForEdit(deps, requireUser(request), params.id, params.addressId);
      const flags = [address.is_current && 'current', address.is_safe && 'safe', address.confidential_refuge && 'refuge'].filter(Boolean);
      return renderPage(request, reply, 'people/views/person-address-form.njk', {
        person: { id: person.id, version: person.version },
        address: { id: address.id, line1: address.line1, line2: address.line2, town: address.town, postcode: address.postcode, flags },
        recordedHere,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/people/:id/addresses/:addressId',
    subjectType: 'person',
    access: 'personal-data:read',
    audit: 'person.address.update',
    params: addressParams,
    body: addressForm,
    invalidRedirect: (request) => `${personUrl(request)}/addresses/${(request.params as PersonParams).addressId}/edit`,
    handler: async ({ request, reply, params, body }) => {
      await contacts.updateAddress(deps, actorFor(request), params.id, params.addressId, body);
      await saved(request, 'Address saved');
      return reply.redirect(`/people/${params.id}#addresses`, 303);
    },
  });

  page(app, {
    method: 'POST',
    url: '/people/:id/addresses/:addressId/current',
    subjectType: 'person',
    access: 'personal-data:read',
    audit: 'person.address.current',
    params: addressParams,
    body: versionForm,
    invalidRedirect: personUrl,
    handler: async ({ request, reply, params, body }) => {
      await contacts.markAddressCurrent(deps, actorFor(request), params.id, params.addressId, body.version);
      await saved(request, 'Current address changed');
      return reply.redirect(`/people/${params.id}#addresses`, 303);
    },
  });

  // A page each for phone numbers and email addresses (/people/:id/phones/new, /people/:id/emails/new).
  for (const [kind, body] of Object.entries(CONTACT_FORMS) as [ContactKind, (typeof CONTACT_FORMS)[ContactKind]][]) {
    page(app, {
      method: 'GET',
      url: `/people/:id/${kind}s/new`,
      subjectType: 'person',
      access: 'personal-data:read',
      audit: 'person.contact.add.view',
      personalData: true,
      params: idParams,
      handler: async ({ request, reply, params }) => {
        const person = await visiblePerson(app.db, requireUser(request), params.id);
        return renderPage(request, reply, 'people/views/person-contact-form.njk', { person: { id: person.id, version: person.version }, kind });
      },
    });

    page(app, {
      method: 'POST',
      url: `/people/:id/${kind}s`,
      subjectType: 'person',
      access: 'personal-data:read',
      audit: 'person.contact.add',
      params: idParams,
      body,
      invalidRedirect: (request) => `${personUrl(request)}/${kind}s/new`,
      handler: async ({ request, reply, params, body }) => {
        await contacts.addContact(deps, actorFor(request), params.id, kind, body);
        await saved(request, kind === 'phone' ? 'Phone number added' : 'Email address added');
        return reply.redirect(`/people/${params.id}#contacts`, 303);
      },
    });
  }

  page(app, {
    method: 'POST',
    url: '/people/:id/contacts/:contactId/remove',
    subjectType: 'person',
    access: 'personal-data:read',
    audit: 'person.contact.remove',
    params: contactParams,
    body: versionForm,
    invalidRedirect: personUrl,
    handler: async ({ request, reply, params, body }) => {
      await contacts.removeContact(deps, actorFor(request), params.id, params.contactId, body.version);
      await saved(request, 'Removed');
      return reply.redirect(`/people/${params.id}#contacts`, 303);
    },
  });

  page(app, {
    method: 'POST',
    url: '/people/:id/contacts/:contactId/safe',
    subjectType: 'person',
    access: 'personal-data:read',
    audit: 'person.contact.safe',
    params: contactParams,
    body: safeToggleForm,
    invalidRedirect: personUrl,
    handler: async ({ request, reply, params, body }) => {
      await contacts.setContactSafe(deps, actorFor(request), params.id, params.contactId, body.version, body.safe);
      await saved(request, body.safe ? 'Marked as safe to use' : 'Marked as not known to be safe');
      return reply.redirect(`/people/${params.id}#contacts`, 303);
    },
  });
}
