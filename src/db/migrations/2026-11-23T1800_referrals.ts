import { sql, type Kysely } from 'kysely';

/**
 * Incidents and referrals (issue 4, DOMAIN.md §3 and §6). The repeat flag and the escalation count are worked out
 * when a referral or incident is written and stored with it, so lists and reports never recompute them. Both
 * tables, and risk assessments, sit behind the case's row-level security (ADR 0003).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table referral_settings (
      partnership_id uuid primary key references partnerships(id),
      escalation_incidents integer not null default 3 check (escalation_incidents between 2 and 20),
      escalation_months integer not null default 12 check (escalation_months between 1 and 24),
      marac_agency_id uuid,
      version integer not null default 1,
      updated_by uuid,
      updated_at timestamptz not null default now(),
      foreign key (partnership_id, marac_agency_id) references agencies(partnership_id, id)
    )`.execute(db);

  // The Domestic Abuse Act 2021 categories, as src/modules/referrals/referral.codes.ts lists them.
  const types = sql.raw(
    [
      'physical',
      'sexual',
      'violent_threatening',
      'controlling_coercive',
      'economic',
      'psychological_emotional',
      'stalking_harassment',
      'honour_based',
      'forced_marriage',
      'fgm',
    ]
      .map((t) => `'${t}'`)
      .join(', '),
  );
  await sql`
    create table incidents (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      case_id uuid not null,
      victim_id uuid not null,
      perpetrator_ids uuid[] not null,
      occurred_on date not null check (occurred_on >= date '1900-01-01'),
      occurred_at_time time,
      types text[] not null check (cardinality(types) > 0 and types <@ array[${types}]),
      reported_to_police boolean not null,
      police_reference text check (length(police_reference) <= 40),
      injuries text not null check (injuries in ('none', 'minor', 'serious', 'not_known')),
      children_present text not null check (children_present in ('yes', 'no', 'not_known')),
      location_type text not null check (location_type in ('victim_home', 'shared_home', 'perpetrator_home', 'public_place', 'workplace', 'online', 'other')),
      summary text check (length(summary) <= 2000),
      is_repeat boolean not null default false,
      repeat_of_referral_id uuid,
      recorded_by uuid,
      recorded_by_agency_id uuid not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      foreign key (partnership_id, case_id) references cases(partnership_id, id),
      foreign key (partnership_id, victim_id) references people(partnership_id, id),
      foreign key (partnership_id, recorded_by_agency_id) references agencies(partnership_id, id)
    )`.execute(db);
  await sql`create index incidents_case_idx on incidents (partnership_id, case_id, occurred_on desc)`.execute(db);
  await sql`create index incidents_victim_idx on incidents (partnership_id, victim_id, occurred_on)`.execute(db);

  await sql`
    create table referrals (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      reference text not null,
      case_id uuid not null,
      victim_id uuid not null,
      perpetrator_ids uuid[] not null,
      destination text not null check (destination in ('marac', 'idva', 'ask', 'perpetrator_programme', 'childrens_services', 'other')),
      criterion text check (criterion in ('visible_high_risk', 'professional_judgement', 'potential_escalation', 'repeat')),
      to_agency_id uuid not null,
      reasons text check (length(reasons) <= 4000),
      referred_on date not null check (referred_on >= date '1900-01-01'),
      referring_agency_id uuid not null,
      referred_by uuid,
      api_token_id uuid,
      risk_assessment_id uuid,
      score integer,
      score_band text,
      escalation_count integer not null default 0,
      consent_status text not null check (consent_status in ('given', 'refused', 'not_sought')),
      lawful_basis text,
      consent_reason text check (length(consent_reason) <= 2000),
      is_repeat boolean not null default false,
      repeat_of_id uuid,
      status text not null default 'awaiting_screening' check (status in ('awaiting_screening', 'accepted', 'declined', 'withdrawn')),
      decided_by uuid,
      decided_at timestamptz,
      -- Declined referrals that met the criteria are counted against the partnership's target (under 25%).
      decline_code text check (decline_code in ('does_not_meet_criteria', 'already_open', 'moved_area', 'insufficient_information', 'other')),
      decision_reason text check (length(decision_reason) <= 2000),
      idempotency_key text check (length(idempotency_key) <= 200),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      unique (partnership_id, reference),
      foreign key (partnership_id, case_id) references cases(partnership_id, id),
      foreign key (partnership_id, victim_id) references people(partnership_id, id),
      foreign key (partnership_id, to_agency_id) references agencies(partnership_id, id),
      foreign key (partnership_id, referring_agency_id) references agencies(partnership_id, id),
      foreign key (partnership_id, risk_assessment_id) references risk_assessments(partnership_id, id),
      check ((destination = 'marac') = (criterion is not null)),
      check (consent_status = 'given' or (lawful_basis is not null and consent_reason is not null)),
      check (status not in ('accepted', 'declined') or decided_at is not null),
      check ((status = 'declined') = (decline_code is not null))
    )`.execute(db);
  await sql`create sequence referral_reference_seq`.execute(db);
  // The last MARAC referral of a victim (repeat detection) and the screening queue.
  await sql`create index referrals_victim_idx on referrals (partnership_id, victim_id, destination, referred_on desc)`.execute(db);
  await sql`create index referrals_queue_idx on referrals (partnership_id, destination, created_at) where status = 'awaiting_screening'`.execute(db);
  await sql`create index referrals_case_idx on referrals (partnership_id, case_id, referred_on desc)`.execute(db);
  // A retried API request (same token, same Idempotency-Key) finds the referral it already made.
  await sql`create unique index referrals_idempotency on referrals (partnership_id, api_token_id, idempotency_key) where idempotency_key is not null`.execute(
    db,
  );

  for (const table of ['incidents', 'referrals']) {
    await sql`create trigger ${sql.raw(`${table}_history`)} after update or delete on ${sql.table(table)} for each row execute function keep_record_history()`.execute(
      db,
    );
  }
  for (const table of ['incidents', 'referrals', 'risk_assessments']) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`create policy viewer_access on ${sql.table(table)} to harbour_app
      using (harbour_may_see_case(partnership_id, case_id)) with check (harbour_may_see_case(partnership_id, case_id))`.execute(db);
  }
  await sql`grant usage, select on sequence referral_reference_seq to harbour_app`.execute(db);
}
