import { sql, type Insertable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { MaracNotificationsTable, NotificationStatus } from './marac.table.js';

/** Publishing an agenda: the agencies invited, who is told, and what each e-mail said. No case content here. */

/** The roles that take part in a MARAC meeting: they are e-mailed when an agenda they are invited to is published. */
export const MEETING_ROLES = ['coordinator', 'chair', 'idva', 'agency_rep'] as const;

/** Every active agency with its agreement dates, to choose whom to invite. */
export function listActiveAgencies(db: DbOrTx, partnershipId: string) {
  return db
    .selectFrom('agencies')
    .select(['id', 'name', 'isa_signed_on', 'isa_expires_on'])
    .where('partnership_id', '=', partnershipId)
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}

export async function inviteAgencies(db: DbOrTx, partnershipId: string, meetingId: string, agencyIds: string[], invitedBy: string): Promise<void> {
  if (agencyIds.length === 0) return;
  await db
    .insertInto('marac_meeting_agencies')
    .values(agencyIds.map((agencyId) => ({ partnership_id: partnershipId, meeting_id: meetingId, agency_id: agencyId, invited_by: invitedBy })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The agenda as published now: its version moves on, so an editor or a second publisher working from the old one is refused. */
export async function markPublished(db: DbOrTx, partnershipId: string, meetingId: string, agendaVersion: number, by: string): Promise<void> {
  await db
    .updateTable('marac_meetings')
    .set({ agenda_version: agendaVersion + 1, agenda_published_version: agendaVersion + 1, agenda_published_at: new Date(), agenda_published_by: by })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', meetingId)
    .execute();
}

/** Active staff of the given agencies who take part in meetings. */
export function meetingStaff(db: DbOrTx, partnershipId: string, agencyIds: string[]) {
  if (agencyIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('users')
    .select(['id', 'agency_id', 'email'])
    .where('partnership_id', '=', partnershipId)
    .where('agency_id', 'in', agencyIds)
    .where('active', '=', true)
    .where(sql<boolean>`roles && ${sql.val([...MEETING_ROLES])}::text[]`)
    .orderBy('email')
    .execute();
}

export function insertNotifications(db: DbOrTx, rows: Insertable<MaracNotificationsTable>[]) {
  if (rows.length === 0) return Promise.resolve([]);
  return db.insertInto('marac_notifications').values(rows).returning(['id', 'email', 'subject', 'body', 'status']).execute();
}

export async function setNotificationStatus(db: DbOrTx, partnershipId: string, id: string, status: NotificationStatus, error: string | null): Promise<void> {
  await db
    .updateTable('marac_notifications')
    .set({ status, error, sent_at: status === 'sent' ? new Date() : null })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .execute();
}

/** Who was told about a meeting, newest first. */
export function listNotifications(db: DbOrTx, partnershipId: string, meetingId: string) {
  return db
    .selectFrom('marac_notifications as n')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'n.partnership_id').onRef('a.id', '=', 'n.agency_id'))
    .select(['n.id', 'n.email', 'n.kind', 'n.status', 'n.agenda_version', 'n.created_at', 'n.sent_at', 'a.name as agency_name'])
    .where('n.partnership_id', '=', partnershipId)
    .where('n.meeting_id', '=', meetingId)
    .orderBy('n.created_at', 'desc')
    .orderBy('a.name')
    .orderBy('n.email')
    .limit(500)
    .execute();
}
