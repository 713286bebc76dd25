import type { Db } from '../../db/database.js';
import { insertMeeting } from './marac.test-support.js';

/**
 * A meeting with its agenda published to the given agencies, straight into the tables (placing and publishing are
 * the agenda's, tested there): the cases in order, the agencies invited and given each case, as publishing does.
 */
export async function insertPublishedMeeting(
  db: Db,
  partnershipId: string,
  fixture: { areaId: string; date: string; caseIds: string[]; agencyIds: string[] },
): Promise<{ meetingId: string; itemIds: string[] }> {
  const meetingId = await insertMeeting(db, partnershipId, fixture.areaId, fixture.date);
  const itemIds: string[] = [];
  for (const [i, caseId] of fixture.caseIds.entries()) {
    const row = await db
      .insertInto('marac_agenda_items')
      .values({ partnership_id: partnershipId, meeting_id: meetingId, case_id: caseId, referral_id: null, position: i + 1, kind: 'new', added_by: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    itemIds.push(row.id);
    for (const agencyId of fixture.agencyIds) {
      await db
        .insertInto('case_agencies')
        .values({ partnership_id: partnershipId, case_id: caseId, agency_id: agencyId, added_by: null })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
  if (fixture.agencyIds.length) {
    await db
      .insertInto('marac_meeting_agencies')
      .values(fixture.agencyIds.map((agencyId) => ({ partnership_id: partnershipId, meeting_id: meetingId, agency_id: agencyId, invited_by: null })))
      .execute();
  }
  await db.updateTable('marac_meetings').set({ agenda_published_at: new Date(), agenda_published_version: 1 }).where('id', '=', meetingId).execute();
  return { meetingId, itemIds };
}

export type ActionFixture = {
  itemId: string;
  agencyId: string;
  dueOn: string;
  assignedUserId?: string | null;
  description?: string;
  /** Marked done at this moment, with a note. */
  completedAt?: Date;
};

/** An action straight into the table, for tests of what reads actions (lists, dashboard, reminders). */
export async function insertActionRow(db: Db, partnershipId: string, fixture: ActionFixture): Promise<string> {
  const item = await db
    .selectFrom('marac_agenda_items as i')
    .innerJoin('marac_meetings as m', (join) => join.onRef('m.partnership_id', '=', 'i.partnership_id').onRef('m.id', '=', 'i.meeting_id'))
    .select(['i.meeting_id', 'i.case_id', 'm.meeting_date'])
    .where('i.id', '=', fixture.itemId)
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('marac_actions')
    .values({
      partnership_id: partnershipId,
      agenda_item_id: fixture.itemId,
      meeting_id: item.meeting_id,
      meeting_date: item.meeting_date,
      case_id: item.case_id,
      agency_id: fixture.agencyId,
      assigned_user_id: fixture.assignedUserId ?? null,
      description: fixture.description ?? 'Check the victim’s tenancy and fit new locks',
      due_on: fixture.dueOn,
      status: fixture.completedAt ? 'done' : 'open',
      completion_note: fixture.completedAt ? 'Done as agreed' : null,
      completed_by: null,
      completed_at: fixture.completedAt ?? null,
      reminder_sent_at: null,
      last_chased_on: null,
      created_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The page's own content, without the layout around it. */
export const mainOf = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'));
