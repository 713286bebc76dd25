import { sql, type Kysely } from 'kysely';

/**
 * The partnership's services (issue 6, DOMAIN.md §4; docs/services.md). A service's pathway and questions are data
 * (src/modules/services/definitions/*.json); these tables hold what the partnership runs and what happened:
 *
 * - services: one per definition the partnership runs, with its provider agency and capacity;
 * - service_records: one person's journey through a per-person service. Stage dates are in pathway order (CHECKs
 *   below, the same rule the service layer gives a clear message for); answers to the stages' outcome questions
 *   are kept by stage. Seen by the provider agency and by whoever sees the person or the case, never by anyone on
 *   the person's or the case's "must not see" list (row-level security, ADR 0003);
 * - service_activity: counted work of an aggregate service (a CC-AV session, a month of helpline calls, a training
 *   course), no personal data. Corrections keep the row as it was in record_history, like every other table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table services (
      partnership_id uuid not null references partnerships(id),
      id uuid not null default gen_random_uuid(),
      definition_id text not null check (definition_id ~ '^[a-z][a-z0-9-]{1,48}[a-z0-9]$'),
      definition_version integer not null check (definition_version >= 1),
      kind text not null check (kind in ('person', 'aggregate')),
      provider_agency_id uuid not null,
      capacity integer check (capacity between 1 and 100000),
      active boolean not null default true,
      version integer not null default 1,
      created_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      unique (partnership_id, definition_id),
      unique (partnership_id, id, kind),
      foreign key (partnership_id, provider_agency_id) references agencies(partnership_id, id),
      foreign key (partnership_id, created_by) references users(partnership_id, id)
    )`.execute(db);

  await sql`
    create table service_records (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      service_id uuid not null,
      kind text not null default 'person' check (kind = 'person'),
      person_id uuid not null,
      case_id uuid,
      -- The person's name and date of birth as the referrer saw them, so the provider knows whom to work with
      -- without being given the person's whole record.
      person_name text not null check (length(person_name) between 1 and 300),
      person_date_of_birth date,
      person_role text not null check (person_role in ('victim', 'perpetrator', 'child', 'household_member')),
      -- The provider when the person was referred: who works the record (and sees it) from then on.
      provider_agency_id uuid not null,
      referring_agency_id uuid not null,
      referred_by uuid,
      referred_on date not null,
      assessed_on date,
      started_on date,
      ended_on date,
      end_reason text check (end_reason in ('completed', 'left_early')),
      left_reason text check (left_reason in ('declined', 'not_suitable', 'disengaged', 'moved_area', 'breach', 'other')),
      answers jsonb not null default '{}'::jsonb check (jsonb_typeof(answers) = 'object'),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      foreign key (partnership_id, service_id, kind) references services(partnership_id, id, kind),
      foreign key (partnership_id, person_id) references people(partnership_id, id),
      foreign key (partnership_id, case_id) references cases(partnership_id, id),
      foreign key (partnership_id, provider_agency_id) references agencies(partnership_id, id),
      foreign key (partnership_id, referring_agency_id) references agencies(partnership_id, id),
      foreign key (partnership_id, referred_by) references users(partnership_id, id),
      -- The pathway in order: assessed, then started, then ended, none before the referral.
      constraint service_records_assessed_order check (assessed_on is null or assessed_on >= referred_on),
      constraint service_records_started_order check (started_on is null or started_on >= coalesce(assessed_on, referred_on)),
      constraint service_records_ended_order check (ended_on is null or ended_on >= coalesce(started_on, assessed_on, referred_on)),
      constraint service_records_end_reason check ((ended_on is null) = (end_reason is null)),
      constraint service_records_completed_started check (end_reason is distinct from 'completed' or started_on is not null),
      constraint service_records_left_reason check ((left_reason is null) or end_reason = 'left_early')
    )`.execute(db);
  await sql`create index service_records_service_idx on service_records (partnership_id, service_id, referred_on)`.execute(db);
  // The report's measures count by each stage's date (services.measures.ts).
  await sql`create index service_records_started_idx on service_records (partnership_id, service_id, started_on) where started_on is not null`.execute(db);
  await sql`create index service_records_ended_idx on service_records (partnership_id, service_id, ended_on, end_reason) where ended_on is not null`.execute(
    db,
  );
  await sql`create index service_records_person_idx on service_records (partnership_id, person_id)`.execute(db);
  await sql`create index service_records_provider_idx on service_records (partnership_id, provider_agency_id, service_id) where ended_on is null`.execute(db);

  await sql`
    create table service_activity (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      service_id uuid not null,
      kind text not null default 'aggregate' check (kind = 'aggregate'),
      occurred_on date not null check (occurred_on >= '2000-01-01'),
      answers jsonb not null check (jsonb_typeof(answers) = 'object'),
      entered_by uuid,
      entered_at timestamptz not null default now(),
      updated_by uuid,
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      primary key (partnership_id, id),
      foreign key (partnership_id, service_id, kind) references services(partnership_id, id, kind),
      foreign key (partnership_id, entered_by) references users(partnership_id, id),
      foreign key (partnership_id, updated_by) references users(partnership_id, id)
    )`.execute(db);
  await sql`create index service_activity_service_idx on service_activity (partnership_id, service_id, occurred_on)`.execute(db);

  for (const table of ['services', 'service_records', 'service_activity']) {
    await sql`create trigger ${sql.raw(`${table}_history`)} after update or delete on ${sql.table(table)} for each row execute function keep_record_history()`.execute(
      db,
    );
  }

  // A record is seen by its provider agency and with its person or case (through their own policies), never by
  // anyone a "must not see" entry on the person or the case names.
  const rule = sql.raw(`case harbour_viewer_kind()
      when 'system' then true
      when 'partnership' then service_records.partnership_id = harbour_viewer_partnership()
        and not harbour_blocked('person', service_records.person_id)
        and (service_records.case_id is null or not harbour_blocked('case', service_records.case_id))
      when 'agency' then service_records.partnership_id = harbour_viewer_partnership()
        and not harbour_blocked('person', service_records.person_id)
        and (service_records.case_id is null or not harbour_blocked('case', service_records.case_id))
        and (service_records.provider_agency_id = harbour_viewer_agency()
          or exists (select 1 from people p where p.partnership_id = service_records.partnership_id and p.id = service_records.person_id)
          or exists (select 1 from cases c where c.partnership_id = service_records.partnership_id and c.id = service_records.case_id))
      else false end`);
  await sql`alter table service_records enable row level security`.execute(db);
  await sql`create policy viewer_access on service_records to harbour_app using (${rule}) with check (${rule})`.execute(db);
}
