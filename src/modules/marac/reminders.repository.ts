import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';

/**
 * The daily reminder and chase run's bookkeeping on marac_actions. Each statement claims the actions it is about in
 * one UPDATE (a row can be claimed by one run only), so running the job twice sends nothing twice:
 * `reminder_sent_at` is set once, `last_chased_on` once per day. Called by the job, as the system.
 */

export type ClaimedAction = {
  id: string;
  meeting_id: string;
  meeting_date: string;
  agency_id: string;
  agency_name: string;
  assigned_user_id: string | null;
  due_on: string;
};

/** Open actions due today or tomorrow that have had no reminder: the one reminder each gets, the day before it is due. */
export async function claimReminders(db: DbOrTx, partnershipId: string, day: string, tomorrow: string, at: Date): Promise<ClaimedAction[]> {
  const { rows } = await sql<ClaimedAction>`
    update marac_actions ac set reminder_sent_at = ${at}
    from agencies a
    where ac.partnership_id = ${partnershipId} and ac.status = 'open' and ac.due_on between ${day} and ${tomorrow}
      and ac.reminder_sent_at is null and a.partnership_id = ac.partnership_id and a.id = ac.agency_id
    returning ac.id, ac.meeting_id, ac.meeting_date, ac.agency_id, a.name as agency_name, ac.assigned_user_id, ac.due_on`.execute(db);
  return rows;
}

/** Open actions past their due date not yet chased today: one chase each per day. */
export async function claimChases(db: DbOrTx, partnershipId: string, day: string): Promise<ClaimedAction[]> {
  const { rows } = await sql<ClaimedAction>`
    update marac_actions ac set last_chased_on = ${day}, chase_count = ac.chase_count + 1
    from agencies a
    where ac.partnership_id = ${partnershipId} and ac.status = 'open' and ac.due_on < ${day}
      and (ac.last_chased_on is null or ac.last_chased_on < ${day}) and a.partnership_id = ac.partnership_id and a.id = ac.agency_id
    returning ac.id, ac.meeting_id, ac.meeting_date, ac.agency_id, a.name as agency_name, ac.assigned_user_id, ac.due_on`.execute(db);
  return rows;
}

export function partnerships(db: DbOrTx) {
  return db.selectFrom('partnerships').select('id').execute();
}

/** Active users by id, for the person an action was given to. */
export function activeUsers(db: DbOrTx, partnershipId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('users')
    .select(['id', 'agency_id', 'email'])
    .where('partnership_id', '=', partnershipId)
    .where('id', 'in', ids)
    .where('active', '=', true)
    .execute();
}
