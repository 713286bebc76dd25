import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { personVisible, type Viewer } from './people.policy.js';

export type NameQuery = { given: string | null; family: string };

export type SearchCriteria = { name: NameQuery | null; dateOfBirth: string | null; phone: string | null; postcode: string | null };

export type PersonMatch = {
  id: string;
  given_name: string;
  family_name: string;
  matched_given: string;
  matched_family: string;
  matched_kind: string;
  date_of_birth: string | null;
  estimated_age: number | null;
  agency_name: string;
  score: number;
};

/**
 * How well a name row `n` matches: the family name by its key or its sound (double metaphone), the given name
 * by key, sound or the start of it. One word searches both given and family names.
 */
function nameScore(name: NameQuery): RawBuilder<number> {
  if (!name.given) {
    return sql<number>`(case when n.family_key = ${name.family} then 4 when n.family_metaphone = dmetaphone(${name.family}) then 2 else 0 end
      + case when n.given_key = ${name.family} then 3 when n.given_metaphone = dmetaphone(${name.family}) then 1 else 0 end)`;
  }
  return sql<number>`(case when n.family_key = ${name.family} then 4 when n.family_metaphone = dmetaphone(${name.family}) then 2 else 0 end
    + case when n.given_key = ${name.given} then 3 when starts_with(n.given_key, ${name.given}) then 2 when n.given_metaphone = dmetaphone(${name.given}) then 1 else 0 end)`;
}

/**
 * Which name rows match. Every stored metaphone is dmetaphone() of its key (person.repository.ts), so a matching key
 * implies a matching sound and the sound alone is tested; starts_with() rather than LIKE, because it is leakproof:
 * PostgreSQL may then apply it, through the (family sound, given prefix) index, before the row-level policy
 * (docs/performance.md, "People and cases at scale").
 */
function nameCondition(name: NameQuery): RawBuilder<SqlBool> {
  const family = sql<SqlBool>`n.family_metaphone = dmetaphone(${name.family})`;
  if (name.given) {
    return sql<SqlBool>`(${family} and (starts_with(n.given_key, ${name.given}) or n.given_metaphone = dmetaphone(${name.given})))`;
  }
  return sql<SqlBool>`(${family} or n.given_metaphone = dmetaphone(${name.family}))`;
}

/**
 * People the viewer may see that match every given criterion, best first. Visibility is part of the query,
 * so nothing about hidden records — not even how many there are — reaches the page. A confidential refuge
 * address is only searchable by the agency that recorded it.
 */
export async function searchPeople(db: DbOrTx, viewer: Viewer, criteria: SearchCriteria, limit = 50): Promise<PersonMatch[]> {
  const conditions: RawBuilder<SqlBool>[] = [sql<SqlBool>`${personVisible(viewer, 'p')}`];
  if (criteria.name) conditions.push(nameCondition(criteria.name));
  if (criteria.dateOfBirth) conditions.push(sql<SqlBool>`p.date_of_birth = ${criteria.dateOfBirth}::date`);
  if (criteria.phone) {
    conditions.push(
      sql<SqlBool>`exists (select 1 from person_contacts pc where pc.partnership_id = p.partnership_id and pc.person_id = p.id and pc.value_key = ${criteria.phone})`,
    );
  }
  if (criteria.postcode) {
    conditions.push(sql<SqlBool>`exists (select 1 from person_addresses pa where pa.partnership_id = p.partnership_id and pa.person_id = p.id
      and pa.postcode_key = ${criteria.postcode} and (not pa.confidential_refuge or pa.recorded_by_agency_id = ${viewer.agencyId}))`);
  }
  const score = criteria.name ? nameScore(criteria.name) : sql<number>`0::int`; // a bare 0 in ORDER BY would mean "column 0"
  const result = await sql<PersonMatch>`
    select distinct on (p.id)
      p.id, primary_name.given_name, primary_name.family_name,
      n.given_name as matched_given, n.family_name as matched_family, n.kind as matched_kind,
      p.date_of_birth::text as date_of_birth, p.estimated_age, a.name as agency_name, ${score} as score
    from person_names n
    join people p on p.partnership_id = n.partnership_id and p.id = n.person_id
    join person_names primary_name on primary_name.partnership_id = p.partnership_id and primary_name.person_id = p.id and primary_name.is_primary
    join agencies a on a.partnership_id = p.partnership_id and a.id = p.owning_agency_id
    where n.partnership_id = ${viewer.partnershipId} and ${sql.join(conditions, sql` and `)}
    order by p.id, ${score} desc`.execute(db);
  return result.rows.sort((x, y) => y.score - x.score || x.family_name.localeCompare(y.family_name)).slice(0, limit);
}

export type DuplicateProbe = { given: string; family: string; dateOfBirth: string | null; phones: string[]; postcode: string | null };

export type DuplicateCandidate = PersonMatch & { reasons: string[] };

/**
 * Records the viewer may see that are probably the person being recorded: a similar name with the same or a
 * near date of birth (or none recorded), the same phone number, or a similar family name at the same postcode.
 */
export async function findDuplicateCandidates(db: DbOrTx, viewer: Viewer, probe: DuplicateProbe, limit = 10): Promise<DuplicateCandidate[]> {
  // Looser than search: first names vary most ("Siobhan"/"Shivaun"), so the same initial will do, and a family
  // name one or two letters out counts when something else (the exact date of birth, the postcode) agrees.
  const soundsAlike = sql<SqlBool>`n.family_metaphone = dmetaphone(${probe.family})`;
  const spelledAlike = sql<SqlBool>`levenshtein(n.family_key, ${probe.family}) <= 2`;
  const initial = probe.given.slice(0, 1);
  const sameInitial = sql<SqlBool>`(${initial ? sql`starts_with(n.given_key, ${initial})` : sql`n.given_key = ''`} or n.given_metaphone = dmetaphone(${probe.given}))`;
  const nearDob = probe.dateOfBirth ? sql<SqlBool>`(p.date_of_birth is null or abs(p.date_of_birth - ${probe.dateOfBirth}::date) <= 366)` : sql<SqlBool>`true`;
  const sameDob = probe.dateOfBirth ? sql<SqlBool>`p.date_of_birth = ${probe.dateOfBirth}::date` : sql<SqlBool>`false`;
  const name = sql<SqlBool>`(${sameInitial} and ((${soundsAlike} and ${nearDob}) or (${sameDob} and ${spelledAlike})))`;
  const samePhone = probe.phones.length
    ? sql<SqlBool>`exists (select 1 from person_contacts pc where pc.partnership_id = p.partnership_id and pc.person_id = p.id and pc.value_key in (${sql.join(probe.phones)}))`
    : sql<SqlBool>`false`;
  const samePostcode = probe.postcode
    ? sql<SqlBool>`exists (select 1 from person_addresses pa where pa.partnership_id = p.partnership_id and pa.person_id = p.id
        and pa.postcode_key = ${probe.postcode} and (not pa.confidential_refuge or pa.recorded_by_agency_id = ${viewer.agencyId}))`
    : sql<SqlBool>`false`;
  // The conditions above can match only these people, each set found through an index; without it no index
  // serves the OR of four tests and every name row of the partnership is read (docs/performance.md).
  const pid = viewer.partnershipId;
  const candidates = [
    sql`select n.person_id from person_names n where n.partnership_id = ${pid} and ${soundsAlike} and ${sameInitial}`,
    ...(probe.dateOfBirth ? [sql`select id from people where partnership_id = ${pid} and date_of_birth = ${probe.dateOfBirth}::date`] : []),
    ...(probe.phones.length ? [sql`select person_id from person_contacts where partnership_id = ${pid} and value_key in (${sql.join(probe.phones)})`] : []),
    ...(probe.postcode ? [sql`select person_id from person_addresses where partnership_id = ${pid} and postcode_key = ${probe.postcode}`] : []),
  ];
  const result = await sql<PersonMatch & { by_name: boolean; by_phone: boolean; by_postcode: boolean }>`
    select distinct on (p.id)
      p.id, primary_name.given_name, primary_name.family_name,
      n.given_name as matched_given, n.family_name as matched_family, n.kind as matched_kind,
      p.date_of_birth::text as date_of_birth, p.estimated_age, a.name as agency_name,
      ${nameScore({ given: probe.given, family: probe.family })} as score,
      ${name} as by_name, ${samePhone} as by_phone, (${samePostcode} and (${soundsAlike} or ${spelledAlike})) as by_postcode
    from person_names n
    join people p on p.partnership_id = n.partnership_id and p.id = n.person_id
    join person_names primary_name on primary_name.partnership_id = p.partnership_id and primary_name.person_id = p.id and primary_name.is_primary
    join agencies a on a.partnership_id = p.partnership_id and a.id = p.owning_agency_id
    where n.partnership_id = ${viewer.partnershipId} and ${personVisible(viewer, 'p')}
      and n.person_id in (${sql.join(candidates, sql` union all `)})
      and (${name} or ${samePhone} or (${samePostcode} and (${soundsAlike} or ${spelledAlike})))
    order by p.id, ${name} desc`.execute(db);
  return result.rows
    .map(({ by_name, by_phone, by_postcode, ...match }) => ({
      ...match,
      reasons: [by_name && 'similar name and date of birth', by_phone && 'same phone number', by_postcode && 'same postcode and similar family name'].filter(
        (r): r is string => Boolean(r),
      ),
    }))
    .sort((x, y) => y.reasons.length - x.reasons.length || y.score - x.score)
    .slice(0, limit);
}
