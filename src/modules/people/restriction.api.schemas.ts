import { z } from 'zod';
import { idParams, text } from './people.api.schemas.js';

/**
 * The JSON shapes of a case's or person's "must not see" list. The body is checked here for its JSON types; the
 * rules are the page form's own (restriction.schemas.ts): one user by email or one agency, and a reason.
 */

export const restrictionInput = z
  .object({
    blockedEmail: text('The email address of a Harbour user who must not see the record'),
    blockedAgencyId: text('An agency none of whose staff or tokens may see the record; not the token’s own').meta({ format: 'uuid' }),
    reason: text('Why they must not see it: required, so the list can be reviewed and defended (up to 2,000 characters)'),
  })
  .meta({ id: 'RestrictionInput', description: 'Who must not see the record, blockedEmail or blockedAgencyId (not both), and why' });

export type RestrictionJson = z.infer<typeof restrictionInput>;

export const restrictionSchema = z
  .object({
    id: z.uuid(),
    blockedUser: z.object({ name: z.string(), email: z.string(), agencyName: z.string() }).nullable().describe('The user blocked, if one is'),
    blockedAgency: z.object({ name: z.string() }).nullable().describe('The agency blocked, if one is'),
    reason: z.string(),
    addedBy: z.string().nullable().describe('The user who added the entry; null when it came through the API (the audit log names the token)'),
    addedAt: z.iso.datetime(),
  })
  .meta({ id: 'Restriction' });

export type RestrictionOut = z.infer<typeof restrictionSchema>;

export const restrictionListSchema = z
  .object({ restrictions: z.array(restrictionSchema).describe('The entries in force, newest first') })
  .meta({ id: 'RestrictionList' });

export const restrictionParams = idParams.extend({ restrictionId: z.uuid({ error: 'restrictionId must be a UUID' }) });
