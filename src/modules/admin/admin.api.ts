import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { api } from '../../platform/routes.js';
import { agreementStatus } from './admin.presenter.js';
import * as repo from './admin.repository.js';

export const agencySchema = z
  .object({
    id: z.uuid(),
    code: z.string().describe('Stable agency code, e.g. POLICE'),
    name: z.string(),
    type: z.string(),
    area: z.string().nullable().describe('Area name, or null for a partnership-wide agency'),
    active: z.boolean(),
    informationSharingAgreement: z.object({
      signedOn: z.iso.date().nullable(),
      expiresOn: z.iso.date().nullable(),
      inForce: z.boolean(),
    }),
  })
  .meta({ id: 'Agency' });

export const agencyListSchema = z.object({ agencies: z.array(agencySchema) }).meta({ id: 'AgencyList' });

/** The partnership's agencies for partners' systems (read-only; bearer token with scope agencies:read). */
export function registerAdminApi(app: FastifyInstance): void {
  api(app, {
    method: 'GET',
    url: '/api/v1/agencies',
    scope: 'agencies:read',
    audit: 'api.agency.list',
    summary: 'List the partnership’s agencies',
    tags: ['Agencies'],
    response: { status: 200, schema: agencyListSchema, description: 'The agencies, ordered by name' },
    handler: async ({ principal }) => {
      const rows = await repo.listAgencies(app.db, principal.partnershipId);
      return {
        agencies: rows.map((row) => ({
          id: row.id,
          code: row.code,
          name: row.name,
          type: row.type,
          area: row.area_name,
          active: row.active,
          informationSharingAgreement: {
            signedOn: row.isa_signed_on,
            expiresOn: row.isa_expires_on,
            inForce: agreementStatus(row.isa_signed_on, row.isa_expires_on).inForce,
          },
        })),
      };
    },
  });
}
