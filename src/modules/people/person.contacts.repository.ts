import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { emailKey, phoneKey, postcodeKey } from './name-keys.js';

/** A person's addresses, phone numbers and email addresses. Callers check the person is visible first. */

export type NewAddress = {
  line1: string;
  line2: string | null;
  town: string | null;
  postcode: string | null;
  isCurrent: boolean;
  isSafe: boolean;
  confidentialRefuge: boolean;
};

function addressColumns(a: NewAddress) {
  return {
    line1: a.line1,
    line2: a.line2,
    town: a.town,
    postcode: a.postcode,
    postcode_key: a.postcode ? postcodeKey(a.postcode) : null,
    is_current: a.isCurrent,
    is_safe: a.isSafe,
    confidential_refuge: a.confidentialRefuge,
  };
}

/** Current first; the recording agency's name is what others see of a confidential refuge address. */
export function listAddresses(db: DbOrTx, partnershipId: string, personId: string) {
  return db
    .selectFrom('person_addresses as ad')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'ad.partnership_id').onRef('a.id', '=', 'ad.recorded_by_agency_id'))
    .select([
      'ad.id',
      'ad.line1',
      'ad.line2',
      'ad.town',
      'ad.postcode',
      'ad.is_current',
      'ad.is_safe',
      'ad.confidential_refuge',
      'ad.recorded_by_agency_id',
      'a.name as recorded_by_agency_name',
    ])
    .where('ad.partnership_id', '=', partnershipId)
    .where('ad.person_id', '=', personId)
    .orderBy('ad.is_current', 'desc')
    .orderBy('ad.line1')
    .orderBy('ad.id')
    .execute();
}

export type AddressRow = Awaited<ReturnType<typeof listAddresses>>[number];

export function findAddress(db: DbOrTx, partnershipId: string, personId: string, addressId: string) {
  return db
    .selectFrom('person_addresses')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .where('id', '=', addressId)
    .executeTakeFirst();
}

export async function insertAddress(db: DbOrTx, partnershipId: string, personId: string, recordedByAgencyId: string, address: NewAddress): Promise<string> {
  const { id } = await db
    .insertInto('person_addresses')
    .values({ partnership_id: partnershipId, person_id: personId, recorded_by_agency_id: recordedByAgencyId, ...addressColumns(address) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function updateAddress(db: DbOrTx, partnershipId: string, personId: string, addressId: string, address: NewAddress): Promise<void> {
  await db
    .updateTable('person_addresses')
    .set(addressColumns(address))
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .where('id', '=', addressId)
    .execute();
}

/** One current address at a time: making one current makes the others previous addresses. */
export async function makeOnlyCurrent(db: DbOrTx, partnershipId: string, personId: string, addressId: string): Promise<void> {
  await db
    .updateTable('person_addresses')
    .set({ is_current: sql<boolean>`id = ${addressId}` })
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .where((eb) => eb.or([eb('id', '=', addressId), eb('is_current', '=', true)]))
    .execute();
}

export function listContacts(db: DbOrTx, partnershipId: string, personId: string) {
  return db
    .selectFrom('person_contacts')
    .select(['id', 'kind', 'value', 'is_safe', 'note'])
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .orderBy('kind', 'desc')
    .orderBy('is_safe', 'desc')
    .orderBy('value')
    .execute();
}

export type ContactRow = Awaited<ReturnType<typeof listContacts>>[number];

export async function insertContact(
  db: DbOrTx,
  partnershipId: string,
  personId: string,
  contact: { kind: 'phone' | 'email'; value: string; safe: boolean; note: string | null },
): Promise<string> {
  const { id } = await db
    .insertInto('person_contacts')
    .values({
      partnership_id: partnershipId,
      person_id: personId,
      kind: contact.kind,
      value: contact.value,
      value_key: contact.kind === 'phone' ? phoneKey(contact.value) : emailKey(contact.value),
      is_safe: contact.safe,
      note: contact.note,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function deleteContact(db: DbOrTx, partnershipId: string, personId: string, contactId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('person_contacts')
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .where('id', '=', contactId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function setContactSafe(db: DbOrTx, partnershipId: string, personId: string, contactId: string, safe: boolean): Promise<boolean> {
  const result = await db
    .updateTable('person_contacts')
    .set({ is_safe: safe })
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .where('id', '=', contactId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
