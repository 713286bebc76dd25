import { sql } from 'kysely';
import type { Tx } from '../../db/database.js';
import { SYSTEM_VIEWER, withinTransactionAs, type DbViewer } from '../../db/viewer.js';

/**
 * The two rules Harbour works out when a referral or incident is written (DOMAIN.md §3; docs/referrals.md), so
 * lists and reports read a stored flag and never recompute it.
 */

export type RepeatFinding = { isRepeat: boolean; repeatOf: string | null };

/**
 * Repeat: a referral or incident on date `on` for the same victim and any of the same perpetrators, within
 * 12 months of the last MARAC referral — inclusive: a referral on 10 January 2025 makes anything up to and
 * including 10 January 2026 a repeat (PostgreSQL calendar-month arithmetic; 29 February + 12 months is 28 February).
 * Declined and withdrawn referrals do not count: the case was not taken to MARAC.
 *
 * Merges are followed: a referral on a record since merged into the victim's (or a perpetrator's) counts.
 * Whichever agency records it, every agency's referrals count: the check reads as the system, inside the writing
 * transaction, and only the flag and the earlier referral's id are stored.
 */
export function findRepeat(trx: Tx, partnershipId: string, victimId: string, perpetratorIds: string[], on: string): Promise<RepeatFinding> {
  if (perpetratorIds.length === 0) return Promise.resolve({ isRepeat: false, repeatOf: null });
  return withinTransactionAs(trx, SYSTEM_VIEWER, async () => {
    const { rows } = await sql<{ id: string }>`
      select id from referrals
      where partnership_id = ${partnershipId} and victim_id = any(harbour_person_family(${partnershipId}, ${victimId})) and destination = 'marac'
        and status in ('awaiting_screening', 'accepted')
        and perpetrator_ids && (select array_agg(f) from unnest(${perpetratorIds}::uuid[]) p cross join lateral unnest(harbour_person_family(${partnershipId}, p)) f)
        and referred_on <= ${on}::date and ${on}::date <= referred_on + interval '12 months'
      order by referred_on desc, created_at desc
      limit 1`.execute(trx);
    const earlier = rows[0];
    return { isRepeat: Boolean(earlier), repeatOf: earlier?.id ?? null };
  });
}

export type EscalationWindow = { incidents: number; months: number };

/**
 * Potential escalation: the victim's incidents (any case, any agency, any perpetrator, records merged into theirs) on or before `on` and on or
 * after the same day `months` earlier. Counted across the partnership minus the records the referrer is on a
 * "must not see" list for, so the count never reveals a record hidden from them.
 */
export function countIncidentsInWindow(trx: Tx, referrer: DbViewer, partnershipId: string, victimId: string, on: string, months: number): Promise<number> {
  const viewer: DbViewer = referrer.kind === 'agency' ? { ...referrer, kind: 'partnership' } : referrer;
  return withinTransactionAs(trx, viewer, async () => {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from incidents
      where partnership_id = ${partnershipId} and victim_id = any(harbour_person_family(${partnershipId}, ${victimId}))
        and occurred_on <= ${on}::date and occurred_on >= (${on}::date - make_interval(months => ${months}))::date`.execute(trx);
    return rows[0]!.n;
  });
}
