import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { referralErrors } from './referral.errors.js';
import * as repo from './referral.repository.js';

export type ReferralSettingsForm = { escalationIncidents: number; escalationMonths: number; maracAgencyId: string; version: number };

/** The partnership's referral rules and the row's version (0 before anyone has saved them: the defaults apply). */
export async function referralSettings(db: Db, partnershipId: string) {
  const row = await db.selectFrom('referral_settings').select('version').where('partnership_id', '=', partnershipId).executeTakeFirst();
  return { ...(await repo.settings(db, partnershipId)), version: row?.version ?? 0 };
}

/**
 * Saves the escalation window (N incidents in M months) and the agency that receives MARAC referrals, which must
 * have an information-sharing agreement in force. A stale version is refused. Flags already stored on referrals and
 * incidents keep the rule they were worked out under (docs/referrals.md).
 */
export async function saveReferralSettings(db: Db, actor: Actor, form: ReferralSettingsForm): Promise<void> {
  if (actor.principal.kind !== 'user' || !actor.principal.permissions.has('settings:manage')) throw errors.forbidden();
  const { partnershipId, userId } = actor.principal;
  await actingTransaction(db, actor, async (trx) => {
    if (!(await repo.agencyWithAgreement(trx, partnershipId, form.maracAgencyId, londonToday()))) throw referralErrors.maracAgency();
    const before = await trx.selectFrom('referral_settings').selectAll().where('partnership_id', '=', partnershipId).forUpdate().executeTakeFirst();
    if ((before?.version ?? 0) !== form.version) throw errors.conflict();
    const values = {
      escalation_incidents: form.escalationIncidents,
      escalation_months: form.escalationMonths,
      marac_agency_id: form.maracAgencyId,
      updated_by: userId,
      updated_at: new Date(),
    };
    if (before)
      await trx
        .updateTable('referral_settings')
        .set({ ...values, version: form.version + 1 })
        .where('partnership_id', '=', partnershipId)
        .execute();
    else
      await trx
        .insertInto('referral_settings')
        .values({ ...values, partnership_id: partnershipId })
        .execute();
    await actor.record(trx, {
      action: 'referral.settings.update',
      outcome: 'success',
      details: {
        before: before
          ? { escalationIncidents: before.escalation_incidents, escalationMonths: before.escalation_months, maracAgencyId: before.marac_agency_id }
          : null,
        after: { escalationIncidents: form.escalationIncidents, escalationMonths: form.escalationMonths, maracAgencyId: form.maracAgencyId },
      },
    });
  });
}
