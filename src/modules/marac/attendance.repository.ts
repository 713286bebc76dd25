import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { ROLE_PERMISSIONS, ROLES } from '../../platform/permissions.js';
import type { AttendanceStatus } from './meeting-day.schemas.js';

/** The attendance register and confidentiality confirmations: staff names only, no case content. */

function register(db: DbOrTx, partnershipId: string) {
  return db
    .selectFrom('marac_attendance as at')
    .innerJoin('users as u', (join) => join.onRef('u.partnership_id', '=', 'at.partnership_id').onRef('u.id', '=', 'at.user_id'))
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'at.partnership_id').onRef('a.id', '=', 'at.agency_id'))
    .select(['at.id', 'at.user_id', 'at.agency_id', 'at.status', 'at.confidentiality_confirmed_at', 'at.version', 'u.display_name', 'a.name as agency_name'])
    .where('at.partnership_id', '=', partnershipId);
}

export type AttendanceRow = Awaited<ReturnType<typeof listAttendance>>[number];

/** The register by agency, then name. */
export function listAttendance(db: DbOrTx, partnershipId: string, meetingId: string) {
  return register(db, partnershipId).where('at.meeting_id', '=', meetingId).orderBy('a.name').orderBy('u.display_name').execute();
}

export function findAttendance(db: DbOrTx, partnershipId: string, meetingId: string, userId: string) {
  return register(db, partnershipId).where('at.meeting_id', '=', meetingId).where('at.user_id', '=', userId).executeTakeFirst();
}

export async function insertAttendance(
  db: DbOrTx,
  row: { partnershipId: string; meetingId: string; userId: string; agencyId: string; status: AttendanceStatus; recordedBy: string },
): Promise<void> {
  await db
    .insertInto('marac_attendance')
    .values({
      partnership_id: row.partnershipId,
      meeting_id: row.meetingId,
      user_id: row.userId,
      agency_id: row.agencyId,
      status: row.status,
      confidentiality_confirmed_at: null,
      recorded_by: row.recordedBy,
    })
    .execute();
}

/** Optimistic lock. Apologies clear a confirmation: someone who then comes confirms again. */
export async function updateAttendanceStatus(db: DbOrTx, partnershipId: string, id: string, version: number, status: AttendanceStatus, by: string) {
  const result = await db
    .updateTable('marac_attendance')
    .set((eb) => ({
      status,
      recorded_by: by,
      confidentiality_confirmed_at: status === 'apologies' ? null : eb.ref('confidentiality_confirmed_at'),
      version: version + 1,
      updated_at: new Date(),
    }))
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Records the user's confirmation of the statement, once: it puts them on the register as present (an attendee
 * signs in by confirming), and a second confirmation keeps the first time.
 */
export async function confirmAttendance(db: DbOrTx, row: { partnershipId: string; meetingId: string; userId: string; agencyId: string; at: Date }) {
  await sql`
    insert into marac_attendance (partnership_id, meeting_id, user_id, agency_id, status, confidentiality_confirmed_at, recorded_by)
    values (${row.partnershipId}, ${row.meetingId}, ${row.userId}, ${row.agencyId}, 'present', ${row.at}, ${row.userId})
    on conflict (partnership_id, meeting_id, user_id) do update
      set status = 'present',
          confidentiality_confirmed_at = coalesce(marac_attendance.confidentiality_confirmed_at, excluded.confidentiality_confirmed_at),
          version = marac_attendance.version + 1,
          updated_at = now()
      where marac_attendance.confidentiality_confirmed_at is null`.execute(db);
}

/** The roles that see case content: only their holders can take part in a meeting or be given an action. */
const CASEWORK_ROLES = ROLES.filter((role) => ROLE_PERMISSIONS[role].includes('personal-data:read'));

/** Active casework staff of the given agencies, by agency and name: who may be on a register or given an action. */
export function activeStaff(db: DbOrTx, partnershipId: string, agencyIds: string[]) {
  if (agencyIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('users as u')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'u.partnership_id').onRef('a.id', '=', 'u.agency_id'))
    .select(['u.id', 'u.display_name', 'u.agency_id', 'a.name as agency_name'])
    .where('u.partnership_id', '=', partnershipId)
    .where('u.agency_id', 'in', agencyIds)
    .where('u.active', '=', true)
    .where(sql<boolean>`u.roles && ${sql.val([...CASEWORK_ROLES])}::text[]`)
    .orderBy('a.name')
    .orderBy('u.display_name')
    .execute();
}

export type StaffRow = Awaited<ReturnType<typeof activeStaff>>[number];
