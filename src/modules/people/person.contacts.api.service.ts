import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/database.js';
import type { PersonOut } from './people.api.schemas.js';
import { parseForm, type FormFields } from './people.api.forms.js';
import { readPerson } from './people.api.service.js';
import { tokenActor } from './people.api.token.js';
import type { AddressJson, AddressBody, ContactJson } from './person.contacts.api.schemas.js';
import { addressForm, CONTACT_FORMS } from './person.contacts.schemas.js';
import * as contacts from './person.contacts.service.js';

/**
 * A person's addresses and contacts for API tokens, through the person pages' forms and services: the same rules,
 * the same confidential refuge addresses, the same audit events (person.address.add, person.contact.remove, …).
 * Each change answers with the person as it now is, since the next change needs their new version.
 */

type Deps = { db: Db };
const SCOPE = 'people:write';

/** The address form's fields: its three checkboxes are the JSON's three booleans. */
function addressFields(json: AddressJson, version: number): FormFields {
  const flags = [json.current && 'current', json.safe && 'safe', json.confidentialRefuge && 'refuge'].filter(Boolean);
  return { line1: json.line1, line2: json.line2, town: json.town, postcode: json.postcode, flags, version: String(version) };
}

/** The form's field names are the JSON's, but for its checkboxes. */
const addressJsonField = (field: string) => (field === 'flags' ? 'current' : field);

export async function addAddress(deps: Deps, request: FastifyRequest, personId: string, json: AddressBody): Promise<{ id: string; person: PersonOut }> {
  const { version, ...address } = json;
  const form = parseForm(addressForm, addressFields(address, version), addressJsonField);
  const actor = tokenActor(request, SCOPE);
  const id = await contacts.addAddress(deps, actor, personId, form);
  return { id, person: await readPerson(deps, actor.principal, personId) };
}

/** Only the fields sent change, laid over the address as stored; one the token's agency may not read is not found. */
export async function updateAddress(deps: Deps, request: FastifyRequest, personId: string, addressId: string, patch: AddressBody): Promise<PersonOut> {
  const actor = tokenActor(request, SCOPE);
  const { address } = await contacts.addressForEdit(deps, actor.principal, personId, addressId);
  const { version, ...changes } = patch;
  const stored: AddressJson = {
    line1: address.line1,
    line2: address.line2,
    town: address.town,
    postcode: address.postcode,
    current: address.is_current,
    safe: address.is_safe,
    confidentialRefuge: address.confidential_refuge,
  };
  const form = parseForm(addressForm, addressFields({ ...stored, ...changes }, version), addressJsonField);
  await contacts.updateAddress(deps, actor, personId, addressId, form);
  return readPerson(deps, actor.principal, personId);
}

export async function addContact(deps: Deps, request: FastifyRequest, personId: string, json: ContactJson): Promise<{ id: string; person: PersonOut }> {
  const fields = { value: json.value, safe: json.safe ? 'yes' : '', note: json.note, version: String(json.version) };
  const form = parseForm(CONTACT_FORMS[json.kind], fields, (field) => field);
  const actor = tokenActor(request, SCOPE);
  const id = await contacts.addContact(deps, actor, personId, json.kind, form);
  return { id, person: await readPerson(deps, actor.principal, personId) };
}

export async function setContactSafe(deps: Deps, request: FastifyRequest, personId: string, contactId: string, version: number, safe: boolean) {
  const actor = tokenActor(request, SCOPE);
  await contacts.setContactSafe(deps, actor, personId, contactId, version, safe);
  return readPerson(deps, actor.principal, personId);
}

export async function removeContact(deps: Deps, request: FastifyRequest, personId: string, contactId: string, version: number) {
  const actor = tokenActor(request, SCOPE);
  await contacts.removeContact(deps, actor, personId, contactId, version);
  return readPerson(deps, actor.principal, personId);
}
