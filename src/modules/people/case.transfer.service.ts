import type { Tx } from '../../db/database.js';
import { londonToday } from '../../platform/format.js';
import type { Actor } from '../../platform/request-context.js';
import * as cases from './case.repository.js';
import type { CASE_FLAGS, CHILD_LIVES_WITH, PERPETRATOR_RELATIONSHIPS } from './case.schemas.js';
import { viewerOf } from './case.service.js';
import type { CODED, OtherNameKind, VOICEMAIL } from './person.codes.js';
import * as parts from './person.contacts.repository.js';
import * as people from './person.repository.js';
import type { PersonName } from './person.schemas.js';

/**
 * A case that arrives from another MARAC (marac/transfer.service.ts): its victim, perpetrators and children are
 * recorded as new people of the importing coordinator's agency, which owns the new case. Nobody is matched to an
 * existing record here: the duplicate checks on the people pages find them and the coordinator merges.
 *
 * The sending MARAC's records are taken as they are: a child is recorded with the age the sender gave even if the
 * rules for adding a child to a case would refuse it today, because the record is the sender's, not a new finding.
 */

export type TransferredPerson = {
  givenName: string;
  familyName: string;
  otherNames: { kind: OtherNameKind; givenName: string; familyName: string }[];
  dateOfBirth: string | null;
  estimatedAge: number | null;
  gender: (typeof CODED.gender)[number] | null;
};

export type TransferredCase = {
  flags: (typeof CASE_FLAGS)[number][];
  victim: TransferredPerson & {
    safeContact: {
      voicemailAllowed: (typeof VOICEMAIL)[number];
      safeTimes: string | null;
      doNotWriteHome: boolean;
      phones: string[];
      emails: string[];
    };
  };
  perpetrators: (TransferredPerson & { relationship: (typeof PERPETRATOR_RELATIONSHIPS)[number] | null })[];
  children: (TransferredPerson & { livesWith: (typeof CHILD_LIVES_WITH)[number] | null })[];
};

const NO_SAFE_CONTACT = { voicemailAllowed: 'not_known', safeTimes: null, doNotWriteHome: false } as const;

function columns(person: TransferredPerson, safe: { voicemailAllowed: (typeof VOICEMAIL)[number]; safeTimes: string | null; doNotWriteHome: boolean }) {
  return {
    dateOfBirth: person.dateOfBirth,
    estimatedAge: person.estimatedAge,
    estimatedAgeOn: person.estimatedAge === null ? null : londonToday(),
    gender: person.gender,
    preferredLanguage: null,
    interpreterNeeded: false,
    gpPractice: null,
    safeTimes: safe.safeTimes,
    voicemailAllowed: safe.voicemailAllowed,
    doNotWriteHome: safe.doNotWriteHome,
    codeWord: null,
    sex: null,
    genderIdentity: null,
    ethnicity: null,
    disability: null,
    disabilityTypes: [],
    religion: null,
    sexualOrientation: null,
    pregnancy: null,
    maritalStatus: null,
    immigrationStatus: null,
    nrpf: null,
  };
}

function names(person: TransferredPerson): PersonName[] {
  return [
    { kind: 'legal', givenName: person.givenName, familyName: person.familyName, isPrimary: true },
    ...person.otherNames.map((n) => ({ ...n, isPrimary: false })),
  ];
}

/** Opens the transferred case in the caller's transaction, opened today; each record it makes is audited. */
export async function openTransferredCaseIn(
  trx: Tx,
  actor: Actor,
  input: TransferredCase,
  via: Record<string, unknown>,
): Promise<{ caseId: string; reference: string; victimId: string; perpetratorIds: string[] }> {
  const viewer = viewerOf(actor);
  const owner = { partnershipId: viewer.partnershipId, agencyId: viewer.agencyId, userId: viewer.userId };
  const record = async (person: TransferredPerson, safe: Parameters<typeof columns>[1]) => {
    const id = await people.insertPerson(trx, owner, columns(person, safe), names(person));
    await actor.record(trx, { action: 'person.create', outcome: 'success', subjectType: 'person', subjectId: id, details: via });
    return id;
  };

  const { safeContact } = input.victim;
  const victimId = await record(input.victim, safeContact);
  for (const [kind, values] of [
    ['phone', safeContact.phones],
    ['email', safeContact.emails],
  ] as const) {
    for (const value of values) await parts.insertContact(trx, viewer.partnershipId, victimId, { kind, value, safe: true, note: null });
  }

  const openedOn = londonToday();
  const reference = await cases.nextReference(trx, openedOn);
  const caseId = await cases.insertCase(trx, {
    partnershipId: viewer.partnershipId,
    reference,
    owningAgencyId: viewer.agencyId,
    openedOn,
    flags: input.flags,
    createdBy: viewer.userId,
  });
  const onCase = (personId: string, role: 'victim' | 'perpetrator' | 'child', relationship: string | null, livesWith: string | null) =>
    cases.insertCasePerson(trx, { partnershipId: viewer.partnershipId, caseId, personId, role, relationship, livesWith });
  await onCase(victimId, 'victim', null, null);
  const perpetratorIds: string[] = [];
  for (const perpetrator of input.perpetrators) {
    const id = await record(perpetrator, NO_SAFE_CONTACT);
    await onCase(id, 'perpetrator', perpetrator.relationship, null);
    perpetratorIds.push(id);
  }
  for (const child of input.children) await onCase(await record(child, NO_SAFE_CONTACT), 'child', null, child.livesWith);
  await actor.record(trx, {
    action: 'case.create',
    outcome: 'success',
    subjectType: 'case',
    subjectId: caseId,
    details: { ...via, reference, victimId, openedOn, flags: input.flags, perpetrators: perpetratorIds.length, children: input.children.length },
  });
  return { caseId, reference, victimId, perpetratorIds };
}
