import type { DbOrTx } from '../../db/database.js';

export type RestrictionSubject = { type: 'case' | 'person'; id: string };

/** The subject's "must not see" entries, newest first; removed ones too when asked (the case timeline names them). */
export function listRestrictions(db: DbOrTx, partnershipId: string, subject: RestrictionSubject, options: { includeRemoved: boolean }) {
  let query = db
    .selectFrom('restrictions as r')
    .leftJoin('users as bu', 'bu.id', 'r.blocked_user_id')
    .leftJoin('agencies as bua', (join) => join.onRef('bua.partnership_id', '=', 'bu.partnership_id').onRef('bua.id', '=', 'bu.agency_id'))
    .leftJoin('agencies as ba', (join) => join.onRef('ba.partnership_id', '=', 'r.partnership_id').onRef('ba.id', '=', 'r.blocked_agency_id'))
    .leftJoin('users as cu', 'cu.id', 'r.created_by')
    .select([
      'r.id',
      'r.reason',
      'r.created_at',
      'r.removed_at',
      'bu.display_name as user_name',
      'bu.email as user_email',
      'bua.name as user_agency_name',
      'ba.name as agency_name',
      'cu.display_name as created_by_name',
    ])
    .where('r.partnership_id', '=', partnershipId)
    .where('r.subject_type', '=', subject.type)
    .where('r.subject_id', '=', subject.id);
  if (!options.includeRemoved) query = query.where('r.removed_at', 'is', null);
  return query.orderBy('r.created_at', 'desc').execute();
}

export type RestrictionRow = Awaited<ReturnType<typeof listRestrictions>>[number];

export function findUserByEmail(db: DbOrTx, partnershipId: string, email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'agency_id'])
    .where('partnership_id', '=', partnershipId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export function listAgencies(db: DbOrTx, partnershipId: string) {
  return db.selectFrom('agencies').select(['id', 'name', 'active']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export async function isBlocked(db: DbOrTx, partnershipId: string, subject: RestrictionSubject, blocked: { userId: string | null; agencyId: string | null }) {
  const row = await db
    .selectFrom('restrictions')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('subject_type', '=', subject.type)
    .where('subject_id', '=', subject.id)
    .where('removed_at', 'is', null)
    .where((eb) => (blocked.userId ? eb('blocked_user_id', '=', blocked.userId) : eb('blocked_agency_id', '=', blocked.agencyId)))
    .executeTakeFirst();
  return Boolean(row);
}

export async function insertRestriction(
  db: DbOrTx,
  row: { partnershipId: string; subject: RestrictionSubject; blockedUserId: string | null; blockedAgencyId: string | null; reason: string; createdBy: string },
): Promise<string> {
  const inserted = await db
    .insertInto('restrictions')
    .values({
      partnership_id: row.partnershipId,
      subject_type: row.subject.type,
      subject_id: row.subject.id,
      blocked_user_id: row.blockedUserId,
      blocked_agency_id: row.blockedAgencyId,
      reason: row.reason,
      created_by: row.createdBy,
      removed_at: null,
      removed_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

/** Ends an entry; the row stays, so who was blocked, why and by whom remains on record. */
export async function removeRestriction(db: DbOrTx, partnershipId: string, subject: RestrictionSubject, id: string, removedBy: string): Promise<boolean> {
  const result = await db
    .updateTable('restrictions')
    .set({ removed_at: new Date(), removed_by: removedBy })
    .where('partnership_id', '=', partnershipId)
    .where('subject_type', '=', subject.type)
    .where('subject_id', '=', subject.id)
    .where('id', '=', id)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
