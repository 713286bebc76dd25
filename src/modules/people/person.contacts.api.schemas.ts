import { z } from 'zod';
import { idParams, text, version } from './people.api.schemas.js';

/**
 * The JSON shapes of a person's addresses and contacts in /api/v1/people/{id}. As for the person, bodies are checked
 * here for their JSON types; the rules are the address and contact forms' own (person.contacts.schemas.ts). Every
 * change moves the person's version on, so each body carries the person's version and each answer is the person.
 */

const addressFields = {
  line1: text('The first line of the address; required'),
  line2: text(),
  town: text(),
  postcode: text('A full UK postcode, like AA1 1AA'),
  current: z.boolean().optional().describe('Where they live now. Making one address current makes the others previous addresses; false ends it'),
  safe: z.boolean().optional().describe('Safe to contact them here, for example by letter: only if the person has said so'),
  confidentialRefuge: z
    .boolean()
    .optional()
    .describe(
      'A confidential refuge address: only the recording agency reads it; others see that it is held, and by whom. Only the recording agency can set or clear this (from others it is ignored)',
    ),
};

export const addressInput = z
  .object({ version, ...addressFields })
  .meta({ id: 'AddressInput', description: 'A new address, recorded by the token’s agency. Unknown fields are ignored.' });

export const addressPatch = z.object({ version, ...addressFields }).meta({
  id: 'AddressPatch',
  description: 'Changes to an address: only the fields sent change (null clears one). Addresses are not deleted: current false ends one.',
});

export type AddressBody = z.infer<typeof addressInput>;
export type AddressJson = Omit<AddressBody, 'version'>;

export const contactInput = z
  .object({
    version,
    kind: z.enum(['phone', 'email'], { error: 'kind must be phone or email' }),
    value: text('The phone number (10 to 15 digits) or email address'),
    safe: z.boolean().optional().describe('Safe to contact them this way: only if the person has said so'),
    note: text(),
  })
  .meta({ id: 'ContactInput', description: 'A new phone number or email address. Unknown fields are ignored.' });

export const contactPatch = z
  .object({ version, safe: z.boolean({ error: 'safe must be true or false' }).describe('Whether it is safe to contact them this way') })
  .meta({ id: 'ContactPatch', description: 'Marks a phone number or email address as safe to use, or not. To change one, remove it and add the new one.' });

export type ContactJson = z.infer<typeof contactInput>;

export const addressParams = idParams.extend({ addressId: z.uuid({ error: 'addressId must be a UUID' }) });
export const contactParams = idParams.extend({ contactId: z.uuid({ error: 'contactId must be a UUID' }) });
