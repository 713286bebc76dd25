import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { listItems, findItem } from './agenda.repository.js';
import { maracErrors } from './marac.errors.js';
import { caseworker, coordinator, mayResearch, seesAgenda, type MeetingAccess } from './marac.policy.js';
import { meetingAgencies } from './meeting.repository.js';
import { findMeeting, meetingAccess } from './meeting.service.js';
import { updateAtVersion } from './marac.repository.js';
import * as repo from './research.repository.js';

/**
 * Research (issue 5, step 3): before the meeting each invited agency records, per agenda case, what it holds —
 * known to us, an open case, risks identified, and notes. Research is for the meeting's attendees only: the
 * coordinator and the agencies invited to the meeting (marac.policy.ts), whose agreement is in force.
 */

export type ResearchInput = { knownToAgency: boolean; openCase: boolean; risksIdentified: boolean; notes: string | null };

/** Not for this viewer: an agency without an agreement is told why; anyone else finds nothing (like a missing record). */
function refuseUnlessSees(access: MeetingAccess): void {
  if (!access.agreementInForce) throw maracErrors.agreementNotInForce();
  if (!seesAgenda(access)) throw errors.notFound('Agenda item');
}

async function visibleItem(db: Db, viewer: UserPrincipal, meetingId: string, itemId: string) {
  const meeting = await findMeeting(db, viewer.partnershipId, meetingId);
  const access = await meetingAccess(db, viewer, meeting);
  refuseUnlessSees(access);
  const item = await findItem(db, viewer, meetingId, itemId);
  if (!item) throw errors.notFound('Agenda item');
  return { meeting, access, item };
}

/** One agenda case: who it is (reference, initials, date of birth), every invited agency's research, and the viewer's own. */
export async function itemPage(db: Db, actor: Actor, meetingId: string, itemId: string) {
  const viewer = caseworker(actor);
  const { meeting, access, item } = await visibleItem(db, viewer, meetingId, itemId);
  const research = await repo.listResearch(db, viewer, [itemId]);
  return { meeting, access, item, research, own: research.find((r) => r.agency_id === viewer.agencyId) ?? null, mayResearch: mayResearch(access) };
}

/** Records or changes the viewer's agency's research on one case (version 0: none yet). A stale version is refused. */
export async function saveResearch(db: Db, actor: Actor, meetingId: string, itemId: string, input: ResearchInput, version: number): Promise<void> {
  const viewer = caseworker(actor);
  await actingTransaction(db, actor, async (trx) => {
    const meeting = await findMeeting(trx, viewer.partnershipId, meetingId);
    const access = await meetingAccess(trx, viewer, meeting);
    refuseUnlessSees(access);
    if (!access.invited) throw maracErrors.notInvited();
    if (!mayResearch(access)) throw maracErrors.meetingNotOpen('form');
    const item = await findItem(trx, viewer, meetingId, itemId);
    if (!item) throw errors.notFound('Agenda item');
    const values = {
      known_to_agency: input.knownToAgency,
      open_case: input.knownToAgency && input.openCase,
      risks_identified: input.knownToAgency && input.risksIdentified,
      notes: input.notes,
      recorded_by: viewer.userId,
    };
    const existing = await repo.findAgencyResearch(trx, viewer, itemId, viewer.agencyId);
    if ((existing?.version ?? 0) !== version) throw errors.conflict();
    if (existing) {
      if (!(await updateAtVersion(trx, 'marac_research', viewer.partnershipId, existing.id, version, values))) throw errors.conflict();
    } else {
      await repo.insertResearch(trx, {
        ...values,
        partnership_id: viewer.partnershipId,
        agenda_item_id: itemId,
        case_id: item.case_id,
        agency_id: viewer.agencyId,
      });
    }
    await actor.record(trx, {
      action: 'marac.research.save',
      outcome: 'success',
      subjectType: 'marac_agenda_item',
      subjectId: itemId,
      details: { meetingId, caseId: item.case_id, knownToAgency: values.known_to_agency, openCase: values.open_case, risksIdentified: values.risks_identified },
    });
  });
}

/** The coordinator's grid: for each agenda case, which invited agencies have returned research and which have not. */
export async function researchGrid(db: Db, actor: Actor, meetingId: string) {
  const viewer = coordinator(actor);
  const meeting = await findMeeting(db, viewer.partnershipId, meetingId);
  const access = await meetingAccess(db, viewer, meeting);
  if (!access.agreementInForce) throw maracErrors.agreementNotInForce();
  const [items, agencies] = await Promise.all([listItems(db, viewer, meetingId), meetingAgencies(db, viewer.partnershipId, meetingId)]);
  const research = await repo.listResearch(
    db,
    viewer,
    items.map((i) => i.id),
  );
  const done = new Set(research.map((r) => `${r.agenda_item_id}:${r.agency_id}`));
  return { meeting, items, agencies, done };
}

/** Which agenda items the viewer's agency has researched, for the agenda page. */
export async function researchedByAgency(db: Db, viewer: UserPrincipal, itemIds: string[]): Promise<Set<string>> {
  const rows = await repo.listResearch(db, viewer, itemIds);
  return new Set(rows.filter((r) => r.agency_id === viewer.agencyId).map((r) => r.agenda_item_id));
}
