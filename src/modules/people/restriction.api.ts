import type { FastifyInstance } from 'fastify';
import { api } from '../../platform/routes.js';
import { idParams } from './people.api.schemas.js';
import { tokenViewer } from './people.api.token.js';
import { restrictionInput, restrictionListSchema, restrictionParams, restrictionSchema } from './restriction.api.schemas.js';
import { addRestriction, listRestrictions, removeRestriction } from './restriction.api.service.js';

/**
 * The scopes for a record's "must not see" list: reading it goes with reading the record; changing it is a power of
 * its own (restrictions:manage), weightier than keeping the record up to date, so a partner's system that updates
 * records cannot also hide them from people.
 */
const SCOPES = {
  case: { read: 'cases:read', write: 'restrictions:manage' },
  person: { read: 'people:read', write: 'restrictions:manage' },
} as const;

/** /api/v1/cases/{id}/restrictions and /api/v1/people/{id}/restrictions: the "must not see" lists of the pages. */
export function registerRestrictionApi(app: FastifyInstance): void {
  const db = app.db;

  for (const type of ['case', 'person'] as const) {
    const base = type === 'case' ? '/api/v1/cases/:id/restrictions' : '/api/v1/people/:id/restrictions';
    const record = type === 'case' ? 'case' : 'person';
    const common = { subjectType: type, personalData: true, tags: [type === 'case' ? 'Cases' : 'People'] };
    const scopes = SCOPES[type];

    api(app, {
      ...common,
      method: 'GET',
      url: base,
      scope: scopes.read,
      audit: 'restriction.list',
      summary: `Who must not see the ${record}: only the agency that owns it may read the list (403 for others)`,
      params: idParams,
      response: { status: 200, schema: restrictionListSchema, description: 'The entries in force, newest first' },
      handler: async ({ principal, params }) => listRestrictions(db, tokenViewer(principal, scopes.read), { type, id: params.id }),
    });

    api(app, {
      ...common,
      method: 'POST',
      url: base,
      scope: scopes.write,
      audit: 'restriction.add',
      summary: `Put a user (by email) or an agency on the ${record}’s “must not see” list, with the reason; the owning agency only`,
      params: idParams,
      body: restrictionInput,
      response: { status: 201, schema: restrictionSchema, description: 'The entry as added' },
      handler: async ({ request, reply, params, body }) => {
        const added = await addRestriction(db, request, scopes.write, { type, id: params.id }, body);
        reply.header('location', `${base.replace(':id', params.id)}/${added.id}`);
        return added;
      },
    });

    api(app, {
      ...common,
      method: 'DELETE',
      url: `${base}/:restrictionId`,
      scope: scopes.write,
      audit: 'restriction.remove',
      summary: `Take an entry off the ${record}’s “must not see” list (it stays on record as removed); the owning agency only`,
      params: restrictionParams,
      response: { status: 200, schema: restrictionListSchema, description: 'The entries still in force' },
      handler: async ({ request, params }) => removeRestriction(db, request, scopes.write, { type, id: params.id }, params.restrictionId),
    });
  }
}
