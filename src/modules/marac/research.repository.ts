import type { DbOrTx } from '../../db/database.js';
import type { Viewer } from '../people/people.policy.js';
import { throughItem } from './marac.access.js';

/** Agencies' research on agenda cases. Read with the MARAC content rule (marac.access.ts); row-level security is the second wall. */

function research(db: DbOrTx, viewer: Viewer) {
  return db
    .selectFrom('marac_research as r')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'r.partnership_id').onRef('a.id', '=', 'r.agency_id'))
    .leftJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 'r.partnership_id').onRef('u.id', '=', 'r.recorded_by'))
    .select([
      'r.id',
      'r.agenda_item_id',
      'r.agency_id',
      'a.name as agency_name',
      'r.known_to_agency',
      'r.open_case',
      'r.risks_identified',
      'r.notes',
      'r.version',
      'r.updated_at',
      'u.display_name as recorded_by_name',
    ])
    .where('r.partnership_id', '=', viewer.partnershipId)
    .where(throughItem(viewer, 'r'));
}

export type ResearchRow = Awaited<ReturnType<typeof listResearch>>[number];

/** Every agency's research on the given agenda items, by agency name. */
export function listResearch(db: DbOrTx, viewer: Viewer, itemIds: string[]) {
  if (itemIds.length === 0) return Promise.resolve([]);
  return research(db, viewer).where('r.agenda_item_id', 'in', itemIds).orderBy('a.name').execute();
}

export function findAgencyResearch(db: DbOrTx, viewer: Viewer, itemId: string, agencyId: string) {
  return research(db, viewer).where('r.agenda_item_id', '=', itemId).where('r.agency_id', '=', agencyId).executeTakeFirst();
}

export type ResearchValues = { known_to_agency: boolean; open_case: boolean; risks_identified: boolean; notes: string | null };

export async function insertResearch(
  db: DbOrTx,
  row: ResearchValues & { partnership_id: string; agenda_item_id: string; case_id: string; agency_id: string; recorded_by: string },
): Promise<string> {
  return (await db.insertInto('marac_research').values(row).returning('id').executeTakeFirstOrThrow()).id;
}
