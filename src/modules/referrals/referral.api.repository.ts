import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.js';
import { caseVisible, type Viewer } from '../people/people.policy.js';

/** The SQL of POST /api/v1/referrals: which case a referral goes on, and what a retried request made the first time. */

/**
 * The victim's most recently opened open case that the viewer may see (owned by or shared with their agency) and
 * that has every one of these perpetrators on it (it may have others too).
 */
export async function findOpenCaseWith(trx: Tx, viewer: Viewer, victimId: string, perpetratorIds: string[]): Promise<string | null> {
  const row = await trx
    .selectFrom('cases as c')
    .select('c.id')
    .where('c.partnership_id', '=', viewer.partnershipId)
    .where('c.status', '=', 'open')
    .where(caseVisible(viewer, 'c'))
    .where(
      sql<boolean>`exists (select 1 from case_people v
        where v.partnership_id = c.partnership_id and v.case_id = c.id and v.role = 'victim' and v.person_id = ${victimId})`,
    )
    .where(
      sql<boolean>`(select count(distinct p.person_id) from case_people p
        where p.partnership_id = c.partnership_id and p.case_id = c.id and p.role = 'perpetrator'
          and p.person_id = any(${perpetratorIds}::uuid[])) = ${perpetratorIds.length}`,
    )
    .orderBy('c.opened_on', 'desc')
    .orderBy('c.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Serialises requests with the same Idempotency-Key from the same token: the second waits until the first has
 * committed (or rolled back), then finds what it made.
 */
export async function lockIdempotencyKey(trx: Tx, partnershipId: string, tokenId: string, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`referral-key:${partnershipId}:${tokenId}:${key}`}, 0))`.execute(trx);
}

const referralColumns = [
  'id',
  'reference',
  'case_id',
  'victim_id',
  'perpetrator_ids',
  'destination',
  'criterion',
  'to_agency_id',
  'referred_on',
  'is_repeat',
  'repeat_of_id',
  'escalation_count',
  'risk_assessment_id',
  'score',
  'score_band',
] as const;

export function referralById(trx: Tx, partnershipId: string, id: string) {
  return trx.selectFrom('referrals').select(referralColumns).where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirstOrThrow();
}

export type ApiReferralRow = Awaited<ReturnType<typeof referralById>>;

export function referralByKey(db: DbOrTx, partnershipId: string, tokenId: string, key: string): Promise<ApiReferralRow | undefined> {
  return db
    .selectFrom('referrals')
    .select(referralColumns)
    .where('partnership_id', '=', partnershipId)
    .where('api_token_id', '=', tokenId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/**
 * What the request that made a referral also made: the incidents it recorded on the case (by date) and whether it
 * opened the case. now() is the transaction's start time, so every row one transaction inserts has the same
 * created_at, to the microsecond: a replay finds them without the referral having to list them. (Compared in SQL:
 * a JavaScript Date keeps only milliseconds.)
 */
export async function madeWithReferral(trx: Tx, partnershipId: string, referralId: string): Promise<{ incidentIds: string[]; caseOpened: boolean }> {
  const { rows } = await sql<{ incident_ids: string[]; case_opened: boolean }>`
    select
      array(select i.id from incidents i
            where i.partnership_id = r.partnership_id and i.case_id = r.case_id and i.created_at = r.created_at
            order by i.occurred_on, i.id)::text[] as incident_ids,
      exists (select 1 from cases c where c.partnership_id = r.partnership_id and c.id = r.case_id and c.created_at = r.created_at) as case_opened
    from referrals r
    where r.partnership_id = ${partnershipId} and r.id = ${referralId}`.execute(trx);
  const row = rows[0];
  return { incidentIds: row?.incident_ids ?? [], caseOpened: row?.case_opened ?? false };
}
