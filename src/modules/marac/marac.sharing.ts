import type { Tx } from '../../db/database.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { findVisibleCase, insertCaseAgency, listAgreementAgencies, listCaseAgencies } from '../people/case.repository.js';

/**
 * DESIGN.md: "a case is visible to … attendees of a MARAC meeting that heard it, while their agency's
 * information-sharing agreement is in force". Harbour gives the case to each agency invited to the meeting (the
 * people module's case_agencies, which its rule and row-level security already follow), so their staff see the
 * agenda's case details, the research and, later, the minutes — and nothing changes in how a case is read.
 *
 * Only agencies whose agreement is in force today are given a case; one on the case's "must not see" list still
 * sees nothing of it (that list wins over sharing). Each grant is on the case's timeline as case.agency.assign.
 * (assignAgency in the people module is the owning agency's own decision; this is the MARAC's, made by the
 * coordinator, who sees the case as the receiving MARAC agency.)
 */
export async function shareCasesWithMeeting(
  trx: Tx,
  actor: Actor,
  viewer: UserPrincipal,
  meetingId: string,
  agencyIds: string[],
  caseIds: string[],
): Promise<number> {
  const inForce = new Set((await listAgreementAgencies(trx, viewer.partnershipId, londonToday())).map((a) => a.id));
  const agencies = agencyIds.filter((id) => inForce.has(id));
  let shared = 0;
  for (const caseId of new Set(caseIds)) {
    const found = await findVisibleCase(trx, viewer, caseId);
    if (!found) continue;
    const has = new Set([found.owning_agency_id, ...(await listCaseAgencies(trx, viewer.partnershipId, caseId)).map((a) => a.id)]);
    for (const agencyId of agencies.filter((id) => !has.has(id))) {
      await insertCaseAgency(trx, { partnershipId: viewer.partnershipId, caseId, agencyId, addedBy: viewer.userId });
      await actor.record(trx, {
        action: 'case.agency.assign',
        outcome: 'success',
        subjectType: 'case',
        subjectId: caseId,
        details: { agencyId, via: 'marac', meetingId },
      });
      shared += 1;
    }
  }
  return shared;
}
