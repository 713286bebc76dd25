import { sql, type Kysely } from 'kysely';

/**
 * People and cases (issue 3). Names, addresses and contacts are child rows so a person can have several;
 * equality characteristics are coded values (never free text) for equality monitoring; every change to a person
 * or case keeps the previous row in record_history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Phonetic matching for spelling-tolerant search (trusted extension; in PostgreSQL's contrib on every platform).
  await sql`create extension if not exists fuzzystrmatch`.execute(db);

  await sql`
    create table people (
      partnership_id uuid not null references partnerships(id),
      id uuid not null default gen_random_uuid(),
      owning_agency_id uuid not null,
      date_of_birth date,
      estimated_age smallint check (estimated_age between 0 and 120),
      estimated_age_on date,
      gender text,
      sex text,
      gender_identity text,
      ethnicity text,
      disability text,
      disability_types text[] not null default '{}',
      religion text,
      sexual_orientation text,
      pregnancy text,
      marital_status text,
      immigration_status text,
      nrpf text,
      preferred_language text,
      interpreter_needed boolean not null default false,
      gp_practice text,
      voicemail_allowed text not null default 'not_known' check (voicemail_allowed in ('yes', 'no', 'not_known')),
      safe_times text,
      do_not_write_home boolean not null default false,
      code_word text,
      merged_into_id uuid,
      merged_at timestamptz,
      version integer not null default 1,
      created_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      foreign key (partnership_id, owning_agency_id) references agencies(partnership_id, id),
      check (date_of_birth is null or date_of_birth >= date '1900-01-01'),
      check (estimated_age is null or estimated_age_on is not null)
    )`.execute(db);
  await sql`create index people_dob_idx on people (partnership_id, date_of_birth)`.execute(db);

  await sql`
    create table person_names (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      person_id uuid not null,
      kind text not null check (kind in ('legal', 'known_as', 'previous', 'alternative_spelling')),
      given_name text not null,
      family_name text not null,
      is_primary boolean not null default false,
      given_key text not null,
      family_key text not null,
      family_metaphone text not null,
      given_metaphone text not null,
      primary key (partnership_id, id),
      foreign key (partnership_id, person_id) references people(partnership_id, id) on delete cascade
    )`.execute(db);
  await sql`create unique index person_names_one_primary on person_names (partnership_id, person_id) where is_primary`.execute(db);
  await sql`create index person_names_family_metaphone_idx on person_names (partnership_id, family_metaphone)`.execute(db);
  await sql`create index person_names_family_key_idx on person_names (partnership_id, family_key)`.execute(db);
  await sql`create index person_names_person_idx on person_names (partnership_id, person_id)`.execute(db);

  await sql`
    create table person_addresses (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      person_id uuid not null,
      line1 text not null,
      line2 text,
      town text,
      postcode text,
      postcode_key text,
      is_current boolean not null default true,
      is_safe boolean not null default false,
      confidential_refuge boolean not null default false,
      recorded_by_agency_id uuid not null,
      from_date date,
      to_date date,
      primary key (partnership_id, id),
      foreign key (partnership_id, person_id) references people(partnership_id, id) on delete cascade
    )`.execute(db);
  await sql`create index person_addresses_postcode_idx on person_addresses (partnership_id, postcode_key)`.execute(db);
  await sql`create index person_addresses_person_idx on person_addresses (partnership_id, person_id)`.execute(db);

  await sql`
    create table person_contacts (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      person_id uuid not null,
      kind text not null check (kind in ('phone', 'email')),
      value text not null,
      value_key text not null,
      is_safe boolean not null default false,
      note text,
      primary key (partnership_id, id),
      foreign key (partnership_id, person_id) references people(partnership_id, id) on delete cascade
    )`.execute(db);
  await sql`create index person_contacts_value_idx on person_contacts (partnership_id, value_key)`.execute(db);
  await sql`create index person_contacts_person_idx on person_contacts (partnership_id, person_id)`.execute(db);

  await sql`create sequence case_reference_seq`.execute(db);
  await sql`
    create table cases (
      partnership_id uuid not null references partnerships(id),
      id uuid not null default gen_random_uuid(),
      reference text not null,
      owning_agency_id uuid not null,
      status text not null default 'open' check (status in ('open', 'closed')),
      flags text[] not null default '{}',
      opened_on date not null,
      closed_on date,
      version integer not null default 1,
      created_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      unique (partnership_id, reference),
      foreign key (partnership_id, owning_agency_id) references agencies(partnership_id, id)
    )`.execute(db);

  await sql`
    create table case_people (
      partnership_id uuid not null,
      case_id uuid not null,
      person_id uuid not null,
      role text not null check (role in ('victim', 'perpetrator', 'child', 'household_member')),
      relationship text,
      lives_with text,
      added_at timestamptz not null default now(),
      primary key (partnership_id, case_id, person_id),
      foreign key (partnership_id, case_id) references cases(partnership_id, id) on delete cascade,
      foreign key (partnership_id, person_id) references people(partnership_id, id)
    )`.execute(db);
  await sql`create unique index case_people_one_victim on case_people (partnership_id, case_id) where role = 'victim'`.execute(db);
  await sql`create index case_people_person_idx on case_people (partnership_id, person_id)`.execute(db);

  await sql`
    create table case_agencies (
      partnership_id uuid not null,
      case_id uuid not null,
      agency_id uuid not null,
      added_by uuid,
      added_at timestamptz not null default now(),
      primary key (partnership_id, case_id, agency_id),
      foreign key (partnership_id, case_id) references cases(partnership_id, id) on delete cascade,
      foreign key (partnership_id, agency_id) references agencies(partnership_id, id)
    )`.execute(db);
  await sql`create index case_agencies_agency_idx on case_agencies (partnership_id, agency_id)`.execute(db);

  // "Must not see": a named user, or every user of a named agency, is blocked from a case or a person everywhere.
  await sql`
    create table restrictions (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      subject_type text not null check (subject_type in ('case', 'person')),
      subject_id uuid not null,
      blocked_user_id uuid,
      blocked_agency_id uuid,
      reason text not null check (length(reason) between 1 and 2000),
      created_by uuid,
      created_at timestamptz not null default now(),
      removed_at timestamptz,
      removed_by uuid,
      primary key (partnership_id, id),
      check ((blocked_user_id is null) <> (blocked_agency_id is null))
    )`.execute(db);
  await sql`create index restrictions_subject_idx on restrictions (partnership_id, subject_id) where removed_at is null`.execute(db);

  // Every update or delete of a person, case or their parts keeps the row as it was.
  await sql`
    create table record_history (
      partnership_id uuid not null,
      id bigint generated always as identity,
      table_name text not null,
      record_id uuid not null,
      operation text not null,
      changed_at timestamptz not null default now(),
      changed_by uuid,
      old_row jsonb not null,
      primary key (partnership_id, id)
    )`.execute(db);
  await sql`create index record_history_record_idx on record_history (partnership_id, record_id, changed_at desc)`.execute(db);
  // A person's names, addresses and contacts are found in the history by the person they belonged to.
  await sql`create index record_history_person_idx on record_history (partnership_id, (old_row ->> 'person_id'))`.execute(db);
  await sql`
    create function keep_record_history() returns trigger language plpgsql as $$
    begin
      insert into record_history (partnership_id, table_name, record_id, operation, changed_by, old_row)
      values (old.partnership_id, tg_table_name, old.id, tg_op, nullif(current_setting('harbour.user_id', true), '')::uuid, to_jsonb(old));
      return null;
    end $$`.execute(db);
  for (const table of ['people', 'person_names', 'person_addresses', 'person_contacts', 'cases']) {
    await sql`create trigger ${sql.raw(`${table}_history`)} after update or delete on ${sql.table(table)} for each row execute function keep_record_history()`.execute(
      db,
    );
  }
  await sql`grant usage, select on sequence case_reference_seq to harbour_app`.execute(db);
  await sql`revoke update, delete, truncate on record_history from harbour_app`.execute(db);
}
