import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';

/**
 * The coordinator's dashboard: counts only, across every case of the partnership (the caller reads them past the
 * viewer's sight). Definitions in docs/marac.md; "on time" compares the London calendar date of completion with the
 * due date.
 */

export type Window = { from: string | null; today: string };

export type ActionCounts = {
  agency_id: string;
  agency_name: string;
  /** Due in the window and decided: done, or still open after its due date. */
  counted: number;
  on_time: number;
  done_late: number;
  open_overdue: number;
  /** Open and past due now, whatever the window. */
  overdue_now: number;
};

/** Per agency: actions due in the window (up to today) that were done on time, done late or are overdue; and overdue now. */
export async function actionCounts(db: DbOrTx, partnershipId: string, window: Window): Promise<ActionCounts[]> {
  const inWindow = window.from ? sql`ac.due_on between ${window.from} and ${window.today}` : sql`ac.due_on <= ${window.today}`;
  const doneOn = sql`(ac.completed_at at time zone 'Europe/London')::date`;
  const { rows } = await sql<ActionCounts>`
    select a.id as agency_id, a.name as agency_name,
      (count(*) filter (where ${inWindow} and (ac.status = 'done' or ac.due_on < ${window.today})))::int as counted,
      (count(*) filter (where ${inWindow} and ac.status = 'done' and ${doneOn} <= ac.due_on))::int as on_time,
      (count(*) filter (where ${inWindow} and ac.status = 'done' and ${doneOn} > ac.due_on))::int as done_late,
      (count(*) filter (where ${inWindow} and ac.status = 'open' and ac.due_on < ${window.today}))::int as open_overdue,
      (count(*) filter (where ac.status = 'open' and ac.due_on < ${window.today}))::int as overdue_now
    from marac_actions ac
    join agencies a on a.partnership_id = ac.partnership_id and a.id = ac.agency_id
    where ac.partnership_id = ${partnershipId}
    group by a.id, a.name
    order by a.name`.execute(db);
  return rows;
}

export type ResearchCounts = { agency_id: string; agency_name: string; expected: number; returned: number; meetings: number };

/**
 * Per invited agency: the cases on the agendas of meetings held in the window (not cancelled, on or before today)
 * that it was invited to, and how many of them it returned research on.
 */
export async function researchCounts(db: DbOrTx, partnershipId: string, window: Window): Promise<ResearchCounts[]> {
  const from = window.from ? sql`and m.meeting_date >= ${window.from}` : sql``;
  const { rows } = await sql<ResearchCounts>`
    select a.id as agency_id, a.name as agency_name, count(i.id)::int as expected, count(r.id)::int as returned,
      count(distinct m.id)::int as meetings
    from marac_meeting_agencies ma
    join marac_meetings m on m.partnership_id = ma.partnership_id and m.id = ma.meeting_id
    join marac_agenda_items i on i.partnership_id = m.partnership_id and i.meeting_id = m.id
    join agencies a on a.partnership_id = ma.partnership_id and a.id = ma.agency_id
    left join marac_research r on r.partnership_id = i.partnership_id and r.agenda_item_id = i.id and r.agency_id = ma.agency_id
    where ma.partnership_id = ${partnershipId} and m.status <> 'cancelled' and m.meeting_date <= ${window.today} ${from}
    group by a.id, a.name
    order by a.name`.execute(db);
  return rows;
}
