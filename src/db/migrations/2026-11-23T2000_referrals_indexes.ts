import { sql, type Kysely } from 'kysely';

/**
 * Indexes for referrals at scale (issue 4; measured with `npm run bench -- --referrals` on 1,000,000 referrals and
 * 3,000,000 incidents, docs/performance.md "Referrals at scale").
 */
export async function up(db: Kysely<any>): Promise<void> {
  // The coordinator's screening queue lists MARAC referrals awaiting screening oldest first (referred_on, then
  // created_at), at most 500. referrals_queue_idx holds them by created_at, so PostgreSQL read every one, checked
  // each against row-level security and the case's access rule, and sorted them all to keep 500: 0.7 s with a
  // backlog of 8,700. In the queue's own order, it stops at the 500th.
  await sql`create index referrals_screening_idx on referrals (partnership_id, referred_on, created_at)
    where destination = 'marac' and status = 'awaiting_screening'`.execute(db);
}
