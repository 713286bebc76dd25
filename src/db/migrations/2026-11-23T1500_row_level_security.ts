import { sql, type Kysely } from 'kysely';

/**
 * Row-level security: the second wall around people and cases (issue 3, ADR 0003). The repositories already
 * filter every query by the access model (src/modules/people/people.policy.ts); these policies apply the same
 * rule inside PostgreSQL to the application's role, from the viewer settings Harbour gives each connection
 * (src/db/viewer.ts). A connection with no settings sees nothing.
 *
 * The rule's lookups across tables (shared with an agency, "must not see", a person's cases) run in SECURITY
 * DEFINER functions owned by the schema owner, which row-level security does not apply to; so one table's policy
 * never recurses into another's. The per-row checks a policy makes first (partnership, owning agency) stay inline,
 * so the planner can still use indexes and most rows never call a function.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const setting = (name: string) => sql.raw(`nullif(current_setting('harbour.${name}', true), '')`);
  await sql`create function harbour_viewer_kind() returns text language sql stable parallel safe
    as $$ select coalesce(${setting('viewer_kind')}, 'none') $$`.execute(db);
  for (const name of ['partnership', 'agency', 'user']) {
    await sql`create function ${sql.raw(`harbour_viewer_${name}`)}() returns uuid language sql stable parallel safe
      as $$ select ${setting(`viewer_${name}_id`)}::uuid $$`.execute(db);
  }

  const definer = sql.raw('language sql stable security definer set search_path = pg_catalog, public');
  await sql`create function harbour_restricted(p_partnership uuid, p_type text, p_subject uuid) returns boolean ${definer} as $$
    select exists (select 1 from restrictions r
      where r.partnership_id = p_partnership and r.subject_type = p_type and r.subject_id = p_subject and r.removed_at is null
        and (r.blocked_user_id = harbour_viewer_user() or r.blocked_agency_id = harbour_viewer_agency()))
  $$`.execute(db);
  await sql`create function harbour_case_shared(p_partnership uuid, p_case uuid) returns boolean ${definer} as $$
    select exists (select 1 from case_agencies ca
      where ca.partnership_id = p_partnership and ca.case_id = p_case and ca.agency_id = harbour_viewer_agency())
  $$`.execute(db);

  // The access model for one case and one person row, inlined into the policies: a person is also seen through a case.
  const rule = (subject: 'case' | 'person', reachable: string) => sql`
    create function ${sql.raw(`harbour_${subject}_rule`)}(p_partnership uuid, p_id uuid, p_owner uuid) returns boolean language sql stable as $$
      select case harbour_viewer_kind()
        when 'system' then true
        when 'partnership' then p_partnership = harbour_viewer_partnership() and not harbour_restricted(p_partnership, ${sql.lit(subject)}, p_id)
        when 'agency' then p_partnership = harbour_viewer_partnership()
          and (p_owner = harbour_viewer_agency() or ${sql.raw(reachable)}(p_partnership, p_id))
          and not harbour_restricted(p_partnership, ${sql.lit(subject)}, p_id)
        else false end
    $$`;
  await rule('case', 'harbour_case_shared').execute(db);
  await sql`create function harbour_person_in_visible_case(p_partnership uuid, p_person uuid) returns boolean ${definer} as $$
    select exists (select 1 from case_people cp join cases c on c.partnership_id = cp.partnership_id and c.id = cp.case_id
      where cp.partnership_id = p_partnership and cp.person_id = p_person and harbour_case_rule(c.partnership_id, c.id, c.owning_agency_id))
  $$`.execute(db);
  await rule('person', 'harbour_person_in_visible_case').execute(db);

  // The same rules for rows that belong to a case or a person, looked up by id.
  await sql`create function harbour_may_see_case(p_partnership uuid, p_case uuid) returns boolean ${definer} as $$
    select exists (select 1 from cases c where c.partnership_id = p_partnership and c.id = p_case
      and harbour_case_rule(c.partnership_id, c.id, c.owning_agency_id))
  $$`.execute(db);
  await sql`create function harbour_may_see_person(p_partnership uuid, p_person uuid) returns boolean ${definer} as $$
    select exists (select 1 from people p where p.partnership_id = p_partnership and p.id = p_person
      and harbour_person_rule(p.partnership_id, p.id, p.owning_agency_id))
  $$`.execute(db);

  const policies: [table: string, rule: string][] = [
    ['cases', 'harbour_case_rule(partnership_id, id, owning_agency_id)'],
    ['case_people', 'harbour_may_see_case(partnership_id, case_id)'],
    ['case_agencies', 'harbour_may_see_case(partnership_id, case_id)'],
    ['people', 'harbour_person_rule(partnership_id, id, owning_agency_id)'],
    ['person_names', 'harbour_may_see_person(partnership_id, person_id)'],
    ['person_addresses', 'harbour_may_see_person(partnership_id, person_id)'],
    ['person_contacts', 'harbour_may_see_person(partnership_id, person_id)'],
    // An entry is seen with its subject, and by whoever it blocks, so the repositories' own "must not see" check
    // keeps working as the first wall.
    [
      'restrictions',
      `(blocked_user_id = harbour_viewer_user() or blocked_agency_id = harbour_viewer_agency())
        or (subject_type = 'case' and harbour_may_see_case(partnership_id, subject_id))
        or (subject_type = 'person' and harbour_may_see_person(partnership_id, subject_id))`,
    ],
  ];
  for (const [table, rule] of policies) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`create policy viewer_access on ${sql.table(table)} to harbour_app using (${sql.raw(rule)}) with check (${sql.raw(rule)})`.execute(db);
  }
}
