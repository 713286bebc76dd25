import type { Db } from '../../db/database.js';
import { errors, HarbourError } from '../../platform/errors.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { listContacts as listPersonContacts } from '../people/person.contacts.repository.js';
import { personRecord, visiblePerson } from '../people/person.service.js';
import { caseworkErrors } from './casework.errors.js';
import { caseworker, isManager, manager, mayOpen } from './casework.policy.js';
import * as repo from './casework.repository.js';
import { unsafeReasons, type SafeContactRules } from './casework.safe-contact.js';
import type { ContactInput } from './casework.schemas.js';
import type { UnsafeReason } from './casework.table.js';

/**
 * IDVA casework (issue 6): the team's queue of IDVA referrals, allocation by the team manager (which accepts the
 * referral), caseloads with the SafeLives benchmarks beside them, and each case's contacts log, where a contact
 * against the victim's safe-contact rules needs confirming with a reason and is audited.
 */

/** SafeLives benchmarks (DOMAIN.md §4): a full-time IDVA takes about 100 referrals a year and holds 60–80 cases. */
export const BENCHMARKS = { referralsPerYear: 100, caseload: { from: 60, to: 80 } };

export async function queuePage(db: Db, actor: Actor) {
  const viewer = caseworker(actor);
  const [rows, team] = await Promise.all([repo.queue(db, viewer, londonToday()), repo.idvas(db, viewer.partnershipId, viewer.agencyId)]);
  return { rows, team, mayAllocate: isManager(viewer) };
}

/** Allocates a queued IDVA referral to one of the team's IDVAs: the referral is accepted and the IDVA case opened. */
export async function allocate(db: Db, actor: Actor, referralId: string, version: number, idvaId: string): Promise<string> {
  const viewer = manager(actor);
  return actingTransaction(db, actor, async (trx) => {
    const referral = await repo.findQueued(trx, viewer, referralId);
    if (!referral || referral.destination !== 'idva' || referral.to_agency_id !== viewer.agencyId) throw errors.notFound('Referral');
    if (referral.status !== 'awaiting_screening') throw caseworkErrors.referralNotWaiting();
    if (!(await repo.idvas(trx, viewer.partnershipId, viewer.agencyId)).some((u) => u.id === idvaId)) throw caseworkErrors.notAnIdva();
    const open = await repo.openCaseFor(trx, viewer.partnershipId, referral.case_id, viewer.agencyId);
    if (open) throw caseworkErrors.alreadyOpen(open.idva_name);
    if (!(await repo.acceptReferral(trx, viewer, referralId, version))) throw errors.conflict();
    const id = await repo.insertIdvaCase(trx, {
      partnershipId: viewer.partnershipId,
      caseId: referral.case_id,
      referralId,
      agencyId: viewer.agencyId,
      idvaId,
      allocatedBy: viewer.userId,
      allocatedOn: londonToday(),
    });
    await actor.record(trx, { action: 'referral.accept', outcome: 'success', subjectType: 'referral', subjectId: referralId, details: { idvaCaseId: id } });
    await actor.record(trx, {
      action: 'casework.allocate',
      outcome: 'success',
      subjectType: 'idva_case',
      subjectId: id,
      details: { caseId: referral.case_id, referralId, idvaId },
    });
    return id;
  });
}

/**
 * A caseload: the IDVA's own, or for the manager the team's (all, or one IDVA's), with each IDVA's open cases and
 * referrals allocated in the last 12 months beside the benchmarks.
 */
export async function caseloadPage(db: Db, actor: Actor, idvaId: string | undefined) {
  const viewer = caseworker(actor);
  const manages = isManager(viewer);
  const team = await repo.idvas(db, viewer.partnershipId, viewer.agencyId);
  const chosen = manages ? (idvaId && team.some((u) => u.id === idvaId) ? idvaId : null) : viewer.userId;
  const today = londonToday();
  const [rows, allocated] = await Promise.all([repo.caseload(db, viewer, today, chosen), repo.allocatedSince(db, viewer, shiftDays(today, -365))]);
  const people = manages ? team : team.filter((u) => u.id === viewer.userId);
  const perIdva = people.map((u) => ({
    id: u.id,
    name: u.display_name,
    open: rows.filter((r) => r.idva_id === u.id).length,
    allocatedThisYear: allocated.get(u.id) ?? 0,
  }));
  return { rows, team: people, chosen, manages, perIdva, today };
}

async function openIdvaCase(db: Db, actor: Actor, id: string) {
  const viewer = caseworker(actor);
  const today = londonToday();
  const found = await repo.findIdvaCase(db, viewer, today, id);
  if (!found || !mayOpen(viewer, found)) throw errors.notFound('Case');
  return { viewer, found, today };
}

/** The case's victim, if the viewer may see them ("must not see" on the person answers not found). */
async function visibleVictim<T>(db: Db, actor: Actor, caseId: string, read: (viewer: UserPrincipal, personId: string) => Promise<T>): Promise<T | null> {
  const viewer = caseworker(actor);
  const victim = await db
    .selectFrom('case_people')
    .select('person_id')
    .where('partnership_id', '=', viewer.partnershipId)
    .where('case_id', '=', caseId)
    .where('role', '=', 'victim')
    .executeTakeFirst();
  if (!victim) return null;
  return read(viewer, victim.person_id).catch((error: unknown) => {
    if (error instanceof HarbourError && error.code === 'not_found') return null;
    throw error;
  });
}

/** The victim's record as the person page shows it: the case page leads with its safe-contact banner. */
const victimRecord = (db: Db, actor: Actor, caseId: string) => visibleVictim(db, actor, caseId, (viewer, id) => personRecord({ db }, viewer, id));

/** Only what checking a contact needs: the person's safe-contact settings and which numbers and addresses are safe. */
const victimRules = (db: Db, actor: Actor, caseId: string) =>
  visibleVictim(db, actor, caseId, async (viewer, id): Promise<SafeContactRules> => {
    const person = await visiblePerson(db, viewer, id);
    const contacts = await listPersonContacts(db, viewer.partnershipId, id);
    return {
      contacts: contacts.map((c) => ({ id: c.id, isSafe: c.is_safe })),
      voicemailAllowed: person.voicemail_allowed,
      doNotWriteHome: person.do_not_write_home,
      safeTimes: person.safe_times,
    };
  });

export async function idvaCasePage(db: Db, actor: Actor, id: string) {
  const { viewer, found, today } = await openIdvaCase(db, actor, id);
  const [contacts, record] = await Promise.all([repo.listContacts(db, viewer.partnershipId, id), victimRecord(db, actor, found.case_id)]);
  return { idvaCase: found, contacts, victim: record ? { record } : null, today };
}

/** Logs a contact on an open case; one against the safe-contact rules needs confirming with a reason, and is audited. */
export async function logContact(db: Db, actor: Actor, id: string, input: ContactInput): Promise<string> {
  const { viewer, found, today } = await openIdvaCase(db, actor, id);
  if (found.status === 'closed') throw caseworkErrors.caseClosed();
  if (input.contactOn > today) throw caseworkErrors.contactInFuture();
  if (input.contactOn < found.allocated_on) throw caseworkErrors.contactBeforeCase(found.allocated_on);
  const rules = await victimRules(db, actor, found.case_id);
  if (input.contactValueId && !rules?.contacts.some((c) => c.id === input.contactValueId)) throw caseworkErrors.contactNotTheirs();
  const unsafe = rules ? unsafeReasons(input, rules) : [];
  if (unsafe.length) {
    if (!input.confirmUnsafe) throw caseworkErrors.unsafeNotConfirmed(unsafe.map((r) => UNSAFE_TEXT[r]).join('; '));
    if (!input.justification) throw caseworkErrors.justificationRequired();
  }
  return actingTransaction(db, actor, async (trx) => {
    const contactId = await repo.insertContact(trx, {
      partnershipId: viewer.partnershipId,
      idvaCaseId: id,
      caseId: found.case_id,
      input,
      unsafe,
      by: viewer.userId,
    });
    await actor.record(trx, {
      action: unsafe.length ? 'casework.contact.unsafe' : 'casework.contact.add',
      outcome: 'success',
      subjectType: 'idva_case',
      subjectId: id,
      details: { contactId, method: input.method, successful: input.successful, ...(unsafe.length ? { unsafeReasons: unsafe } : {}) },
    });
    return contactId;
  });
}

/** How each safe-contact concern is put to the IDVA (casework.safe-contact.ts). */
export const UNSAFE_TEXT: Record<UnsafeReason, string> = {
  channel_not_safe: 'that number or address is not marked safe',
  no_safe_channel: 'no number or address is marked safe',
  letter_home: 'they asked not to be written to at home',
  voicemail: 'they have not agreed to voicemail',
  outside_safe_times: 'outside their safe times',
};
