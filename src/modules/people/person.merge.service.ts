import type { DbOrTx } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { assertMaySeePersonalData } from './people.policy.js';
import { candidatesFor } from './person.duplicates.service.js';
import { changedFields, fieldLabel } from './person.history.js';
import { mergeErrors } from './person.merge.errors.js';
import * as repo from './person.merge.repository.js';
import { mergeSafeContact, safeContactOf, sameSafeContact } from './person.merge.safe-contact.js';
import { mergeMoved, type MergeMoved } from './person.merge.schemas.js';
import { findVisiblePerson, listNames } from './person.repository.js';
import { personRecord, viewerOf, visiblePerson, type PeopleDeps } from './person.service.js';
import { search } from './search.service.js';

/** A merge can be undone for this long; after that both records may have been worked on as one. */
export const UNDO_DAYS = 30;
const DAY_MS = 86_400_000;
const MAX_CHAIN = 20;

/** Merging records is for those given it (MARAC coordinators), and only of records they may see. */
export function assertMayMerge(viewer: UserPrincipal): void {
  assertMaySeePersonalData(viewer);
  if (!viewer.permissions.has('people:merge')) throw errors.forbidden();
}

export const undoDeadline = (mergedAt: Date) => new Date(mergedAt.getTime() + UNDO_DAYS * DAY_MS);

type KeyedName = Awaited<ReturnType<typeof repo.listNamesWithKeys>>[number];

/** A name the survivor already has stays with the merged record; every other name moves. */
export function planNames(survivorNames: KeyedName[], mergedNames: KeyedName[]): { move: KeyedName[]; keep: KeyedName[] } {
  const held = new Set(survivorNames.map((n) => `${n.given_key}|${n.family_key}`));
  return {
    move: mergedNames.filter((n) => !held.has(`${n.given_key}|${n.family_key}`)),
    keep: mergedNames.filter((n) => held.has(`${n.given_key}|${n.family_key}`)),
  };
}

/** The record to merge into this one: likely duplicates of it, and people found by name. */
export async function mergeChoices(deps: PeopleDeps, viewer: UserPrincipal, survivorId: string, name: string) {
  assertMayMerge(viewer);
  const record = await personRecord(deps, viewer, survivorId);
  const current = record.addresses.find((a) => a.is_current && !a.hidden);
  const candidates = await candidatesFor(deps.db, viewer, {
    names: record.names.map((n) => ({ givenName: n.given_name, familyName: n.family_name })),
    dateOfBirth: record.person.date_of_birth,
    phones: record.contacts.filter((c) => c.kind === 'phone').map((c) => c.value),
    postcode: current?.postcode ?? null,
    exceptId: survivorId,
  });
  const empty = { 'dob-day': '', 'dob-month': '', 'dob-year': '', phone: '', postcode: '' };
  const found = name ? await search(deps.db, viewer, { ...empty, name }) : null;
  return { record, candidates, found: found && { errors: found.errors, results: found.results.filter((r) => r.id !== survivorId) } };
}

/** Both records as the viewer may see them, and what a merge would do. */
export async function mergePreview(deps: PeopleDeps, viewer: UserPrincipal, survivorId: string, mergedId: string) {
  assertMayMerge(viewer);
  if (survivorId === mergedId) throw mergeErrors.samePerson();
  const [survivor, merged] = await Promise.all([personRecord(deps, viewer, survivorId), personRecord(deps, viewer, mergedId)]);
  const pid = viewer.partnershipId;
  const [survivorNames, mergedNames, survivorCases, mergedCases, shared] = await Promise.all([
    repo.listNamesWithKeys(deps.db, pid, survivorId),
    repo.listNamesWithKeys(deps.db, pid, mergedId),
    repo.listVisibleCaseRoles(deps.db, viewer, survivorId),
    repo.listVisibleCaseRoles(deps.db, viewer, mergedId),
    repo.sharedCases(deps.db, viewer, survivorId, mergedId),
  ]);
  const { agency_name: _a, created_by_name: _b, ...survivorRow } = survivor.person;
  const { agency_name: _c, created_by_name: _d, ...mergedRow } = merged.person;
  return {
    survivor: { record: survivor, cases: survivorCases },
    merged: { record: merged, cases: mergedCases },
    names: planNames(survivorNames, mergedNames),
    keepsCurrentAddress: !survivor.addresses.some((a) => a.is_current),
    // Details of the person themselves (date of birth, safe contact, equality) are not copied: the user is told which differ.
    differing: changedFields(survivorRow, mergedRow).filter((label) => label !== fieldLabel('agency')),
    refusal: shared.length ? mergeErrors.sharedCase(shared).message : null,
  };
}

export type MergePreview = Awaited<ReturnType<typeof mergePreview>>;

/** How many rows of each table the merge moved. */
const countsOf = (moved: MergeMoved) =>
  Object.fromEntries(Object.entries(moved).flatMap(([table, rows]) => (Array.isArray(rows) ? [[table, rows.length] as const] : [])));

/**
 * Merges one record into another in one transaction: the merged person's names (except those the survivor already
 * has), addresses, contacts, case memberships and "must not see" entries move to the survivor; the merged record
 * stays, pointing at the survivor; person_merges keeps exactly what moved, so the merge can be undone.
 */
export async function mergePeople(
  deps: PeopleDeps,
  actor: Actor,
  survivorId: string,
  mergedId: string,
  versions: { survivorVersion: number; mergedVersion: number },
): Promise<Record<string, number>> {
  const viewer = viewerOf(actor);
  assertMayMerge(viewer);
  if (survivorId === mergedId) throw mergeErrors.samePerson();
  const pid = viewer.partnershipId;
  return actingTransaction(deps.db, actor, async (trx) => {
    await repo.lockPeople(trx, pid, [survivorId, mergedId]);
    const survivor = await visiblePerson(trx, viewer, survivorId);
    const merged = await visiblePerson(trx, viewer, mergedId);
    if (survivor.version !== versions.survivorVersion || merged.version !== versions.mergedVersion) throw mergeErrors.changedSincePreview();
    const shared = await repo.sharedCases(trx, viewer, survivorId, mergedId);
    if (shared.length) throw mergeErrors.sharedCase(shared);

    const names = planNames(await repo.listNamesWithKeys(trx, pid, survivorId), await repo.listNamesWithKeys(trx, pid, mergedId));
    const addresses = await repo.listAddressFlags(trx, pid, mergedId);
    // One current address at a time: the survivor's stays current if it has one.
    const keepCurrent = !(await repo.listAddressFlags(trx, pid, survivorId)).some((a) => a.is_current);
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
    await repo.moveNames(trx, pid, ids(names.move), survivorId);
    await repo.moveAddresses(trx, pid, ids(addresses), survivorId, keepCurrent);
    const moved: MergeMoved = {
      person_names: names.move.map(({ id, kind, is_primary, given_name, family_name }) => ({ id, kind, is_primary, given_name, family_name })),
      person_addresses: addresses,
      person_contacts: await repo.moveContacts(trx, pid, mergedId, survivorId),
      case_people: await repo.moveCaseMemberships(trx, pid, mergedId, survivorId),
      restrictions: await repo.moveRestrictions(trx, pid, mergedId, survivorId),
      safe_contact: { before: safeContactOf(survivor), after: mergeSafeContact(survivor, merged) },
    };
    await repo.setSafeContact(trx, pid, survivorId, moved.safe_contact!.after);
    await repo.setMergedInto(trx, pid, mergedId, survivorId);
    await repo.bumpVersion(trx, pid, survivorId);
    const mergeId = await repo.insertMerge(trx, { partnershipId: pid, survivorId, mergedId, moved, mergedBy: viewer.userId });
    const counts = countsOf(moved);
    await actor.record(trx, {
      action: 'person.merge',
      outcome: 'success',
      subjectType: 'person',
      subjectId: survivorId,
      details: { survivorId, mergedId, mergeId, moved: counts, namesKept: names.keep.length },
    });
    return counts;
  });
}

/** The live record at the end of a chain of merges (A into B, then B into C). */
async function finalSurvivor(db: DbOrTx, partnershipId: string, id: string): Promise<string> {
  let current = id;
  for (let i = 0; i < MAX_CHAIN; i++) {
    const next = await repo.mergedIntoOf(db, partnershipId, current);
    if (!next) return current;
    current = next;
  }
  return current;
}

/**
 * Undoes a merge made within UNDO_DAYS: every row it moved goes back to the merged person as it was, the merged
 * record is live again, and the merge is marked reversed. A name replaced on the survivor since (an edit replaces
 * all names) is written again from the merge's record of it; an address, contact or case membership removed
 * since stays removed, and the user is told how many.
 */
export async function unmergePerson(deps: PeopleDeps, actor: Actor, mergedId: string, now = new Date()) {
  const viewer = viewerOf(actor);
  assertMayMerge(viewer);
  const pid = viewer.partnershipId;
  return actingTransaction(deps.db, actor, async (trx) => {
    const merge = await repo.findOpenMerge(trx, pid, mergedId, true);
    if (!merge) throw errors.notFound('Person');
    const survivorId = merge.survivor_id;
    await repo.lockPeople(trx, pid, [survivorId, mergedId]);
    const live = await finalSurvivor(trx, pid, survivorId);
    await visiblePerson(trx, viewer, live); // not found unless the viewer may see where the record went
    if (live !== survivorId) throw mergeErrors.undoLaterMergeFirst();
    if (now > undoDeadline(merge.merged_at)) throw mergeErrors.tooLateToUndo(merge.merged_at, UNDO_DAYS);

    const moved = mergeMoved.parse(merge.moved);
    const foundNames = await repo.restoreNames(trx, pid, moved.person_names, survivorId, mergedId);
    const rewritten = moved.person_names.filter((n) => !foundNames.includes(n.id));
    await repo.reinsertNames(trx, pid, mergedId, rewritten);
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
    const caseIds = moved.case_people.map((c) => c.case_id);
    const restored = {
      person_names: moved.person_names.length,
      person_addresses: await repo.restoreAddresses(trx, pid, moved.person_addresses, survivorId, mergedId),
      person_contacts: await repo.restoreContacts(trx, pid, ids(moved.person_contacts), survivorId, mergedId),
      case_people: await repo.restoreCaseMemberships(trx, pid, caseIds, survivorId, mergedId),
      restrictions: await repo.restoreRestrictions(trx, pid, ids(moved.restrictions), survivorId, mergedId),
    };
    // The kept record's safe-contact rules go back as they were, unless someone has changed them since.
    const survivorNow = await visiblePerson(trx, viewer, survivorId);
    if (moved.safe_contact && sameSafeContact(survivorNow, moved.safe_contact.after))
      await repo.setSafeContact(trx, pid, survivorId, moved.safe_contact.before);
    const expected = countsOf(moved);
    const notRestored = Object.fromEntries(
      Object.entries(restored)
        .map(([table, n]) => [table, (expected[table] ?? 0) - n])
        .filter(([, n]) => Number(n) > 0),
    ) as Record<string, number>;
    await repo.setMergedInto(trx, pid, mergedId, null);
    await repo.bumpVersion(trx, pid, survivorId);
    await repo.markReversed(trx, pid, merge.id, viewer.userId);
    await actor.record(trx, {
      action: 'person.unmerge',
      outcome: 'success',
      subjectType: 'person',
      subjectId: mergedId,
      details: { survivorId, mergedId, mergeId: merge.id, restored, notRestored, namesWrittenAgain: rewritten.length },
    });
    return { survivorId, notRestored: Object.values(notRestored).reduce((sum, n) => sum + n, 0) };
  });
}

/** The merged person's name: their own primary name if they kept it, otherwise the one the merge moved. */
function mergedPrimaryName(own: { given_name: string; family_name: string; is_primary: boolean }[], moved: MergeMoved) {
  return own.find((n) => n.is_primary) ?? moved.person_names.find((n) => n.is_primary) ?? null;
}

/**
 * What a merged record's address answers: where it went, for a viewer who may see that record; null otherwise,
 * so the address answers "not found" exactly as before.
 */
export async function mergedRecord(deps: PeopleDeps, viewer: UserPrincipal, id: string, now = new Date()) {
  assertMaySeePersonalData(viewer);
  const pid = viewer.partnershipId;
  const merge = await repo.findOpenMerge(deps.db, pid, id);
  if (!merge) return null;
  const live = await finalSurvivor(deps.db, pid, merge.survivor_id);
  const survivor = await findVisiblePerson(deps.db, viewer, live);
  if (!survivor) return null;
  const [survivorNames, ownNames] = await Promise.all([listNames(deps.db, pid, live), listNames(deps.db, pid, id)]);
  const mayMerge = viewer.permissions.has('people:merge');
  return {
    mergedId: id,
    mergedName: mergedPrimaryName(ownNames, mergeMoved.parse(merge.moved)),
    survivorId: live,
    survivorNames,
    mergedAt: merge.merged_at,
    mergedByName: merge.merged_by_name,
    undoUntil: undoDeadline(merge.merged_at),
    undo: !mayMerge ? 'not-allowed' : live !== merge.survivor_id ? 'later-merge-first' : now > undoDeadline(merge.merged_at) ? 'too-late' : 'allowed',
  } as const;
}

export type MergedRecord = NonNullable<Awaited<ReturnType<typeof mergedRecord>>>;

/** Records merged into this one that can still be undone, for those who may undo them. */
export async function mergesInto(deps: PeopleDeps, viewer: UserPrincipal, survivorId: string, now = new Date()) {
  if (!viewer.permissions.has('people:merge')) return [];
  const pid = viewer.partnershipId;
  const merges = await repo.listOpenMergesInto(deps.db, pid, survivorId);
  const open = merges.filter((m) => now <= undoDeadline(m.merged_at));
  return Promise.all(
    open.map(async (m) => ({
      mergedId: m.merged_id,
      mergedAt: m.merged_at,
      name: mergedPrimaryName(await listNames(deps.db, pid, m.merged_id), mergeMoved.parse(m.moved)),
    })),
  );
}
