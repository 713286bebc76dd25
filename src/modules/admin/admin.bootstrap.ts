import type { Db } from '../../db/database.js';

/** Production start-up: one partnership row, named from configuration, so agencies and users have a home. */
export async function ensurePartnership(db: Db, name: string): Promise<string> {
  const existing = await db.selectFrom('partnerships').select('id').orderBy('created_at').limit(1).executeTakeFirst();
  if (existing) return existing.id;
  const created = await db.insertInto('partnerships').values({ name }).returning('id').executeTakeFirstOrThrow();
  return created.id;
}
