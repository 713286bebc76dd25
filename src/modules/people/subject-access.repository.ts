import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';

/** Everything held about one person, read for a subject access request. SQL only; redaction is the service's job. */
export function findPerson(db: DbOrTx, partnershipId: string, personId: string) {
  return db
    .selectFrom('people as p')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'p.partnership_id').onRef('a.id', '=', 'p.owning_agency_id'))
    .selectAll('p')
    .select('a.name as agency_name')
    .where('p.partnership_id', '=', partnershipId)
    .where('p.id', '=', personId)
    .where('p.merged_into_id', 'is', null)
    .executeTakeFirst();
}

export function isBlocked(db: DbOrTx, partnershipId: string, subjectType: 'case' | 'person', subjectId: string, userId: string, agencyId: string) {
  return db
    .selectFrom('restrictions')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .where('removed_at', 'is', null)
    .where((eb) => eb.or([eb('blocked_user_id', '=', userId), eb('blocked_agency_id', '=', agencyId)]))
    .executeTakeFirst();
}

export function names(db: DbOrTx, partnershipId: string, personId: string) {
  return db
    .selectFrom('person_names')
    .select(['kind', 'given_name', 'family_name', 'is_primary'])
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .orderBy('is_primary', 'desc')
    .execute();
}

export function addresses(db: DbOrTx, partnershipId: string, personId: string) {
  return db
    .selectFrom('person_addresses as pa')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'pa.partnership_id').onRef('a.id', '=', 'pa.recorded_by_agency_id'))
    .select([
      'pa.line1',
      'pa.line2',
      'pa.town',
      'pa.postcode',
      'pa.is_current',
      'pa.is_safe',
      'pa.confidential_refuge',
      'pa.from_date',
      'pa.to_date',
      'a.name as agency_name',
    ])
    .where('pa.partnership_id', '=', partnershipId)
    .where('pa.person_id', '=', personId)
    .execute();
}

export function contacts(db: DbOrTx, partnershipId: string, personId: string) {
  return db
    .selectFrom('person_contacts')
    .select(['kind', 'value', 'is_safe', 'note'])
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .execute();
}

/** How many cases the person is in, visible or not. */
export async function caseCount(db: DbOrTx, partnershipId: string, personId: string): Promise<number> {
  const row = await db
    .selectFrom('case_people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** The cases the person is in, with everyone else in them by role only. */
export function cases(db: DbOrTx, partnershipId: string, personId: string) {
  return sql<{
    id: string;
    reference: string;
    status: string;
    flags: string[];
    opened_on: string;
    closed_on: string | null;
    agency_name: string;
    role: string;
    relationship: string | null;
    others: { role: string }[];
  }>`
    select c.id, c.reference, c.status, c.flags, c.opened_on::text, c.closed_on::text, a.name as agency_name, me.role, me.relationship,
      coalesce((select json_agg(json_build_object('role', o.role) order by o.role) from case_people o
                where o.partnership_id = c.partnership_id and o.case_id = c.id and o.person_id <> me.person_id), '[]') as others
    from case_people me
    join cases c on c.partnership_id = me.partnership_id and c.id = me.case_id
    join agencies a on a.partnership_id = c.partnership_id and a.id = c.owning_agency_id
    where me.partnership_id = ${partnershipId} and me.person_id = ${personId}
    order by c.opened_on`
    .execute(db)
    .then((r) => r.rows);
}

/** Who has looked at or changed the record: agencies and dates, not the staff (third parties). */
export function accessLog(db: DbOrTx, partnershipId: string, personId: string) {
  return db
    .selectFrom('audit_events as e')
    .leftJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'e.partnership_id').onRef('a.id', '=', 'e.agency_id'))
    .select(['e.occurred_at', 'e.action', 'a.name as agency_name'])
    .where('e.partnership_id', '=', partnershipId)
    .where('e.subject_type', '=', 'person')
    .where('e.subject_id', '=', personId)
    .where('e.outcome', '=', 'success')
    .orderBy('e.seq')
    .execute();
}
