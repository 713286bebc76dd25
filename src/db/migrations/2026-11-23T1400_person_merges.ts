import { sql, type Kysely } from 'kysely';

/**
 * Merging two records of one person (issue 3). The merged record stays, pointing at the survivor
 * (people.merged_into_id); its names, addresses, contacts, case memberships and "must not see" entries move to the
 * survivor. Each merge keeps exactly which rows moved, and how names were changed, so it can be undone row for row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table person_merges (
      partnership_id uuid not null references partnerships(id),
      id uuid not null default gen_random_uuid(),
      survivor_id uuid not null,
      merged_id uuid not null,
      moved jsonb not null,
      merged_by uuid,
      merged_at timestamptz not null default now(),
      reversed_at timestamptz,
      reversed_by uuid,
      primary key (partnership_id, id),
      foreign key (partnership_id, survivor_id) references people(partnership_id, id),
      foreign key (partnership_id, merged_id) references people(partnership_id, id),
      check (survivor_id <> merged_id),
      check ((reversed_at is null) = (reversed_by is null))
    )`.execute(db);
  // A record is merged into one other at a time; undone merges stay as history.
  await sql`create unique index person_merges_one_open on person_merges (partnership_id, merged_id) where reversed_at is null`.execute(db);
  await sql`create index person_merges_survivor_idx on person_merges (partnership_id, survivor_id)`.execute(db);
  // The application records and undoes merges; it never forgets one.
  await sql`revoke delete, truncate on person_merges from harbour_app`.execute(db);
}
