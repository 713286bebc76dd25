import { sql, type Kysely } from 'kysely';

/**
 * Row-level security from access tables (ADR 0003, revised). The first policies called SQL functions per row to
 * follow a case's sharing and a person's cases; the planner cannot see inside them, and a list of 30 people on the
 * demo data took over a second. Now who may see what is kept, when it changes, in two tables the policies read with
 * plain indexed EXISTS, which the planner joins like any other table:
 *
 * - case_access (case, agency): the owning agency and every agency the case is shared with;
 * - person_access (person, agency, via case): the agency that recorded the person (via the nil case), and every
 *   agency with access to a case the person is in (via that case, so a "must not see" entry on the case hides it).
 *
 * Triggers (SECURITY DEFINER: the application can read these tables but not write them) keep both exact on every
 * change to cases, case_agencies, case_people and people. They hold ids only: which agencies work which record.
 */
const NIL = '00000000-0000-0000-0000-000000000000';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table case_access (
      partnership_id uuid not null,
      case_id uuid not null,
      agency_id uuid not null,
      primary key (partnership_id, agency_id, case_id),
      foreign key (partnership_id, case_id) references cases(partnership_id, id) on delete cascade
    )`.execute(db);
  await sql`create index case_access_case_idx on case_access (partnership_id, case_id)`.execute(db);
  await sql`
    create table person_access (
      partnership_id uuid not null,
      person_id uuid not null,
      agency_id uuid not null,
      via_case_id uuid not null,
      primary key (partnership_id, agency_id, person_id, via_case_id),
      foreign key (partnership_id, person_id) references people(partnership_id, id) on delete cascade
    )`.execute(db);
  await sql`create index person_access_case_idx on person_access (partnership_id, via_case_id)`.execute(db);
  await sql`revoke insert, update, delete, truncate on case_access, person_access from harbour_app`.execute(db);

  const definer = sql.raw('language plpgsql security definer set search_path = pg_catalog, public');
  // Everything about one case's access, worked out again from the source tables.
  await sql`create function harbour_refresh_case_access(p_partnership uuid, p_case uuid) returns void ${definer} as $$
    begin
      delete from case_access where partnership_id = p_partnership and case_id = p_case;
      insert into case_access (partnership_id, case_id, agency_id)
        select c.partnership_id, c.id, c.owning_agency_id from cases c where c.partnership_id = p_partnership and c.id = p_case
        union
        select ca.partnership_id, ca.case_id, ca.agency_id from case_agencies ca where ca.partnership_id = p_partnership and ca.case_id = p_case;
      delete from person_access where partnership_id = p_partnership and via_case_id = p_case;
      insert into person_access (partnership_id, person_id, agency_id, via_case_id)
        select cp.partnership_id, cp.person_id, a.agency_id, cp.case_id
        from case_people cp join case_access a on a.partnership_id = cp.partnership_id and a.case_id = cp.case_id
        where cp.partnership_id = p_partnership and cp.case_id = p_case
        on conflict do nothing;
    end $$`.execute(db);
  await sql`create function harbour_case_access_trigger() returns trigger ${definer} as $$
    begin
      if tg_table_name = 'cases' then
        perform harbour_refresh_case_access(new.partnership_id, new.id);
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then perform harbour_refresh_case_access(old.partnership_id, old.case_id); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform harbour_refresh_case_access(new.partnership_id, new.case_id); end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger cases_access after insert or update of owning_agency_id on cases for each row execute function harbour_case_access_trigger()`.execute(
    db,
  );
  for (const table of ['case_agencies', 'case_people']) {
    await sql`create trigger ${sql.raw(`${table}_access`)} after insert or update or delete on ${sql.table(table)} for each row execute function harbour_case_access_trigger()`.execute(
      db,
    );
  }
  await sql`create function harbour_person_owner_access_trigger() returns trigger ${definer} as $$
    begin
      delete from person_access where partnership_id = new.partnership_id and person_id = new.id and via_case_id = ${sql.lit(NIL)}::uuid;
      insert into person_access (partnership_id, person_id, agency_id, via_case_id) values (new.partnership_id, new.id, new.owning_agency_id, ${sql.lit(NIL)}::uuid);
      return null;
    end $$`.execute(db);
  await sql`create trigger people_access after insert or update of owning_agency_id on people for each row execute function harbour_person_owner_access_trigger()`.execute(
    db,
  );

  // The tables as they are now (and what a bulk load that bypassed the triggers would call).
  await sql`create function harbour_rebuild_access() returns void ${definer} as $$
    begin
      truncate case_access, person_access;
      insert into case_access (partnership_id, case_id, agency_id)
        select partnership_id, id, owning_agency_id from cases
        union select partnership_id, case_id, agency_id from case_agencies;
      insert into person_access (partnership_id, person_id, agency_id, via_case_id)
        select partnership_id, id, owning_agency_id, ${sql.lit(NIL)}::uuid from people
        union
        select cp.partnership_id, cp.person_id, a.agency_id, cp.case_id
        from case_people cp join case_access a on a.partnership_id = cp.partnership_id and a.case_id = cp.case_id;
    end $$`.execute(db);
  await sql`select harbour_rebuild_access()`.execute(db);

  // The policies: the access model (DESIGN.md) as inline, indexed EXISTS over the access tables.
  // Whether a "must not see" entry blocks the viewer from a record: one indexed lookup, read past the restrictions
  // table's own policy (a definer function), so the policies below stay small and never recurse through it.
  await sql`create function harbour_blocked(p_type text, p_id uuid) returns boolean language sql stable security definer
    set search_path = pg_catalog, public as $$
      select exists (select 1 from restrictions r where r.partnership_id = harbour_viewer_partnership() and r.subject_type = p_type
        and r.subject_id = p_id and r.removed_at is null and (r.blocked_user_id = harbour_viewer_user() or r.blocked_agency_id = harbour_viewer_agency()))
    $$`.execute(db);
  const blocked = (type: string, id: string) => `harbour_blocked('${type}', ${id})`;
  const rule = (table: string, type: 'case' | 'person', agencyCheck: string) => `case harbour_viewer_kind()
      when 'system' then true
      when 'partnership' then ${table}.partnership_id = harbour_viewer_partnership() and not ${blocked(type, `${table}.id`)}
      when 'agency' then ${table}.partnership_id = harbour_viewer_partnership() and ${agencyCheck} and not ${blocked(type, `${table}.id`)}
      else false end`;
  // The owning agency is checked first: it is cheap, and a new row's access rows are written only after it.
  const caseRule = rule(
    'cases',
    'case',
    `(cases.owning_agency_id = harbour_viewer_agency() or exists (select 1 from case_access a where a.partnership_id = cases.partnership_id and a.agency_id = harbour_viewer_agency() and a.case_id = cases.id))`,
  );
  const personRule = rule(
    'people',
    'person',
    `(people.owning_agency_id = harbour_viewer_agency() or exists (select 1 from person_access a where a.partnership_id = people.partnership_id
      and a.agency_id = harbour_viewer_agency() and a.person_id = people.id and a.via_case_id <> '${NIL}' and not ${blocked('case', 'a.via_case_id')}))`,
  );
  const throughCase = (table: string) => `exists (select 1 from cases c where c.partnership_id = ${table}.partnership_id and c.id = ${table}.case_id)`;
  const throughPerson = (table: string) => `exists (select 1 from people p where p.partnership_id = ${table}.partnership_id and p.id = ${table}.person_id)`;
  // An entry is seen by whoever it blocks and with its subject (read through the access tables, never through the
  // policies that read this table, so no policy recurses).
  const restrictionRule = `harbour_viewer_kind() = 'system'
    or (restrictions.partnership_id = harbour_viewer_partnership() and (
      restrictions.blocked_user_id = harbour_viewer_user() or restrictions.blocked_agency_id = harbour_viewer_agency()
      or harbour_viewer_kind() = 'partnership'
      or (restrictions.subject_type = 'case' and exists (select 1 from case_access a where a.partnership_id = restrictions.partnership_id
            and a.agency_id = harbour_viewer_agency() and a.case_id = restrictions.subject_id))
      or (restrictions.subject_type = 'person' and exists (select 1 from person_access a where a.partnership_id = restrictions.partnership_id
            and a.agency_id = harbour_viewer_agency() and a.person_id = restrictions.subject_id))))`;

  const policies: [string, string][] = [
    ['cases', caseRule],
    ['people', personRule],
    ['restrictions', restrictionRule],
    ...['case_people', 'case_agencies', 'incidents', 'referrals', 'risk_assessments'].map((t): [string, string] => [t, throughCase(t)]),
    ...['person_names', 'person_addresses', 'person_contacts'].map((t): [string, string] => [t, throughPerson(t)]),
  ];
  for (const [table, using] of policies) {
    await sql`drop policy viewer_access on ${sql.table(table)}`.execute(db);
    await sql`create policy viewer_access on ${sql.table(table)} to harbour_app using (${sql.raw(using)}) with check (${sql.raw(using)})`.execute(db);
  }
  for (const signature of [
    'harbour_may_see_case(uuid, uuid)',
    'harbour_may_see_person(uuid, uuid)',
    'harbour_person_rule(uuid, uuid, uuid)',
    'harbour_person_in_visible_case(uuid, uuid)',
    'harbour_case_rule(uuid, uuid, uuid)',
    'harbour_case_shared(uuid, uuid)',
    'harbour_restricted(uuid, text, uuid)',
  ]) {
    await sql`drop function ${sql.raw(signature)}`.execute(db);
  }
}
