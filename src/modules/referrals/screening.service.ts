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

export const QUEUE_PAGE_SIZE = 50;

/**
 * The coordinator's screening queue: MARAC referrals awaiting a decision, oldest first, with the criterion, score,
 * repeat flag and days waiting (from the referral date, in London). A page of QUEUE_PAGE_SIZE, after the referral
 * `after` (the last of the previous page: keyset paging in the queue's order, which referrals_screening_idx holds,
 * so a page reads and checks 51 referrals whatever the backlog); `next` is the last of this page when more follow.
 */
export async function screeningQueue(db: Db, actor: Actor, after?: string) {
  const viewer = screener(actor);
  const rows = await db
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
    // Literals, not parameters: a prepared statement's generic plan may then use referrals_screening_idx, whose
    // predicate they must match.
    .where('r.destination', '=', sql.lit('marac'))
    .where('r.status', '=', sql.lit('awaiting_screening'))
    .where(caseVisible(viewer, 'c'))
    .$if(after !== undefined, (query) =>
      query.where(
        sql<boolean>`(r.referred_on, r.created_at, r.id) > (select p.referred_on, p.created_at, p.id from referrals p
          where p.partnership_id = ${viewer.partnershipId} and p.id = ${after})`,
      ),
    )
    .orderBy('r.referred_on')
    .orderBy('r.created_at')
    .orderBy('r.id')
    .limit(QUEUE_PAGE_SIZE + 1)
    .execute();
  const page = rows.slice(0, QUEUE_PAGE_SIZE);
  return { rows: page, next: rows.length > QUEUE_PAGE_SIZE ? page.at(-1)!.id : null };
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
