import { sql, type Kysely } from 'kysely';

/**
 * MARAC meetings (issue 5, DOMAIN.md §3): the whole cycle's tables, so each slice builds on the same schema.
 *
 * - marac_schedules: one per area (while active), with a recurrence, a time, a place and a case limit;
 * - marac_meetings: generated from a schedule (its slot, `scheduled_for`, makes generation idempotent and survives
 *   a move) or added by hand; an agenda version of its own, so reordering never conflicts with editing the meeting;
 * - marac_meeting_agencies: the agencies invited when the agenda is published (the meeting's agencies);
 * - marac_agenda_items: a case once per meeting, in the coordinator's order; research, minutes and actions hang off it;
 * - marac_research: per agenda item and agency; marac_attendance: per meeting and user;
 * - marac_minutes (read-only once final) and marac_minute_amendments (append-only);
 * - marac_actions: due on or after the meeting (a CHECK on the meeting's date, carried by a cascading foreign key);
 * - marac_notifications: every e-mail sent (or not) and what it said — links only, never personal data.
 *
 * Rows holding case content sit behind the case's row-level security (ADR 0003), like referrals.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table marac_schedules (
      partnership_id uuid not null references partnerships(id),
      id uuid not null default gen_random_uuid(),
      area_id uuid not null,
      recurrence text not null check (recurrence in ('daily', 'weekly', 'fortnightly', 'monthly')),
      -- ISO weekday, Monday 1 to Friday 5: MARACs meet on working days; "daily" is every working day.
      weekday smallint check (weekday between 1 and 5),
      -- Monthly: which of the month's weekdays (1st to 4th, 5 = the last).
      week_of_month smallint check (week_of_month between 1 and 5),
      starts_on date not null,
      starts_at time not null,
      place text not null check (length(place) between 1 and 200),
      case_limit smallint not null check (case_limit between 1 and 60),
      active boolean not null default true,
      version integer not null default 1,
      created_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      foreign key (partnership_id, area_id) references areas(partnership_id, id),
      foreign key (partnership_id, created_by) references users(partnership_id, id),
      check (case recurrence
        when 'daily' then weekday is null and week_of_month is null
        when 'monthly' then weekday is not null and week_of_month is not null
        else weekday is not null and week_of_month is null end)
    )`.execute(db);
  await sql`create unique index marac_schedules_one_per_area on marac_schedules (partnership_id, area_id) where active`.execute(db);

  await sql`
    create table marac_meetings (
      partnership_id uuid not null references partnerships(id),
      id uuid not null default gen_random_uuid(),
      area_id uuid not null,
      schedule_id uuid,
      scheduled_for date,
      meeting_date date not null,
      starts_at time not null,
      place text not null check (length(place) between 1 and 200),
      case_limit smallint not null check (case_limit between 1 and 60),
      status text not null default 'scheduled' check (status in ('scheduled', 'cancelled', 'held')),
      agenda_version integer not null default 1,
      agenda_custom_order boolean not null default false,
      agenda_published_at timestamptz,
      agenda_published_by uuid,
      agenda_published_version integer,
      version integer not null default 1,
      created_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      unique (partnership_id, id, meeting_date),
      -- Generating again makes nothing new: one meeting per slot of a schedule, wherever it has since been moved.
      unique (partnership_id, schedule_id, scheduled_for),
      foreign key (partnership_id, area_id) references areas(partnership_id, id),
      foreign key (partnership_id, schedule_id) references marac_schedules(partnership_id, id),
      foreign key (partnership_id, created_by) references users(partnership_id, id),
      foreign key (partnership_id, agenda_published_by) references users(partnership_id, id),
      check ((schedule_id is null) = (scheduled_for is null)),
      check ((agenda_published_at is null) = (agenda_published_version is null))
    )`.execute(db);
  await sql`create index marac_meetings_area_date_idx on marac_meetings (partnership_id, area_id, meeting_date)`.execute(db);
  await sql`create index marac_meetings_date_idx on marac_meetings (partnership_id, meeting_date)`.execute(db);

  await sql`
    create table marac_meeting_agencies (
      partnership_id uuid not null,
      meeting_id uuid not null,
      agency_id uuid not null,
      invited_by uuid,
      invited_at timestamptz not null default now(),
      primary key (partnership_id, meeting_id, agency_id),
      foreign key (partnership_id, meeting_id) references marac_meetings(partnership_id, id),
      foreign key (partnership_id, agency_id) references agencies(partnership_id, id),
      foreign key (partnership_id, invited_by) references users(partnership_id, id)
    )`.execute(db);
  await sql`create index marac_meeting_agencies_agency_idx on marac_meeting_agencies (partnership_id, agency_id)`.execute(db);

  await sql`
    create table marac_agenda_items (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      meeting_id uuid not null,
      case_id uuid not null,
      referral_id uuid,
      position integer not null check (position >= 1),
      kind text not null check (kind in ('new', 'repeat', 'transfer_in')),
      added_by uuid,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      -- A case is heard once per meeting.
      unique (partnership_id, meeting_id, case_id),
      -- Checked at commit, so two items can swap places in one transaction.
      unique (partnership_id, meeting_id, position) deferrable initially deferred,
      -- What research, minutes and actions point at, so they always name the item's own case (and meeting).
      unique (partnership_id, id, case_id),
      unique (partnership_id, id, meeting_id, case_id),
      foreign key (partnership_id, meeting_id) references marac_meetings(partnership_id, id),
      foreign key (partnership_id, case_id) references cases(partnership_id, id),
      foreign key (partnership_id, referral_id) references referrals(partnership_id, id),
      foreign key (partnership_id, added_by) references users(partnership_id, id)
    )`.execute(db);
  // A referral is heard once: "not yet on an agenda" is the absence of its item.
  await sql`create unique index marac_agenda_items_referral_key on marac_agenda_items (partnership_id, referral_id) where referral_id is not null`.execute(db);
  await sql`create index marac_agenda_items_case_idx on marac_agenda_items (partnership_id, case_id)`.execute(db);

  await sql`
    create table marac_research (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      agenda_item_id uuid not null,
      case_id uuid not null,
      agency_id uuid not null,
      known_to_agency boolean not null,
      open_case boolean not null,
      risks_identified boolean not null,
      notes text check (length(notes) <= 4000),
      recorded_by uuid,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      unique (partnership_id, agenda_item_id, agency_id),
      foreign key (partnership_id, agenda_item_id, case_id) references marac_agenda_items(partnership_id, id, case_id),
      foreign key (partnership_id, agency_id) references agencies(partnership_id, id),
      foreign key (partnership_id, recorded_by) references users(partnership_id, id),
      -- An agency that does not know the victim has no open case and no risks of its own to report.
      check (known_to_agency or (not open_case and not risks_identified))
    )`.execute(db);
  await sql`create index marac_research_case_idx on marac_research (partnership_id, case_id)`.execute(db);

  await sql`
    create table marac_attendance (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      meeting_id uuid not null,
      user_id uuid not null,
      agency_id uuid not null,
      status text not null check (status in ('present', 'apologies')),
      confidentiality_confirmed_at timestamptz,
      recorded_by uuid,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      unique (partnership_id, meeting_id, user_id),
      foreign key (partnership_id, meeting_id) references marac_meetings(partnership_id, id),
      foreign key (partnership_id, user_id) references users(partnership_id, id),
      foreign key (partnership_id, agency_id) references agencies(partnership_id, id),
      foreign key (partnership_id, recorded_by) references users(partnership_id, id),
      check (status = 'present' or confidentiality_confirmed_at is null)
    )`.execute(db);

  await sql`
    create table marac_minutes (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      agenda_item_id uuid not null,
      case_id uuid not null,
      idva_view text check (length(idva_view) <= 8000),
      summary text check (length(summary) <= 8000),
      risks text check (length(risks) <= 8000),
      status text not null default 'draft' check (status in ('draft', 'final')),
      drafted_by uuid,
      finalised_by uuid,
      finalised_at timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      unique (partnership_id, agenda_item_id),
      unique (partnership_id, id, case_id),
      foreign key (partnership_id, agenda_item_id, case_id) references marac_agenda_items(partnership_id, id, case_id),
      foreign key (partnership_id, drafted_by) references users(partnership_id, id),
      foreign key (partnership_id, finalised_by) references users(partnership_id, id),
      check ((status = 'final') = (finalised_at is not null))
    )`.execute(db);
  // A final minute is the record: corrections are amendments, the original stays as it was.
  await sql`
    create function marac_minutes_keep_final() returns trigger language plpgsql as $$
    begin
      if old.status = 'final' then
        raise exception 'a final MARAC minute cannot be changed: add an amendment' using errcode = 'check_violation';
      end if;
      if tg_op = 'DELETE' then return old; end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger marac_minutes_keep_final before update or delete on marac_minutes for each row execute function marac_minutes_keep_final()`.execute(
    db,
  );

  await sql`
    create table marac_minute_amendments (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      minute_id uuid not null,
      case_id uuid not null,
      text text not null check (length(text) between 1 and 8000),
      made_by uuid,
      made_by_agency_id uuid not null,
      created_at timestamptz not null default now(),
      primary key (partnership_id, id),
      foreign key (partnership_id, minute_id, case_id) references marac_minutes(partnership_id, id, case_id),
      foreign key (partnership_id, made_by) references users(partnership_id, id),
      foreign key (partnership_id, made_by_agency_id) references agencies(partnership_id, id)
    )`.execute(db);
  await sql`create index marac_minute_amendments_minute_idx on marac_minute_amendments (partnership_id, minute_id, created_at)`.execute(db);
  await sql`
    create function marac_amendments_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        if not exists (select 1 from marac_minutes m where m.partnership_id = new.partnership_id and m.id = new.minute_id and m.status = 'final') then
          raise exception 'only a final MARAC minute is amended' using errcode = 'check_violation';
        end if;
        return new;
      end if;
      raise exception 'marac_minute_amendments is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`create trigger marac_amendments_append_only before insert or update or delete on marac_minute_amendments
    for each row execute function marac_amendments_append_only()`.execute(db);
  await sql`create trigger marac_amendments_no_truncate before truncate on marac_minute_amendments
    for each statement execute function marac_amendments_append_only()`.execute(db);
  await sql`revoke update, delete, truncate on marac_minute_amendments from harbour_app`.execute(db);

  await sql`
    create table marac_actions (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      agenda_item_id uuid not null,
      meeting_id uuid not null,
      -- The meeting's date, kept equal to it by the cascading foreign key below, so a CHECK can compare the due date.
      meeting_date date not null,
      case_id uuid not null,
      agency_id uuid not null,
      assigned_user_id uuid,
      description text not null check (length(description) between 1 and 2000),
      due_on date not null,
      status text not null default 'open' check (status in ('open', 'done')),
      completion_note text check (length(completion_note) <= 2000),
      completed_by uuid,
      completed_at timestamptz,
      reminder_sent_at timestamptz,
      last_chased_on date,
      chase_count integer not null default 0 check (chase_count >= 0),
      created_by uuid,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      foreign key (partnership_id, agenda_item_id, meeting_id, case_id) references marac_agenda_items(partnership_id, id, meeting_id, case_id),
      foreign key (partnership_id, meeting_id, meeting_date) references marac_meetings(partnership_id, id, meeting_date) on update cascade,
      foreign key (partnership_id, agency_id) references agencies(partnership_id, id),
      foreign key (partnership_id, assigned_user_id) references users(partnership_id, id),
      foreign key (partnership_id, completed_by) references users(partnership_id, id),
      foreign key (partnership_id, created_by) references users(partnership_id, id),
      check (due_on >= meeting_date),
      check ((status = 'done') = (completed_at is not null)),
      check (status = 'open' or completion_note is not null)
    )`.execute(db);
  // "My agency's open actions" and the daily reminder and chase run.
  await sql`create index marac_actions_agency_open_idx on marac_actions (partnership_id, agency_id, due_on) where status = 'open'`.execute(db);
  await sql`create index marac_actions_due_idx on marac_actions (partnership_id, due_on) where status = 'open'`.execute(db);
  await sql`create index marac_actions_meeting_idx on marac_actions (partnership_id, meeting_id)`.execute(db);
  await sql`create index marac_actions_case_idx on marac_actions (partnership_id, case_id)`.execute(db);

  await sql`
    create table marac_notifications (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      meeting_id uuid not null,
      action_id uuid,
      kind text not null check (kind in ('agenda_published', 'minutes_distributed', 'action_reminder', 'action_chase')),
      agency_id uuid not null,
      user_id uuid,
      email text not null,
      subject text not null,
      body text not null,
      agenda_version integer,
      status text not null default 'queued' check (status in ('queued', 'sent', 'failed', 'not_configured')),
      error text,
      sent_by uuid,
      created_at timestamptz not null default now(),
      sent_at timestamptz,
      primary key (partnership_id, id),
      foreign key (partnership_id, meeting_id) references marac_meetings(partnership_id, id),
      foreign key (partnership_id, action_id) references marac_actions(partnership_id, id),
      foreign key (partnership_id, agency_id) references agencies(partnership_id, id),
      foreign key (partnership_id, user_id) references users(partnership_id, id),
      foreign key (partnership_id, sent_by) references users(partnership_id, id)
    )`.execute(db);
  await sql`create index marac_notifications_meeting_idx on marac_notifications (partnership_id, meeting_id, created_at)`.execute(db);
  await sql`create index marac_notifications_action_idx on marac_notifications (partnership_id, action_id) where action_id is not null`.execute(db);

  for (const table of ['marac_schedules', 'marac_meetings', 'marac_agenda_items', 'marac_research', 'marac_attendance', 'marac_minutes', 'marac_actions']) {
    await sql`create trigger ${sql.raw(`${table}_history`)} after update or delete on ${sql.table(table)} for each row execute function keep_record_history()`.execute(
      db,
    );
  }

  // Case content is seen with its case (ADR 0003): the case's own policy decides, through an indexed EXISTS.
  for (const table of ['marac_agenda_items', 'marac_research', 'marac_minutes', 'marac_minute_amendments', 'marac_actions']) {
    const rule = sql.raw(`exists (select 1 from cases c where c.partnership_id = ${table}.partnership_id and c.id = ${table}.case_id)`);
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`create policy viewer_access on ${sql.table(table)} to harbour_app using (${rule}) with check (${rule})`.execute(db);
  }
}
