import { sql, type Kysely } from 'kysely';

/**
 * The job queue (src/platform/jobs.ts): background work kept in PostgreSQL, so several app servers share it and a
 * restart loses nothing. Workers take a due job with SELECT … FOR UPDATE SKIP LOCKED and hold its row lock while it
 * runs: two workers never run one job at once, and a worker that dies leaves the job to be taken again.
 *
 * Jobs are the system's, not a partnership's records: a job's handler works across partnerships (or names one in
 * its payload), so the table has no partnership_id and holds no personal data.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table jobs (
      id bigint generated always as identity primary key,
      name text not null check (length(name) between 1 and 100),
      payload jsonb not null default '{}'::jsonb,
      -- At most one job per key (e.g. "marac.action-reminders:2026-11-24"): enqueuing the same key again makes nothing.
      singleton_key text unique check (length(singleton_key) <= 200),
      run_at timestamptz not null default now(),
      status text not null default 'queued' check (status in ('queued', 'done', 'failed')),
      attempts integer not null default 0 check (attempts >= 0),
      max_attempts integer not null default 5 check (max_attempts >= 1),
      last_error text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      check ((status = 'queued') = (finished_at is null))
    )`.execute(db);
  await sql`create index jobs_due_idx on jobs (run_at, id) where status = 'queued'`.execute(db);
}
