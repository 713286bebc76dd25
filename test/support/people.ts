import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import { nameKey, phoneKey, postcodeKey } from '../../src/modules/people/name-keys.js';

export type PersonFixture = {
  agency: string;
  given: string;
  family: string;
  dob?: string;
  aliases?: { given: string; family: string; kind: 'known_as' | 'previous' | 'alternative_spelling' }[];
  phone?: string;
  postcode?: string;
  refuge?: boolean;
};

/** Inserts a person straight into the tables, as the people module stores them, for tests of reading code. */
export async function insertPerson(db: Db, partnershipId: string, person: PersonFixture): Promise<string> {
  const agency = await db.selectFrom('agencies').select('id').where('code', '=', person.agency).executeTakeFirstOrThrow();
  const { id } = await db
    .insertInto('people')
    .values({ partnership_id: partnershipId, owning_agency_id: agency.id, date_of_birth: person.dob ?? null } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const names = [
    { given: person.given, family: person.family, kind: 'legal' as const, primary: true },
    ...(person.aliases ?? []).map((a) => ({ ...a, primary: false })),
  ];
  for (const n of names) {
    await sql`insert into person_names (partnership_id, person_id, kind, given_name, family_name, is_primary, given_key, family_key, given_metaphone, family_metaphone)
      values (${partnershipId}, ${id}, ${n.kind}, ${n.given}, ${n.family}, ${n.primary}, ${nameKey(n.given)}, ${nameKey(n.family)}, dmetaphone(${nameKey(n.given)}), dmetaphone(${nameKey(n.family)}))`.execute(
      db,
    );
  }
  if (person.phone) {
    await db
      .insertInto('person_contacts')
      .values({ partnership_id: partnershipId, person_id: id, kind: 'phone', value: person.phone, value_key: phoneKey(person.phone), note: null })
      .execute();
  }
  if (person.postcode) {
    await db
      .insertInto('person_addresses')
      .values({
        partnership_id: partnershipId,
        person_id: id,
        line1: '1 Test Street',
        line2: null,
        town: null,
        postcode: person.postcode,
        postcode_key: postcodeKey(person.postcode),
        confidential_refuge: person.refuge ?? false,
        recorded_by_agency_id: agency.id,
        from_date: null,
        to_date: null,
      })
      .execute();
  }
  return id;
}

/** A case owned by one agency holding the given people, optionally shared with other agencies. */
export async function insertCase(
  db: Db,
  partnershipId: string,
  owner: string,
  people: { id: string; role: 'victim' | 'perpetrator' | 'child' }[],
  sharedWith: string[] = [],
): Promise<string> {
  const agencies = await db.selectFrom('agencies').select(['id', 'code']).execute();
  const agencyId = (code: string) => agencies.find((a) => a.code === code)!.id;
  const { id } = await db
    .insertInto('cases')
    .values({
      partnership_id: partnershipId,
      reference: `TEST-${Math.random().toString(36).slice(2, 10)}`,
      owning_agency_id: agencyId(owner),
      opened_on: '2026-01-05',
      closed_on: null,
      created_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const p of people)
    await db
      .insertInto('case_people')
      .values({ partnership_id: partnershipId, case_id: id, person_id: p.id, role: p.role, relationship: null, lives_with: null })
      .execute();
  for (const code of sharedWith)
    await db
      .insertInto('case_agencies')
      .values({ partnership_id: partnershipId, case_id: id, agency_id: agencyId(code), added_by: null })
      .execute();
  return id;
}
