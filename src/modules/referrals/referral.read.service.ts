import type { Db } from '../../db/database.js';
import { currentViewer, withViewer, type DbViewer } from '../../db/viewer.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { assertMaySeePersonalData } from '../people/people.policy.js';
import { listCaseAssessments } from '../risk/risk.service.js';
import { countIncidentsInWindow, findRepeat } from './referral.detection.js';
import * as read from './referral.read.repository.js';
import * as repo from './referral.repository.js';

/**
 * What the incident and referral pages show. Everything is read as the viewer: a case, incident or referral they
 * may not see is not found. Two things look past their sight, as the rules that store them do, and reveal no more
 * than a count, a flag and a date: the escalation count, and the date of the earlier MARAC referral a repeat is
 * linked to (read across the partnership minus the viewer's "must not see" entries).
 */

export type Person = { id: string; name: string };

/** The earlier MARAC referral a repeat is linked to: the whole link when the viewer may open it, else its date if they may know it. */
export type EarlierReferral = { id: string | null; reference: string | null; referredOn: string | null };

const nameOf = (row: { given_name: string; family_name: string }) => `${row.given_name} ${row.family_name}`;

export type PersonName = { given_name: string; family_name: string };

/** Names of the people among `ids` the viewer may see, by id. */
export async function namesById(db: Db, viewer: UserPrincipal, ids: string[]): Promise<Map<string, PersonName>> {
  const visible = await read.visiblePersonIds(db, viewer, [...new Set(ids)]);
  return new Map((await read.primaryNames(db, viewer.partnershipId, visible)).map((row) => [row.id, row]));
}

/** Names in the order of `ids`, leaving out anyone the viewer may not see. */
async function people(db: Db, viewer: UserPrincipal, ids: string[]): Promise<Person[]> {
  const names = await namesById(db, viewer, ids);
  return ids.flatMap((id) => (names.has(id) ? [{ id, name: nameOf(names.get(id)!) }] : []));
}

function acrossPartnership(viewer: UserPrincipal): DbViewer {
  return { kind: 'partnership', partnershipId: viewer.partnershipId, agencyId: viewer.agencyId, userId: viewer.userId };
}

async function earlierReferral(db: Db, viewer: UserPrincipal, id: string | null): Promise<EarlierReferral | null> {
  if (!id) return null;
  const seen = await read.findReferral(db, viewer, id);
  if (seen) return { id: seen.id, reference: seen.reference, referredOn: seen.referred_on };
  const known = await withViewer(acrossPartnership(viewer), () => read.referralDate(db, viewer.partnershipId, id));
  return { id: null, reference: null, referredOn: known?.referred_on ?? null };
}

/** The case a form is about, with its victim and the perpetrators the viewer may see. */
export async function caseForForm(db: Db, viewer: UserPrincipal, caseId: string) {
  assertMaySeePersonalData(viewer);
  const found = await repo.caseForReferral(db, viewer, caseId);
  if (!found) throw errors.notFound('Case');
  const [victim] = found.victimId ? await people(db, viewer, [found.victimId]) : [];
  return {
    id: found.id,
    reference: found.reference,
    victimId: found.victimId,
    victim: victim ?? null,
    perpetrators: await people(db, viewer, found.perpetratorIds),
  };
}

export type CaseForForm = Awaited<ReturnType<typeof caseForForm>>;

/**
 * Everything the referral form shows before it is filled in: the risk assessments to choose from, the escalation
 * count for a referral made today (with the incidents the viewer can see), whether it would be a repeat, and
 * whether the viewer's agency may refer to MARAC at all.
 */
export async function referralFormContext(db: Db, viewer: UserPrincipal, caseId: string) {
  const theCase = await caseForForm(db, viewer, caseId);
  const today = londonToday();
  const rules = await repo.settings(db, viewer.partnershipId);
  const victimId = theCase.victimId;
  const perpetratorIds = theCase.perpetrators.map((p) => p.id);
  const [agreementInForce, maracAgency, receivingAgencies, assessments, visibleIncidents, found] = await Promise.all([
    repo.agencyWithAgreement(db, viewer.partnershipId, viewer.agencyId, today),
    rules.maracAgencyId ? read.agencyName(db, viewer.partnershipId, rules.maracAgencyId) : undefined,
    repo.listAgreementAgencies(db, viewer.partnershipId, today),
    listCaseAssessments(db, viewer, caseId),
    victimId ? read.listVictimIncidentsInWindow(db, viewer, victimId, today, rules.escalationMonths) : [],
    victimId
      ? db.transaction().execute(async (trx) => ({
          count: await countIncidentsInWindow(trx, currentViewer(), viewer.partnershipId, victimId, today, rules.escalationMonths),
          repeat: await findRepeat(trx, viewer.partnershipId, victimId, perpetratorIds, today),
        }))
      : { count: 0, repeat: { isRepeat: false, repeatOf: null } },
  ]);
  const submitted = assessments.filter((a) => a.status === 'submitted');
  return {
    theCase,
    today,
    agreementInForce,
    maracAgency: maracAgency?.name ?? null,
    receivingAgencies,
    assessments: submitted,
    /** What the service uses when no assessment is chosen: the latest submitted one with a score band. */
    latestScored: submitted.find((a) => a.scoreBand !== null) ?? null,
    escalation: { count: found.count, needed: rules.escalationIncidents, months: rules.escalationMonths, incidents: visibleIncidents },
    repeat: found.repeat.isRepeat ? await earlierReferral(db, viewer, found.repeat.repeatOf) : null,
  };
}

export type ReferralFormContext = Awaited<ReturnType<typeof referralFormContext>>;

export async function incidentPage(db: Db, viewer: UserPrincipal, id: string) {
  assertMaySeePersonalData(viewer);
  const row = await read.findIncident(db, viewer, id);
  if (!row) throw errors.notFound('Incident');
  return { row, perpetrators: await people(db, viewer, row.perpetrator_ids), earlier: await earlierReferral(db, viewer, row.repeat_of_referral_id) };
}

export async function referralPage(db: Db, viewer: UserPrincipal, id: string) {
  assertMaySeePersonalData(viewer);
  const row = await read.findReferral(db, viewer, id);
  if (!row) throw errors.notFound('Referral');
  const [victim, perpetrators, earlier] = await Promise.all([
    people(db, viewer, [row.victim_id]),
    people(db, viewer, row.perpetrator_ids),
    earlierReferral(db, viewer, row.repeat_of_id),
  ]);
  return { row, victim: victim[0] ?? null, perpetrators, earlier };
}

export type ReferralPage = Awaited<ReturnType<typeof referralPage>>;

/** The case page's incidents and referrals panel (the case is already found visible). */
export async function casePanel(db: Db, viewer: UserPrincipal, caseId: string) {
  const [incidents, referrals] = await Promise.all([read.listCaseIncidents(db, viewer, caseId), read.listCaseReferrals(db, viewer, caseId)]);
  return { incidents, referrals };
}
