import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * A fixed-window counter in PostgreSQL, so every app server shares it. Returns whether this hit is allowed
 * and, when not, how many seconds until the window resets.
 */
export async function hitRateLimit(db: Db, key: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; retryAfter: number }> {
  const row = await sql<{ hits: number; window_started_at: Date }>`
    insert into rate_limits (key, window_started_at, hits) values (${key}, now(), 1)
    on conflict (key) do update set
      hits = case when rate_limits.window_started_at < now() - make_interval(secs => ${windowSeconds}) then 1 else rate_limits.hits + 1 end,
      window_started_at = case when rate_limits.window_started_at < now() - make_interval(secs => ${windowSeconds}) then now() else rate_limits.window_started_at end
    returning hits, window_started_at`.execute(db);
  const { hits, window_started_at } = row.rows[0]!;
  const retryAfter = Math.max(1, Math.ceil(windowSeconds - (Date.now() - window_started_at.getTime()) / 1000));
  return { allowed: hits <= limit, retryAfter };
}

export async function purgeRateLimits(db: Db, olderThanSeconds: number): Promise<void> {
  await sql`delete from rate_limits where window_started_at < now() - make_interval(secs => ${olderThanSeconds})`.execute(db);
}
