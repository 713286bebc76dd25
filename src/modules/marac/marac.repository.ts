import type { Updateable } from 'kysely';
import type { Database, DbOrTx } from '../../db/database.js';

/** The MARAC tables a form edits in place, each with a version for optimistic locking. */
type Versioned = 'marac_schedules' | 'marac_meetings' | 'marac_research';

/** Optimistic lock: applies `change` only to the version the editor saw and moves the version on; false when someone got there first. */
export async function updateAtVersion<T extends Versioned>(
  db: DbOrTx,
  table: T,
  partnershipId: string,
  id: string,
  version: number,
  change: Updateable<Database[T]>,
): Promise<boolean> {
  const result = await db
    .updateTable(table as Versioned)
    .set({ ...change, version: version + 1, updated_at: new Date() } as never)
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
