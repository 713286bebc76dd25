import { sql, type Kysely } from 'kysely';

/**
 * A person and every record merged into them (issue 4): repeat detection and escalation counting follow merges, so
 * a referral made on a record later merged into another still counts for the person. Read-time, so undoing a
 * merge needs nothing moved back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index people_merged_into_idx on people (partnership_id, merged_into_id) where merged_into_id is not null`.execute(db);
  await sql`create function harbour_person_family(p_partnership uuid, p_person uuid) returns uuid[] language sql stable as $$
    with recursive family (id, depth) as (
      select p_person, 0
      union all
      select p.id, f.depth + 1 from people p join family f on p.partnership_id = p_partnership and p.merged_into_id = f.id
      where f.depth < 20
    )
    select array_agg(id) from family
  $$`.execute(db);
}
