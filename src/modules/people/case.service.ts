import type { Db, Tx } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { caseErrors } from './case.errors.js';
import { mayManageSharing } from './case.policy.js';
import * as repo from './case.repository.js';
import {
  yearsBetween,
  type CaseEditForm,
  type ChildForm,
  type HouseholdMemberForm,
  type NewCaseForm,
  type NewPerson,
  type PerpetratorForm,
  type PersonChoice,
} from './case.schemas.js';
import { assertMaySeePersonalData } from './people.policy.js';

/** Cases are worked by signed-in staff with personal-data access; tokens and the command line have no case pages. */
export function viewerOf(actor: Actor): UserPrincipal {
  if (actor.principal.kind !== 'user') throw errors.forbidden();
  assertMaySeePersonalData(actor.principal);
  return actor.principal;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

type PersonAge = Pick<repo.PersonRow, 'date_of_birth' | 'estimated_age' | 'estimated_age_on'>;
type ResolvedPerson = { kind: 'existing'; id: string; age: PersonAge } | { kind: 'new'; person: NewPerson; age: PersonAge };

/**
 * The person a form chose: someone the viewer may see, or a new person to be recorded by the viewer's agency.
 * Nothing is written yet, so a rule that then refuses the person leaves no trace but the audited failed attempt.
 */
async function resolvePerson(trx: Tx, viewer: UserPrincipal, choice: PersonChoice): Promise<ResolvedPerson> {
  if (choice.kind === 'existing') {
    const person = await repo.findVisiblePerson(trx, viewer, choice.personId);
    if (!person) throw caseErrors.personNotFound();
    return { kind: 'existing', id: person.id, age: person };
  }
  const estimatedOn = choice.estimatedAge === null ? null : londonToday();
  return { kind: 'new', person: choice, age: { date_of_birth: choice.dateOfBirth, estimated_age: choice.estimatedAge, estimated_age_on: estimatedOn } };
}

/** The chosen person's id, recording them first (audited as person.create) if they are new. */
async function savePerson(trx: Tx, actor: Actor, viewer: UserPrincipal, resolved: ResolvedPerson): Promise<string> {
  if (resolved.kind === 'existing') return resolved.id;
  const { person, age } = resolved;
  const id = await repo.insertPerson(trx, {
    partnershipId: viewer.partnershipId,
    owningAgencyId: viewer.agencyId,
    createdBy: viewer.userId,
    givenName: person.givenName,
    familyName: person.familyName,
    dateOfBirth: person.dateOfBirth,
    estimatedAge: person.estimatedAge,
    estimatedAgeOn: age.estimated_age_on,
  });
  await actor.record(trx, { action: 'person.create', outcome: 'success', subjectType: 'person', subjectId: id, details: { via: 'case' } });
  return id;
}

/** DA Act 2021 s.3: a child is under 18. An estimated age stands for a birth date that many years before it was estimated. */
function assertChildOnOpening({ kind, age }: ResolvedPerson, openedOn: string): void {
  let years: number;
  if (age.date_of_birth) years = yearsBetween(age.date_of_birth, openedOn);
  else if (age.estimated_age !== null && age.estimated_age_on) years = age.estimated_age + yearsBetween(age.estimated_age_on, openedOn);
  else throw caseErrors.childAgeUnknown();
  if (years >= 18) throw caseErrors.childTooOld(openedOn, kind === 'existing' ? 'personId' : age.date_of_birth ? 'dateOfBirth' : 'estimatedAge');
}

export async function openCase(db: Db, actor: Actor, form: NewCaseForm): Promise<{ id: string; reference: string; victimId: string }> {
  return actingTransaction(db, actor, (trx) => openCaseIn(trx, actor, form));
}

/** openCase inside the caller's transaction, for a use case that opens a case as one step of several (a referral made through the API). */
export async function openCaseIn(trx: Tx, actor: Actor, form: NewCaseForm): Promise<{ id: string; reference: string; victimId: string }> {
  const viewer = viewerOf(actor);
  const victimId = await savePerson(trx, actor, viewer, await resolvePerson(trx, viewer, form.victim));
  const reference = await repo.nextReference(trx, form.openedOn);
  const id = await repo.insertCase(trx, {
    partnershipId: viewer.partnershipId,
    reference,
    owningAgencyId: viewer.agencyId,
    openedOn: form.openedOn,
    flags: form.flags,
    createdBy: viewer.userId,
  });
  await repo.insertCasePerson(trx, {
    partnershipId: viewer.partnershipId,
    caseId: id,
    personId: victimId,
    role: 'victim',
    relationship: null,
    livesWith: null,
  });
  await actor.record(trx, {
    action: 'case.create',
    outcome: 'success',
    subjectType: 'case',
    subjectId: id,
    details: { reference, victimId, openedOn: form.openedOn, flags: form.flags },
  });
  return { id, reference, victimId };
}

export async function findCase(db: Db | Tx, viewer: UserPrincipal, caseId: string): Promise<repo.CaseRow> {
  const found = await repo.findVisibleCase(db, viewer, caseId);
  if (!found) throw errors.notFound('Case');
  return found;
}

export type AddPerson =
  { role: 'perpetrator'; form: PerpetratorForm } | { role: 'child'; form: ChildForm } | { role: 'household_member'; form: HouseholdMemberForm };

/**
 * Adds a perpetrator, child or household member. One person may be on several cases (a perpetrator with two
 * victims), but only once on each. A child's relationships are to each adult on the case, so they are kept
 * together as JSON in the relationship column: { "<adult's person id>": "child" | "stepchild" | … }.
 */
export async function addPersonToCase(db: Db, actor: Actor, caseId: string, add: AddPerson): Promise<string> {
  return actingTransaction(db, actor, (trx) => addPersonToCaseIn(trx, actor, caseId, add));
}

/** addPersonToCase inside the caller's transaction. */
export async function addPersonToCaseIn(trx: Tx, actor: Actor, caseId: string, add: AddPerson): Promise<string> {
  const viewer = viewerOf(actor);
  const found = await findCase(trx, viewer, caseId);
  const resolved = await resolvePerson(trx, viewer, add.form.person);
  let relationship = add.role === 'child' ? null : add.form.relationship;
  if (add.role === 'child') {
    assertChildOnOpening(resolved, found.opened_on);
    const roles = await repo.listCaseRoles(trx, viewer.partnershipId, caseId);
    const adults = new Set(roles.filter((p) => p.role === 'victim' || p.role === 'perpetrator').map((p) => p.person_id));
    const stranger = Object.keys(add.form.relationships).find((id) => !adults.has(id));
    if (stranger) throw caseErrors.notAnAdultOnCase(`relationship-${stranger}`);
    relationship = JSON.stringify(add.form.relationships);
  }
  const personId = await savePerson(trx, actor, viewer, resolved);
  try {
    await repo.insertCasePerson(trx, {
      partnershipId: viewer.partnershipId,
      caseId,
      personId,
      role: add.role,
      relationship,
      livesWith: add.role === 'child' ? add.form.livesWith : null,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw caseErrors.alreadyOnCase();
    throw error;
  }
  await actor.record(trx, { action: 'case.person.add', outcome: 'success', subjectType: 'case', subjectId: caseId, details: { personId, role: add.role } });
  return personId;
}

/**
 * Takes a perpetrator, child or household member off a case (recorded on the wrong case, or not part of it after
 * all); their person record stays. A case is its victim's, so the victim stays. Anyone who may add people to the
 * case may take them off, but only people they may see on it: anyone else is not found. A child's relationship to
 * an adult taken off is kept with the child but no longer shown, as for any adult not on the case.
 */
export async function removePersonFromCase(db: Db, actor: Actor, caseId: string, personId: string): Promise<void> {
  const viewer = viewerOf(actor);
  await actingTransaction(db, actor, async (trx) => {
    await findCase(trx, viewer, caseId);
    const onCase = (await repo.listCasePeople(trx, viewer, caseId)).find((p) => p.id === personId);
    if (!onCase) throw errors.notFound('Person');
    if (onCase.role === 'victim') throw caseErrors.victimNotRemovable();
    await repo.deleteCasePerson(trx, viewer.partnershipId, caseId, personId);
    await actor.record(trx, {
      action: 'case.person.remove',
      outcome: 'success',
      subjectType: 'case',
      subjectId: caseId,
      details: { personId, role: onCase.role },
    });
  });
}

/** Only the owning agency shares its case, and only with agencies that have signed the information-sharing agreement. */
export async function assignAgency(db: Db, actor: Actor, caseId: string, agencyId: string): Promise<void> {
  const viewer = viewerOf(actor);
  await actingTransaction(db, actor, async (trx) => {
    const found = await findCase(trx, viewer, caseId);
    if (!mayManageSharing(viewer, { owningAgencyId: found.owning_agency_id })) throw errors.forbidden();
    const [eligible, assigned] = await Promise.all([
      repo.listAgreementAgencies(trx, viewer.partnershipId, londonToday()),
      repo.listCaseAgencies(trx, viewer.partnershipId, caseId),
    ]);
    const alreadyHasIt = agencyId === found.owning_agency_id || assigned.some((a) => a.id === agencyId);
    if (alreadyHasIt || !eligible.some((a) => a.id === agencyId)) throw caseErrors.agencyNotAssignable();
    await repo.insertCaseAgency(trx, { partnershipId: viewer.partnershipId, caseId, agencyId, addedBy: viewer.userId });
    await actor.record(trx, { action: 'case.agency.assign', outcome: 'success', subjectType: 'case', subjectId: caseId, details: { agencyId } });
  });
}

/** Status and flags, applied only to the version the editor saw; the trigger keeps the previous row in record_history. */
export async function updateCase(db: Db, actor: Actor, caseId: string, form: CaseEditForm): Promise<void> {
  const viewer = viewerOf(actor);
  await actingTransaction(db, actor, async (trx) => {
    const before = await findCase(trx, viewer, caseId);
    if (form.closedOn && form.closedOn < before.opened_on) throw caseErrors.closedBeforeOpened(before.opened_on);
    const change = { status: form.status, closed_on: form.closedOn, flags: form.flags };
    if (!(await repo.updateCase(trx, viewer, caseId, form.version, change))) throw errors.conflict();
    await actor.record(trx, {
      action: 'case.update',
      outcome: 'success',
      subjectType: 'case',
      subjectId: caseId,
      details: {
        before: { status: before.status, closedOn: before.closed_on, flags: before.flags },
        after: { status: form.status, closedOn: form.closedOn, flags: form.flags },
      },
    });
  });
}
