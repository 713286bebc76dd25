import { sql, type Kysely } from 'kysely';

/**
 * The MARAC actions' row-level policy checks the agency's own actions first (as `marac.access.ts` does): "my agency's
 * open actions" reads thousands of rows that pass the cheap check, and each used to be tried against its agenda item's
 * policy (the case, the meeting's invitations) before it (MARAC benchmark, docs/performance.md). Same rule, new order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const rule = sql.raw(`(harbour_viewer_kind() = 'agency' and marac_actions.agency_id = harbour_viewer_agency()
      and harbour_viewer_agreement_in_force() and not harbour_blocked('case', marac_actions.case_id))
    or exists (select 1 from marac_agenda_items i where i.partnership_id = marac_actions.partnership_id and i.id = marac_actions.agenda_item_id)`);
  await sql`drop policy viewer_access on marac_actions`.execute(db);
  await sql`create policy viewer_access on marac_actions to harbour_app using (${rule}) with check (${rule})`.execute(db);
}
