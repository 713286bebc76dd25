import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import type { Tx } from '../../db/database.js';
import * as parts from './person.contacts.repository.js';
import type { AddressForm, ContactForm, ContactKind } from './person.contacts.schemas.js';
import { redactAddress, touchOrRefuse, viewerOf, visiblePerson, type PeopleDeps } from './person.service.js';

/**
 * Addresses, phone numbers and email addresses. Each change checks the person is visible, moves the person's
 * version on (the version the form was shown with: a stale form is refused), and is audited in its transaction.
 */

type Change = { trx: Tx; viewer: UserPrincipal; partnershipId: string };

async function changePart<T>(deps: PeopleDeps, actor: Actor, personId: string, version: number, work: (change: Change) => Promise<T>): Promise<T> {
  const viewer = viewerOf(actor);
  return actingTransaction(deps.db, actor, async (trx) => {
    await visiblePerson(trx, viewer, personId);
    await touchOrRefuse(trx, viewer.partnershipId, personId, version);
    return work({ trx, viewer, partnershipId: viewer.partnershipId });
  });
}

/** An address this viewer may change: a confidential one only by its recording agency (others cannot read it). */
async function changeableAddress(change: Change, personId: string, addressId: string) {
  const address = await parts.findAddress(change.trx, change.partnershipId, personId, addressId);
  if (!address || (address.confidential_refuge && address.recorded_by_agency_id !== change.viewer.agencyId)) throw errors.notFound('Address');
  return address;
}

/** Returns the new address's id. */
export async function addAddress(deps: PeopleDeps, actor: Actor, personId: string, form: AddressForm): Promise<string> {
  return changePart(deps, actor, personId, form.version, async (change) => {
    const address = {
      ...form,
      isCurrent: form.flags.includes('current'),
      isSafe: form.flags.includes('safe'),
      confidentialRefuge: form.flags.includes('refuge'),
    };
    const id = await parts.insertAddress(change.trx, change.partnershipId, personId, change.viewer.agencyId, address);
    if (address.isCurrent) await parts.makeOnlyCurrent(change.trx, change.partnershipId, personId, id);
    await actor.record(change.trx, {
      action: 'person.address.add',
      outcome: 'success',
      subjectType: 'person',
      subjectId: personId,
      details: { addressId: id },
    });
    return id;
  });
}

export async function updateAddress(deps: PeopleDeps, actor: Actor, personId: string, addressId: string, form: AddressForm): Promise<void> {
  await changePart(deps, actor, personId, form.version, async (change) => {
    const existing = await changeableAddress(change, personId, addressId);
    // Only the recording agency may make an address confidential or not: anyone else would lose sight of it too.
    const confidentialRefuge = existing.recorded_by_agency_id === change.viewer.agencyId ? form.flags.includes('refuge') : existing.confidential_refuge;
    const address = { ...form, isCurrent: form.flags.includes('current'), isSafe: form.flags.includes('safe'), confidentialRefuge };
    await parts.updateAddress(change.trx, change.partnershipId, personId, addressId, address);
    if (address.isCurrent) await parts.makeOnlyCurrent(change.trx, change.partnershipId, personId, addressId);
    await actor.record(change.trx, { action: 'person.address.update', outcome: 'success', subjectType: 'person', subjectId: personId, details: { addressId } });
  });
}

export async function markAddressCurrent(deps: PeopleDeps, actor: Actor, personId: string, addressId: string, version: number): Promise<void> {
  await changePart(deps, actor, personId, version, async (change) => {
    await changeableAddress(change, personId, addressId);
    await parts.makeOnlyCurrent(change.trx, change.partnershipId, personId, addressId);
    await actor.record(change.trx, {
      action: 'person.address.current',
      outcome: 'success',
      subjectType: 'person',
      subjectId: personId,
      details: { addressId },
    });
  });
}

/** The address for its edit form, redacted like the person page (a hidden one cannot be edited, so it is not found). */
export async function addressForEdit(deps: PeopleDeps, viewer: UserPrincipal, personId: string, addressId: string) {
  const person = await visiblePerson(deps.db, viewer, personId);
  const address = (await parts.listAddresses(deps.db, viewer.partnershipId, personId)).find((a) => a.id === addressId);
  if (!address || redactAddress(address, viewer).hidden) throw errors.notFound('Address');
  return { person, address, recordedHere: address.recorded_by_agency_id === viewer.agencyId };
}

/** Returns the new contact's id. */
export async function addContact(deps: PeopleDeps, actor: Actor, personId: string, kind: ContactKind, form: ContactForm): Promise<string> {
  return changePart(deps, actor, personId, form.version, async (change) => {
    const id = await parts.insertContact(change.trx, change.partnershipId, personId, { kind, ...form });
    await actor.record(change.trx, {
      action: 'person.contact.add',
      outcome: 'success',
      subjectType: 'person',
      subjectId: personId,
      details: { contactId: id, kind },
    });
    return id;
  });
}

export async function removeContact(deps: PeopleDeps, actor: Actor, personId: string, contactId: string, version: number): Promise<void> {
  await changePart(deps, actor, personId, version, async (change) => {
    if (!(await parts.deleteContact(change.trx, change.partnershipId, personId, contactId))) throw errors.notFound('Contact');
    await actor.record(change.trx, { action: 'person.contact.remove', outcome: 'success', subjectType: 'person', subjectId: personId, details: { contactId } });
  });
}

export async function setContactSafe(deps: PeopleDeps, actor: Actor, personId: string, contactId: string, version: number, safe: boolean): Promise<void> {
  await changePart(deps, actor, personId, version, async (change) => {
    if (!(await parts.setContactSafe(change.trx, change.partnershipId, personId, contactId, safe))) throw errors.notFound('Contact');
    await actor.record(change.trx, {
      action: 'person.contact.safe',
      outcome: 'success',
      subjectType: 'person',
      subjectId: personId,
      details: { contactId, safe },
    });
  });
}
