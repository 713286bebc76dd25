import type { Db, Tx } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { assertMaySeePersonalData, type Viewer } from '../people/people.policy.js';
import { findRepeat } from './referral.detection.js';
import { referralErrors } from './referral.errors.js';
import * as repo from './referral.repository.js';
import type { IncidentsTable } from './referrals.table.js';

export type IncidentInput = Pick<
  IncidentsTable,
  'occurred_on' | 'occurred_at_time' | 'types' | 'reported_to_police' | 'police_reference' | 'injuries' | 'children_present' | 'location_type' | 'summary'
> & { perpetratorIds: string[] };

/**
 * Records an incident on a case. An incident between the victim and any of the same perpetrators within 12 months
 * of the victim's last MARAC referral — made by any agency — is flagged as a repeat, with that referral linked, so
 * the MARAC coordinator sees it even when the agency recording it never referred.
 */
export async function recordIncident(db: Db, actor: Actor, viewer: Viewer, caseId: string, input: IncidentInput) {
  return actingTransaction(db, actor, (trx) => recordIncidentIn(trx, actor, viewer, caseId, input));
}

/** recordIncident inside the caller's transaction, for a use case that records incidents as one step of several (a referral made through the API). */
export async function recordIncidentIn(trx: Tx, actor: Actor, viewer: Viewer, caseId: string, input: IncidentInput) {
  assertMaySeePersonalData(viewer);
  if (input.occurred_on > londonToday()) throw referralErrors.futureDate('occurredOn');
  const theCase = await repo.caseForReferral(trx, viewer, caseId);
  if (!theCase) throw errors.notFound('Case');
  if (!theCase.victimId) throw referralErrors.noVictim();
  input.perpetratorIds.forEach((id, i) => {
    if (!theCase.perpetratorIds.includes(id)) throw referralErrors.perpetratorNotOnCase(`perpetratorIds.${i}`);
  });
  await repo.lockVictim(trx, viewer.partnershipId, theCase.victimId);
  const repeat = await findRepeat(trx, viewer.partnershipId, theCase.victimId, input.perpetratorIds, input.occurred_on);
  const { perpetratorIds, ...fields } = input;
  const saved = await trx
    .insertInto('incidents')
    .values({
      ...fields,
      partnership_id: viewer.partnershipId,
      case_id: caseId,
      victim_id: theCase.victimId,
      perpetrator_ids: perpetratorIds,
      is_repeat: repeat.isRepeat,
      repeat_of_referral_id: repeat.repeatOf,
      recorded_by: actor.principal.kind === 'user' ? actor.principal.userId : null,
      recorded_by_agency_id: viewer.agencyId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await actor.record(trx, {
    action: 'incident.create',
    outcome: 'success',
    subjectType: 'incident',
    subjectId: saved.id,
    details: { caseId, repeat: repeat.isRepeat },
  });
  return { id: saved.id, repeat: repeat.isRepeat, repeatOf: repeat.repeatOf };
}
