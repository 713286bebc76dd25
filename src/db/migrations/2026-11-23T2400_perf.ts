import { sql, type Kysely } from 'kysely';

/**
 * Performance at scale (issues 3 and 4; docs/performance.md, ADR 0004).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // The audit log's hash chain without a lock held to commit (ADR 0004). A transaction records its events here,
  // with no lock; right after it commits, a short transaction of its own under the chain's advisory lock moves every
  // committed event from here to audit_events, numbered and hashed in order. A transaction that rolls back takes its
  // events with it, so the chain has no gaps; events left here by a crash between the two are chained by the next
  // commit that records one, or by `harbour audit verify`. Same columns as audit_events before chaining.
  await sql`
    create table audit_pending (
      id bigint generated always as identity primary key,
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
      details jsonb not null default '{}'::jsonb
    )`.execute(db);
  // harbour_app inserts (recordAudit) and deletes (chaining moves the rows); it never changes one.
  await sql`revoke update, truncate on audit_pending from harbour_app`.execute(db);

  // What a "must not see" test costs: an index probe of restrictions in a SECURITY DEFINER call that cannot be
  // inlined, tens of µs a row. Priced at the default (100 × cpu_operator_cost), the planner would rather check every
  // case through the cases policy once, for a hashed sub-plan, than probe the cases the rows it needs are on: the
  // screening queue read 11,679 cases for 51 referrals (140 ms) at 5 % of the benchmark's size. It still did so at
  // cost 5,000 and probed (3 ms) at 10,000.
  await sql`alter function harbour_blocked(text, uuid) cost 10000`.execute(db);
}
