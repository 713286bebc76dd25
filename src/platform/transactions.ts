import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Actor } from './request-context.js';

/**
 * A transaction that knows who is acting: record_history rows written by triggers in it name the user
 * (PostgreSQL setting harbour.user_id, local to the transaction).
 */
export async function actingTransaction<T>(db: Db, actor: Actor, work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const userId = actor.principal.kind === 'user' ? actor.principal.userId : '';
    await sql`select set_config('harbour.user_id', ${userId}, true)`.execute(trx);
    return work(trx);
  });
}
