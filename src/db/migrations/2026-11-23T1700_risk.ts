import { sql, type Kysely } from 'kysely';

/**
 * Risk identification (issue 4): instruments as versioned data per partnership, a partnership's own band
 * thresholds, and assessments. An assessment points at the exact instrument version it used, and instrument rows
 * are never changed, so a new version (or new wording) never changes a past assessment. A submitted assessment's
 * answers and result are final; every change to an assessment keeps the row as it was in record_history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table risk_instruments (
      partnership_id uuid not null references partnerships(id),
      instrument_id text not null check (instrument_id ~ '^[a-z][a-z0-9-]{1,48}[a-z0-9]$'),
      version integer not null check (version between 1 and 9999),
      title text not null check (length(title) between 1 and 200),
      definition jsonb not null,
      source text not null check (source in ('shipped', 'imported')),
      imported_at timestamptz not null default now(),
      imported_by uuid,
      primary key (partnership_id, instrument_id, version),
      foreign key (partnership_id, imported_by) references users(partnership_id, id),
      check (definition ->> 'id' = instrument_id and (definition ->> 'version')::integer = version)
    )`.execute(db);
  // The application adds versions; it never edits or removes one that an assessment may point at.
  await sql`revoke update, delete, truncate on risk_instruments from harbour_app`.execute(db);

  await sql`
    create table risk_band_thresholds (
      partnership_id uuid not null references partnerships(id),
      instrument_id text not null,
      thresholds jsonb not null check (jsonb_typeof(thresholds) = 'object'),
      updated_by uuid,
      updated_at timestamptz not null default now(),
      primary key (partnership_id, instrument_id)
    )`.execute(db);

  await sql`
    create table risk_assessments (
      partnership_id uuid not null,
      id uuid not null default gen_random_uuid(),
      case_id uuid not null,
      person_id uuid not null,
      instrument_id text not null,
      instrument_version integer not null,
      status text not null default 'draft' check (status in ('draft', 'submitted')),
      answers jsonb not null default '{}'::jsonb check (jsonb_typeof(answers) = 'object'),
      score smallint check (score >= 0),
      score_band text check (score_band in ('standard', 'medium', 'high')),
      level text check (level in ('standard', 'medium', 'high')),
      raised_by_judgement boolean generated always as (
        coalesce(array_position(array['standard', 'medium', 'high'], level) > array_position(array['standard', 'medium', 'high'], score_band), false)
      ) stored,
      judgement_rationale text check (length(judgement_rationale) between 1 and 5000),
      bands jsonb check (bands is null or jsonb_typeof(bands) = 'array'),
      assessor_user_id uuid,
      assessor_agency_id uuid not null,
      assessed_on date not null check (assessed_on >= date '1900-01-01'),
      victim_participated boolean,
      submitted_at timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (partnership_id, id),
      foreign key (partnership_id, case_id) references cases(partnership_id, id),
      foreign key (partnership_id, person_id) references people(partnership_id, id),
      foreign key (partnership_id, instrument_id, instrument_version) references risk_instruments(partnership_id, instrument_id, version),
      foreign key (partnership_id, assessor_user_id) references users(partnership_id, id),
      foreign key (partnership_id, assessor_agency_id) references agencies(partnership_id, id),
      -- A submitted assessment is complete.
      check (status = 'draft' or (score is not null and level is not null and victim_participated is not null and submitted_at is not null)),
      -- Professional judgement never sets a level below the score's band, and raising it needs written reasons.
      check (array_position(array['standard', 'medium', 'high'], level) >= array_position(array['standard', 'medium', 'high'], score_band)),
      check (not raised_by_judgement or judgement_rationale is not null)
    )`.execute(db);
  // The risk history of a case, newest first, and its latest submitted assessment.
  await sql`create index risk_assessments_case_idx on risk_assessments (partnership_id, case_id, assessed_on desc, created_at desc)`.execute(db);
  await sql`create index risk_assessments_person_idx on risk_assessments (partnership_id, person_id)`.execute(db);

  // Once submitted, what was answered and concluded stays as it was. (Who it is about may still be re-pointed,
  // e.g. when two records of one person are merged.)
  await sql`
    create function risk_assessment_keep_submitted() returns trigger language plpgsql as $$
    begin
      if old.status = 'submitted' and (new.status, new.answers, new.score, new.score_band, new.level, new.judgement_rationale, new.bands,
          new.instrument_id, new.instrument_version, new.case_id, new.assessed_on, new.victim_participated, new.assessor_user_id, new.assessor_agency_id)
        is distinct from (old.status, old.answers, old.score, old.score_band, old.level, old.judgement_rationale, old.bands,
          old.instrument_id, old.instrument_version, old.case_id, old.assessed_on, old.victim_participated, old.assessor_user_id, old.assessor_agency_id) then
        raise exception 'a submitted risk assessment cannot be changed' using errcode = 'check_violation';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger risk_assessments_keep_submitted before update on risk_assessments for each row execute function risk_assessment_keep_submitted()`.execute(
    db,
  );
  await sql`create trigger risk_assessments_history after update or delete on risk_assessments for each row execute function keep_record_history()`.execute(db);
}
