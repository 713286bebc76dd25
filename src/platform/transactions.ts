import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Actor } from './request-context.js';

/**
 * A transaction that knows who is acting: record_history rows written by triggers in it name the user (PostgreSQL
 * setting harbour.user_id) and, for a change made through the API, the token (harbour.api_token_id, kept in
 * record_history.changed_by_token_id); both settings are local to the transaction. The people API's services see a
 * token as a member of its agency who is no particular user, so its actor names the token in `apiTokenId`
 * (modules/people/people.api.token.ts).
 */
export async function actingTransaction<T>(db: Db, actor: Actor & { apiTokenId?: string }, work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const userId = actor.principal.kind === 'user' ? actor.principal.userId : '';
    const tokenId = actor.principal.kind === 'token' ? actor.principal.tokenId : (actor.apiTokenId ?? '');
    await sql`select set_config('harbour.user_id', ${userId}, true), set_config('harbour.api_token_id', ${tokenId}, true)`.execute(trx);
    return work(trx);
  });
}
