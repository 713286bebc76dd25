import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { caseVisible } from '../people/people.policy.js';
import type { DeclineCode } from './referrals.table.js';

/** Screening MARAC referrals is the coordinator's task (permission referrals:screen). */
function screener(actor: Actor): UserPrincipal {
  if (actor.principal.kind !== 'user' || !actor.principal.permissions.has('referrals:screen')) throw errors.forbidden();
  return actor.principal;
}

/**
 * The coordinator's screening queue: MARAC referrals awaiting a decision, oldest first, with the criterion, score,
 * repeat flag and days waiting (from the referral date, in London).
 */
export async function screeningQueue(db: Db, actor: Actor) {
  const viewer = screener(actor);
  return db
    .selectFrom('referrals as r')
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'r.partnership_id').onRef('c.id', '=', 'r.case_id'))
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'r.partnership_id').onRef('a.id', '=', 'r.referring_agency_id'))
    .select([
      'r.id',
      'r.reference',
      'r.case_id',
      'r.victim_id',
      'c.reference as case_reference',
      'r.criterion',
      'r.score',
      'r.score_band',
      'r.is_repeat',
      'r.escalation_count',
      'r.referred_on',
      'r.version',
      'a.name as referring_agency',
      sql<number>`(${londonToday()}::date - r.referred_on)`.as('days_waiting'),
    ])
    .where('r.partnership_id', '=', viewer.partnershipId)
    .where('r.destination', '=', 'marac')
    .where('r.status', '=', 'awaiting_screening')
    .where(caseVisible(viewer, 'c'))
    .orderBy('r.referred_on')
    .orderBy('r.created_at')
    .limit(500)
    .execute();
}

export type Decision = { decision: 'accept' } | { decision: 'decline'; declineCode: DeclineCode; reason: string };

/** Accepts a referral for the next MARAC, or declines it with a reason; a stale version is refused, never overwritten. */
export async function decideReferral(db: Db, actor: Actor, id: string, version: number, decision: Decision): Promise<void> {
  const viewer = screener(actor);
  await actingTransaction(db, actor, async (trx) => {
    const referral = await trx
      .selectFrom('referrals as r')
      .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'r.partnership_id').onRef('c.id', '=', 'r.case_id'))
      .select(['r.id', 'r.status', 'r.version', 'r.destination'])
      .where('r.partnership_id', '=', viewer.partnershipId)
      .where('r.id', '=', id)
      .where(caseVisible(viewer, 'c'))
      .executeTakeFirst();
    if (!referral || referral.destination !== 'marac') throw errors.notFound('Referral');
    if (referral.version !== version || referral.status !== 'awaiting_screening') throw errors.conflict();
    const declined = decision.decision === 'decline';
    await trx
      .updateTable('referrals')
      .set({
        status: declined ? 'declined' : 'accepted',
        decided_by: viewer.userId,
        decided_at: new Date(),
        decline_code: declined ? decision.declineCode : null,
        decision_reason: declined ? decision.reason : null,
        version: version + 1,
        updated_at: new Date(),
      })
      .where('partnership_id', '=', viewer.partnershipId)
      .where('id', '=', id)
      .where('version', '=', version)
      .execute();
    await actor.record(trx, {
      action: declined ? 'referral.decline' : 'referral.accept',
      outcome: 'success',
      subjectType: 'referral',
      subjectId: id,
      details: declined ? { declineCode: decision.declineCode } : {},
    });
  });
}
