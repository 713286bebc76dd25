import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { caseVisible, type Viewer } from '../people/people.policy.js';
import type { ReferralsTable } from './referrals.table.js';
import type { Insertable } from 'kysely';

/** The case as a referral or incident needs it: visible to the viewer, with its victim and perpetrators (one statement). */
export async function caseForReferral(db: DbOrTx, viewer: Viewer, caseId: string) {
  const found = await db
    .selectFrom('cases as c')
    .select(['c.id', 'c.reference', 'c.owning_agency_id'])
    .select(
      sql<string | null>`(select cp.person_id from case_people cp where cp.partnership_id = c.partnership_id and cp.case_id = c.id
        and cp.role = 'victim' limit 1)`.as('victim_id'),
    )
    .select(
      sql<string[]>`array(select cp.person_id from case_people cp where cp.partnership_id = c.partnership_id and cp.case_id = c.id
        and cp.role = 'perpetrator')::text[]`.as('perpetrator_ids'),
    )
    .where('c.partnership_id', '=', viewer.partnershipId)
    .where('c.id', '=', caseId)
    .where(caseVisible(viewer, 'c'))
    .executeTakeFirst();
  if (!found) return null;
  const { victim_id, perpetrator_ids, ...theCase } = found;
  return { ...theCase, victimId: victim_id, perpetratorIds: perpetrator_ids };
}

export type ReferralCase = NonNullable<Awaited<ReturnType<typeof caseForReferral>>>;

export async function settings(db: DbOrTx, partnershipId: string) {
  const row = await db.selectFrom('referral_settings').selectAll().where('partnership_id', '=', partnershipId).executeTakeFirst();
  return rulesOf(row);
}

type SettingsRow = { escalation_incidents: number | null; escalation_months: number | null; marac_agency_id: string | null };

function rulesOf(row: SettingsRow | undefined) {
  return { escalationIncidents: row?.escalation_incidents ?? 3, escalationMonths: row?.escalation_months ?? 12, maracAgencyId: row?.marac_agency_id ?? null };
}

/** The partnership's referral settings, and whether `agencyId` has an agreement in force on `today`: one statement for a new referral. */
export async function settingsAndAgreement(db: DbOrTx, partnershipId: string, agencyId: string | null, today: string) {
  const { rows } = await sql<SettingsRow & { in_force: boolean }>`
    select s.escalation_incidents, s.escalation_months, s.marac_agency_id,
      exists (${agenciesWithAgreement(db, partnershipId, today).select('id').where('id', '=', agencyId)}) as in_force
    from (select 1) as one left join referral_settings s on s.partnership_id = ${partnershipId}`.execute(db);
  const row = rows[0]!;
  return {
    rules: rulesOf(row),
    agreementInForce: agencyId !== null && row.in_force,
  };
}

/** Active agencies whose information-sharing agreement is in force on `today` (DOMAIN.md §6). */
function agenciesWithAgreement(db: DbOrTx, partnershipId: string, today: string) {
  return db
    .selectFrom('agencies')
    .where('partnership_id', '=', partnershipId)
    .where('active', '=', true)
    .where('isa_signed_on', '<=', today)
    .where((eb) => eb.or([eb('isa_expires_on', 'is', null), eb('isa_expires_on', '>=', today)]));
}

export async function agencyWithAgreement(db: DbOrTx, partnershipId: string, agencyId: string, today: string): Promise<boolean> {
  return Boolean(await agenciesWithAgreement(db, partnershipId, today).select('id').where('id', '=', agencyId).executeTakeFirst());
}

/** The agencies a referral may go to, by name. */
export function listAgreementAgencies(db: DbOrTx, partnershipId: string, today: string) {
  return agenciesWithAgreement(db, partnershipId, today).select(['id', 'name']).orderBy('name').execute();
}

/** A submitted assessment on the case: the one named, or else the latest with a score-based band. */
export function scoredAssessment(db: DbOrTx, partnershipId: string, caseId: string, id: string | null) {
  let query = db
    .selectFrom('risk_assessments')
    .select(['id', 'score', 'score_band'])
    .where('partnership_id', '=', partnershipId)
    .where('case_id', '=', caseId)
    .where('status', '=', 'submitted');
  query = id ? query.where('id', '=', id) : query.where('score_band', 'is not', null).orderBy('assessed_on', 'desc').orderBy('submitted_at', 'desc').limit(1);
  return query.executeTakeFirst();
}

export async function nextReference(db: DbOrTx): Promise<string> {
  const { rows } = await sql<{ n: number }>`select nextval('referral_reference_seq')::int as n`.execute(db);
  return `REF-${String(rows[0]!.n).padStart(6, '0')}`;
}

export async function insertReferral(db: DbOrTx, row: Insertable<ReferralsTable>) {
  return db.insertInto('referrals').values(row).returning(['id', 'reference', 'status']).executeTakeFirstOrThrow();
}

/** Serialises writes about one victim, so two referrals at once cannot both miss each other as repeats. */
export async function lockVictim(db: DbOrTx, partnershipId: string, victimId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`referrals:${partnershipId}:${victimId}`}, 0))`.execute(db);
}

export async function shareCase(db: DbOrTx, partnershipId: string, caseId: string, agencyId: string, addedBy: string | null): Promise<void> {
  await db
    .insertInto('case_agencies')
    .values({ partnership_id: partnershipId, case_id: caseId, agency_id: agencyId, added_by: addedBy })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
