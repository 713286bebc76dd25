import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.js';
import { caseVisible, personVisible, type Viewer } from '../people/people.policy.js';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Which of these people the viewer may see: the victim and perpetrators a referral names by id, in one statement. */
export async function visiblePersonIds(trx: Tx, viewer: Viewer, ids: string[]): Promise<Set<string>> {
  const wellFormed = [...new Set(ids.filter((id) => UUID.test(id)))];
  if (wellFormed.length === 0) return new Set();
  const rows = await trx
    .selectFrom('people as p')
    .select('p.id')
    .where('p.partnership_id', '=', viewer.partnershipId)
    .where(sql<boolean>`p.id = any(${wellFormed}::uuid[])`)
    .where(personVisible(viewer, 'p'))
    .execute();
  return new Set(rows.map((row) => row.id));
}

function referralsOf(db: DbOrTx, partnershipId: string) {
  return db.selectFrom('referrals').select(referralColumns).where('partnership_id', '=', partnershipId);
}

export type ApiReferralRow = NonNullable<Awaited<ReturnType<ReturnType<typeof referralsOf>['executeTakeFirst']>>>;
export type Made = { incidentIds: string[]; caseOpened: boolean };

export function referralByKey(db: DbOrTx, partnershipId: string, tokenId: string, key: string): Promise<ApiReferralRow | undefined> {
  return referralsOf(db, partnershipId).where('api_token_id', '=', tokenId).where('idempotency_key', '=', key).executeTakeFirst();
}

/**
 * What the request that made a referral also made: the incidents it recorded on the case (by date) and whether it
 * opened the case. now() is the transaction's start time, so every row one transaction inserts has the same
 * created_at, to the microsecond: a replay finds them without the referral having to list them. (Compared in SQL:
 * a JavaScript Date keeps only milliseconds.)
 */
const incidentIdsMade = sql<string[]>`array(select i.id from incidents i
  where i.partnership_id = referrals.partnership_id and i.case_id = referrals.case_id and i.created_at = referrals.created_at
  order by i.occurred_on, i.id)::text[]`;
const caseOpenedWith = sql<boolean>`exists (select 1 from cases c
  where c.partnership_id = referrals.partnership_id and c.id = referrals.case_id and c.created_at = referrals.created_at)`;

/** A referral and what its request made, for the answer: one statement. */
export async function referralMade(db: DbOrTx, partnershipId: string, where: { id: string } | { tokenId: string; key: string }) {
  const query = referralsOf(db, partnershipId).select([incidentIdsMade.as('incident_ids'), caseOpenedWith.as('case_opened')]);
  const row = await (
    'id' in where ? query.where('id', '=', where.id) : query.where('api_token_id', '=', where.tokenId).where('idempotency_key', '=', where.key)
  ).executeTakeFirst();
  if (!row) return undefined;
  const { incident_ids, case_opened, ...referral } = row;
  return { referral, made: { incidentIds: incident_ids, caseOpened: case_opened } satisfies Made };
}
