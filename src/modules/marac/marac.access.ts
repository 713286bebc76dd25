import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { caseIdVisible, notRestricted, type Viewer } from '../people/people.policy.js';

/**
 * Who sees a case's MARAC content (DESIGN.md: "attendees of a MARAC meeting that heard it, for that meeting's
 * content, while their agency's information-sharing agreement is in force"). An agenda item — what the agenda
 * shows, the research, the minutes and amendments, the actions — is seen by:
 * - staff who see the case itself (the agency that owns it or one it is shared with), and
 * - staff of an agency invited to the item's meeting.
 * An action is also seen by the agency it is assigned to. Nothing here gives the case, its people or its referrals:
 * an invited agency reads the item's own copy of what the agenda shows. A "must not see" entry on the case wins.
 *
 * The pages check the agreement first (marac.policy.ts); the row-level policies (migration 2026-11-23T2420) check
 * it again in the database.
 */
export function itemVisible(viewer: Viewer, alias = 'i'): RawBuilder<SqlBool> {
  const caseId = sql.ref(`${alias}.case_id`);
  return sql<SqlBool>`(${caseIdVisible(viewer, caseId)}
    or (exists (select 1 from marac_meeting_agencies ma where ma.partnership_id = ${viewer.partnershipId}
          and ma.meeting_id = ${sql.ref(`${alias}.meeting_id`)} and ma.agency_id = ${viewer.agencyId})
        and ${notRestricted(viewer, 'case', caseId)}))`;
}

/** Research, a minute or an action, seen with its agenda item (the row's `agenda_item_id`). */
export function throughItem(viewer: Viewer, alias: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from marac_agenda_items i where i.partnership_id = ${viewer.partnershipId}
    and i.id = ${sql.ref(`${alias}.agenda_item_id`)} and ${itemVisible(viewer, 'i')})`;
}

/**
 * An action: seen by the agency it is assigned to, or with its agenda item. The agency's own check comes first: it
 * is one probe of the "must not see" list, and "my agency's actions" reads thousands of rows that pass it.
 */
export function actionVisible(viewer: Viewer, alias = 'ac'): RawBuilder<SqlBool> {
  return sql<SqlBool>`((${sql.ref(`${alias}.agency_id`)} = ${viewer.agencyId} and ${notRestricted(viewer, 'case', sql.ref(`${alias}.case_id`))})
    or ${throughItem(viewer, alias)})`;
}
