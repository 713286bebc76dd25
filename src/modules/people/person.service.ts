import type { Db, DbOrTx } from '../../db/database.js';
import { errors, type HarbourError } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { assertMaySeePersonalData } from './people.policy.js';
import { estimatedAgeNow } from './person.age.js';
import * as parts from './person.contacts.repository.js';
import { changedFields, changedSince, changeList } from './person.history.js';
import * as repo from './person.repository.js';
import type { PersonForm, PersonName } from './person.schemas.js';

export type PeopleDeps = { db: Db };

/** People are recorded and read by signed-in staff with personal-data access; API tokens come later, by scope. */
export function viewerOf(actor: Actor): UserPrincipal {
  if (actor.principal.kind !== 'user') throw errors.forbidden();
  assertMaySeePersonalData(actor.principal);
  return actor.principal;
}

/** A person the viewer may not see is not found, exactly like one that does not exist. */
export async function visiblePerson(db: DbOrTx, viewer: UserPrincipal, id: string): Promise<repo.PersonRow> {
  const person = await repo.findVisiblePerson(db, viewer, id);
  if (!person) throw errors.notFound('Person');
  return person;
}

/** An edit based on an old version is refused, saying what others changed since (by label, never by value). */
async function staleEdit(db: DbOrTx, partnershipId: string, id: string, baseVersion: number): Promise<HarbourError> {
  const base = await repo.historyAtVersion(db, partnershipId, id, baseVersion);
  if (!base) return errors.conflict();
  const current = await repo.currentRowAsJson(db, partnershipId, id);
  const later = await repo.listHistory(db, partnershipId, id, base.changed_at);
  const what = changedSince(base.old_row, current, later).join(', ');
  return errors.conflict(
    `Someone else changed this record while you were editing it. They changed: ${what}. Your changes were not saved: check the record as it is now and make them again.`,
  );
}

/** Moves the person's version on for a change to one of their parts, or refuses the change as stale. */
export async function touchOrRefuse(db: DbOrTx, partnershipId: string, id: string, version: number): Promise<void> {
  if (!(await repo.touchPerson(db, partnershipId, id, version))) throw await staleEdit(db, partnershipId, id, version);
}

/**
 * An estimated age is kept with the day it was made. Saving the form again with the estimate as it now stands
 * (the original grown by the years since) keeps the original; a different number is a new estimate made today.
 */
function estimateFor(form: PersonForm, existing?: repo.PersonRow): { estimatedAge: number | null; estimatedAgeOn: string | null } {
  if (form.estimatedAge === null) return { estimatedAge: null, estimatedAgeOn: null };
  if (
    existing?.estimated_age != null &&
    existing.estimated_age_on &&
    estimatedAgeNow(existing.estimated_age, existing.estimated_age_on) === form.estimatedAge
  ) {
    return { estimatedAge: existing.estimated_age, estimatedAgeOn: existing.estimated_age_on };
  }
  return { estimatedAge: form.estimatedAge, estimatedAgeOn: londonToday() };
}

function columnsFor(form: PersonForm, existing?: repo.PersonRow): repo.PersonColumns {
  const { names: _names, estimatedAge: _estimate, ...rest } = form;
  return { ...rest, ...estimateFor(form, existing) };
}

const nameSignature = (names: Pick<PersonName, 'kind' | 'givenName' | 'familyName' | 'isPrimary'>[]) =>
  JSON.stringify(names.map((n) => [n.isPrimary, n.kind, n.givenName, n.familyName]).sort());

/** `auditDetails` says how the person came to be recorded, e.g. after possible duplicates were shown. */
export async function createPerson(deps: PeopleDeps, actor: Actor, form: PersonForm, auditDetails?: Record<string, unknown>): Promise<string> {
  const viewer = viewerOf(actor);
  return actingTransaction(deps.db, actor, async (trx) => {
    const owner = { partnershipId: viewer.partnershipId, agencyId: viewer.agencyId, userId: viewer.userId };
    const id = await repo.insertPerson(trx, owner, columnsFor(form), form.names);
    await actor.record(trx, { action: 'person.create', outcome: 'success', subjectType: 'person', subjectId: id, details: auditDetails });
    return id;
  });
}

/** Saves the edit if it was made on the current version; an unchanged form writes nothing (and no history). */
export async function updatePerson(deps: PeopleDeps, actor: Actor, id: string, form: PersonForm & { version: number }): Promise<void> {
  const viewer = viewerOf(actor);
  const partnershipId = viewer.partnershipId;
  await actingTransaction(deps.db, actor, async (trx) => {
    const person = await visiblePerson(trx, viewer, id);
    if (person.version !== form.version) throw await staleEdit(trx, partnershipId, id, form.version);
    const columns = columnsFor(form, person);
    const fields = changedFields(person, { ...person, ...repo.personColumns(columns) });
    const current = await repo.listNames(trx, partnershipId, id);
    const namesChanged =
      nameSignature(current.map((n) => ({ kind: n.kind, givenName: n.given_name, familyName: n.family_name, isPrimary: n.is_primary }))) !==
      nameSignature(form.names);
    if (fields.length === 0 && !namesChanged) return;
    if (!(await repo.updatePerson(trx, partnershipId, id, form.version, columns))) throw await staleEdit(trx, partnershipId, id, form.version);
    if (namesChanged) await repo.replaceNames(trx, partnershipId, id, form.names);
    await actor.record(trx, {
      action: 'person.update',
      outcome: 'success',
      subjectType: 'person',
      subjectId: id,
      // Which fields, not their values: the audit log is read more widely than the record.
      details: { changed: namesChanged ? [...fields, 'Names'] : fields },
    });
  });
}

export async function listPeople(deps: PeopleDeps, viewer: UserPrincipal, page: number) {
  assertMaySeePersonalData(viewer);
  return repo.listVisiblePeople(deps.db, viewer, page);
}

/** The person with their names, for the edit form. */
export async function personForEdit(deps: PeopleDeps, viewer: UserPrincipal, id: string) {
  assertMaySeePersonalData(viewer);
  const person = await visiblePerson(deps.db, viewer, id);
  return { person, names: await repo.listNames(deps.db, viewer.partnershipId, id) };
}

/**
 * A confidential refuge address is read only by staff of the agency that recorded it; everyone else learns only
 * that one is held, and by whom, so they know whom to ask.
 */
export function redactAddress(address: parts.AddressRow, viewer: UserPrincipal) {
  if (!address.confidential_refuge || address.recorded_by_agency_id === viewer.agencyId) return { ...address, hidden: false };
  return { ...address, line1: '', line2: null, town: null, postcode: null, hidden: true };
}

/** Everything the person page shows, with confidential addresses already redacted for this viewer. */
export async function personRecord(deps: PeopleDeps, viewer: UserPrincipal, id: string) {
  assertMaySeePersonalData(viewer);
  const person = await visiblePerson(deps.db, viewer, id);
  const pid = viewer.partnershipId;
  const [names, addresses, contacts, history, current] = await Promise.all([
    repo.listNames(deps.db, pid, id),
    parts.listAddresses(deps.db, pid, id),
    parts.listContacts(deps.db, pid, id),
    repo.listHistory(deps.db, pid, id),
    repo.currentRowAsJson(deps.db, pid, id),
  ]);
  return { person, names, addresses: addresses.map((a) => redactAddress(a, viewer)), contacts, changes: changeList(history, current) };
}

export type PersonRecord = Awaited<ReturnType<typeof personRecord>>;
