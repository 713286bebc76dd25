import { sql, type Kysely } from 'kysely';

/**
 * IDVA casework (issue 6): a case allocated to an IDVA from an IDVA referral, and the contacts log. Both are seen with
 * their case (row-level security through the case's own policy, ADR 0003); within the IDVA service the application
 * narrows further (an IDVA sees their own allocated cases and the team's queue: casework.policy.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table idva_cases (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      case_id uuid not null,
      referral_id uuid not null,
      agency_id uuid not null,
      idva_id uuid not null,
      allocated_by uuid,
      allocated_on date not null,
      status text not null default 'open' check (status in ('open', 'closed')),
      closed_on date,
      closure_reason text check (closure_reason in ('planned_end', 'disengaged', 'moved_area', 'transferred', 'other')),
      next_contact_due date,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      unique (partnership_id, referral_id),
      unique (partnership_id, id, case_id),
      foreign key (partnership_id, case_id) references cases(partnership_id, id),
      foreign key (partnership_id, referral_id) references referrals(partnership_id, id),
      foreign key (partnership_id, agency_id) references agencies(partnership_id, id),
      foreign key (partnership_id, idva_id) references users(partnership_id, id),
      foreign key (partnership_id, allocated_by) references users(partnership_id, id),
      check ((status = 'closed') = (closed_on is not null)),
      check ((status = 'closed') = (closure_reason is not null)),
      check (closed_on is null or closed_on >= allocated_on)
    )`.execute(db);
  // One open IDVA case per case and service: a second referral while one is open joins it.
  await sql`create unique index idva_cases_one_open on idva_cases (partnership_id, case_id, agency_id) where status = 'open'`.execute(db);
  await sql`create index idva_cases_caseload_idx on idva_cases (partnership_id, idva_id, status)`.execute(db);

  await sql`
    create table idva_contacts (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      idva_case_id uuid not null,
      case_id uuid not null,
      contact_on date not null,
      method text not null check (method in ('phone', 'text', 'email', 'letter', 'in_person', 'video')),
      contact_value_id uuid,
      successful boolean not null,
      initiated_by text not null check (initiated_by in ('idva', 'victim', 'other')),
      duration_minutes integer check (duration_minutes between 0 and 600),
      summary text not null check (length(summary) between 1 and 4000),
      voicemail_left boolean not null default false,
      within_safe_times boolean,
      -- Set when the IDVA went ahead against the victim's safe-contact rules: why, and that they confirmed it.
      unsafe_reasons text[] not null default '{}',
      unsafe_justification text check (length(unsafe_justification) <= 2000),
      recorded_by uuid,
      created_at timestamptz not null default now(),
      primary key (partnership_id, id),
      foreign key (partnership_id, idva_case_id, case_id) references idva_cases(partnership_id, id, case_id),
      foreign key (partnership_id, recorded_by) references users(partnership_id, id),
      check (cardinality(unsafe_reasons) = 0 or unsafe_justification is not null)
    )`.execute(db);
  await sql`create index idva_contacts_case_idx on idva_contacts (partnership_id, idva_case_id, contact_on desc)`.execute(db);

  await sql`create trigger idva_cases_history after update or delete on idva_cases for each row execute function keep_record_history()`.execute(db);
  await sql`create trigger idva_contacts_history after update or delete on idva_contacts for each row execute function keep_record_history()`.execute(db);

  for (const table of ['idva_cases', 'idva_contacts']) {
    const rule = sql.raw(`exists (select 1 from cases c where c.partnership_id = ${table}.partnership_id and c.id = ${table}.case_id)`);
    // Casework is corrected, never deleted (the history keeps what it was); retention deletes as the owner.
    await sql`revoke delete, truncate on ${sql.table(table)} from harbour_app`.execute(db);
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`create policy viewer_access on ${sql.table(table)} to harbour_app using (${rule}) with check (${rule})`.execute(db);
  }
}
