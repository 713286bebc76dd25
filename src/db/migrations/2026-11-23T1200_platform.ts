import { sql, type Kysely } from 'kysely';

/**
 * Platform tables: tenancy, agencies, users, sessions, API tokens, rate limits and the audit log.
 * Every table with partnership data leads with partnership_id (DESIGN.md, Scale plan).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'harbour_app') then
        create role harbour_app nologin;
      end if;
    end $$`.execute(db);
  await sql`grant harbour_app to current_user`.execute(db).catch(() => undefined);
  await sql`grant usage on schema public to harbour_app`.execute(db);
  await sql`alter default privileges in schema public grant select, insert, update, delete on tables to harbour_app`.execute(db);
  await sql`alter default privileges in schema public grant usage, select on sequences to harbour_app`.execute(db);
  await sql`grant select on kysely_migration, kysely_migration_lock to harbour_app`.execute(db);

  await sql`
    create table partnerships (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      settings jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table areas (
      partnership_id uuid not null references partnerships(id),
      id uuid not null default gen_random_uuid(),
      code text not null,
      name text not null,
      primary key (partnership_id, id),
      unique (partnership_id, code)
    )`.execute(db);

  await sql`
    create table agencies (
      partnership_id uuid not null references partnerships(id),
      id uuid not null default gen_random_uuid(),
      code text not null check (code ~ '^[A-Z][A-Z0-9_]{1,19}$'),
      name text not null,
      type text not null,
      area_id uuid,
      isa_signed_on date,
      isa_expires_on date,
      active boolean not null default true,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      unique (partnership_id, code),
      foreign key (partnership_id, area_id) references areas(partnership_id, id),
      check (isa_expires_on is null or isa_signed_on is null or isa_expires_on > isa_signed_on)
    )`.execute(db);

  await sql`
    create table users (
      partnership_id uuid not null references partnerships(id),
      id uuid not null default gen_random_uuid(),
      agency_id uuid not null,
      email text not null,
      display_name text not null,
      roles text[] not null check (cardinality(roles) > 0),
      password_hash text,
      password_changed_at timestamptz,
      totp_secret text,
      mfa_enrolled_at timestamptz,
      totp_last_step bigint,
      failed_sign_ins integer not null default 0,
      locked_until timestamptz,
      active boolean not null default true,
      last_sign_in_at timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      foreign key (partnership_id, agency_id) references agencies(partnership_id, id)
    )`.execute(db);
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);
  await sql`create unique index users_id_key on users (id)`.execute(db);

  await sql`
    create table invitations (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      user_id uuid not null,
      token_hash bytea not null unique,
      created_by uuid,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz,
      primary key (partnership_id, id),
      foreign key (partnership_id, user_id) references users(partnership_id, id)
    )`.execute(db);

  await sql`
    create table sessions (
      id_hash bytea primary key,
      partnership_id uuid,
      user_id uuid references users(id) on delete cascade,
      pending_user_id uuid references users(id) on delete cascade,
      csrf_token text not null,
      flash jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index sessions_user_idx on sessions (user_id)`.execute(db);
  await sql`create index sessions_expires_idx on sessions (expires_at)`.execute(db);

  await sql`
    create table api_tokens (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      agency_id uuid not null,
      name text not null,
      token_hash bytea not null unique,
      scopes text[] not null,
      created_by uuid,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      primary key (partnership_id, id),
      foreign key (partnership_id, agency_id) references agencies(partnership_id, id)
    )`.execute(db);

  await sql`
    create table rate_limits (
      key text primary key,
      window_started_at timestamptz not null,
      hits integer not null
    )`.execute(db);

  // Append-only, hash-chained. seq is assigned under an advisory lock so the chain has no gaps or forks.
  await sql`
    create table audit_events (
      seq bigint primary key,
      occurred_at timestamptz not null,
      partnership_id uuid,
      user_id uuid,
      agency_id uuid,
      api_token_id uuid,
      action text not null,
      outcome text not null check (outcome in ('success', 'failure', 'denied')),
      subject_type text,
      subject_id text,
      request_id text,
      ip text,
      details jsonb not null default '{}'::jsonb,
      prev_hash text not null,
      hash text not null
    )`.execute(db);
  await sql`create index audit_events_partnership_time_idx on audit_events (partnership_id, occurred_at desc)`.execute(db);
  await sql`create index audit_events_subject_idx on audit_events (subject_type, subject_id)`.execute(db);
  await sql`create index audit_events_user_idx on audit_events (user_id, occurred_at desc)`.execute(db);
  await sql`
    create function audit_events_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger audit_events_no_update_delete before update or delete on audit_events
    for each row execute function audit_events_refuse_change()`.execute(db);
  await sql`
    create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_refuse_change()`.execute(db);
  await sql`revoke update, delete, truncate on audit_events from harbour_app`.execute(db);
}
