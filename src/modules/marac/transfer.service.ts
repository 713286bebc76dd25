import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { keyIdOf, parsePublicKey, parseSigningKey, publicKeyPem } from '../../platform/signing-keys.js';
import { actingTransaction } from '../../platform/transactions.js';
import { openTransferredCaseIn, type TransferredPerson } from '../people/case.transfer.service.js';
import { estimatedAgeNow } from '../people/person.age.js';
import { createReferralIn } from '../referrals/referral.service.js';
import { coordinator } from './marac.policy.js';
import { transferErrors } from './transfer.errors.js';
import { packetFile, payloadSchema, readEnvelope, signPacket, verifyEnvelope, type TransferPayload } from './transfer.packet.js';
import * as repo from './transfer.repository.js';
import type { ExportInput } from './transfer.schemas.js';

/**
 * MARAC-to-MARAC transfers (issue 5; docs/marac-transfers.md). The coordinator exports a signed packet of a case
 * they may see; the receiving partnership's coordinator (or its system, through the API) imports it as a new case
 * with a transfer-in MARAC referral. A packet is checked completely before anything is written, and imported once.
 */

type CasePersonRow = Awaited<ReturnType<typeof repo.casePeople>>[number];
type NameRow = Awaited<ReturnType<typeof repo.personNames>>[number];

function transferredPerson(person: CasePersonRow, names: NameRow[]): TransferredPerson {
  const own = names.filter((n) => n.person_id === person.id);
  const primary = own.find((n) => n.is_primary) ?? own[0];
  return {
    givenName: primary?.given_name ?? '',
    familyName: primary?.family_name ?? '',
    otherNames: own
      .filter((n) => n !== primary && n.kind !== 'legal')
      .map((n) => ({ kind: n.kind as Exclude<NameRow['kind'], 'legal'>, givenName: n.given_name, familyName: n.family_name })),
    dateOfBirth: person.date_of_birth,
    estimatedAge: person.estimated_age !== null && person.estimated_age_on ? estimatedAgeNow(person.estimated_age, person.estimated_age_on) : null,
    gender: person.gender as TransferredPerson['gender'],
  };
}

async function visibleCase(db: Db | Tx, viewer: UserPrincipal, caseId: string) {
  const found = await repo.findVisibleCase(db, viewer, caseId);
  if (!found) throw errors.notFound('Case');
  return found;
}

/** Everything the packet says about the case, read as the coordinator sees it. */
async function casePayload(db: Tx, viewer: UserPrincipal, theCase: repo.TransferCaseRow) {
  const pid = viewer.partnershipId;
  const people = await repo.casePeople(db, viewer, theCase.id);
  const names = await repo.personNames(
    db,
    pid,
    people.map((p) => p.id),
  );
  const victim = people.find((p) => p.role === 'victim');
  if (!victim) throw errors.notFound('Case');
  const contacts = await repo.safeContacts(db, pid, victim.id);
  const minutes = await repo.finalMinutes(db, pid, theCase.id);
  const amendments = await repo.amendments(
    db,
    pid,
    minutes.map((m) => m.id),
  );
  return {
    case: { reference: theCase.reference, openedOn: theCase.opened_on, flags: theCase.flags as TransferPayload['case']['flags'] },
    victim: {
      ...transferredPerson(victim, names),
      safeContact: {
        voicemailAllowed: victim.voicemail_allowed,
        safeTimes: victim.safe_times,
        doNotWriteHome: victim.do_not_write_home,
        phones: contacts.filter((c) => c.kind === 'phone').map((c) => c.value),
        emails: contacts.filter((c) => c.kind === 'email').map((c) => c.value),
      },
    },
    perpetrators: people
      .filter((p) => p.role === 'perpetrator')
      .map((p) => ({ ...transferredPerson(p, names), relationship: p.relationship as TransferPayload['perpetrators'][number]['relationship'] })),
    children: people
      .filter((p) => p.role === 'child')
      .map((p) => ({ ...transferredPerson(p, names), livesWith: p.lives_with as TransferPayload['children'][number]['livesWith'] })),
    riskHistory: (await repo.submittedAssessments(db, pid, theCase.id)).map((a) => ({
      instrument: a.instrument_id,
      instrumentVersion: a.instrument_version,
      title: a.title,
      assessedOn: a.assessed_on,
      score: a.score,
      band: a.score_band,
      level: a.level,
      raisedByJudgement: a.raised_by_judgement,
      rationale: a.judgement_rationale,
    })),
    referrals: (await repo.maracReferrals(db, pid, theCase.id)).map((r) => ({
      reference: r.reference,
      referredOn: r.referred_on,
      criterion: r.criterion!,
      repeat: r.is_repeat,
      status: r.status,
    })),
    minutes: minutes.map((m) => ({
      meetingDate: m.meeting_date,
      idvaView: m.idva_view,
      summary: m.summary,
      risks: m.risks,
      finalisedAt: m.finalised_at!.toISOString(),
      amendments: amendments.filter((a) => a.minute_id === m.id).map((a) => ({ text: a.text, agency: a.agency, madeAt: a.created_at.toISOString() })),
    })),
    openActions: (await repo.openActions(db, pid, theCase.id)).map((a) => ({
      meetingDate: a.meeting_date,
      agency: a.agency,
      description: a.description,
      dueOn: a.due_on,
    })),
  };
}

/** The export page: the case, and what its packet would hold. */
export async function exportPage(db: Db, actor: Actor, caseId: string, signingKey: string | undefined) {
  const viewer = coordinator(actor);
  return actingTransaction(db, actor, async (trx) => {
    const theCase = await visibleCase(trx, viewer, caseId);
    const contents = await casePayload(trx, viewer, theCase);
    return { theCase, contents, keyConfigured: Boolean(signingKey) };
  });
}

/** Signs the case's packet, records the export, and returns the file to download. */
export async function exportPacket(db: Db, actor: Actor, caseId: string, input: ExportInput, signingKey: string | undefined) {
  const viewer = coordinator(actor);
  const key = signingKey ? parseSigningKey(signingKey) : null;
  if (!key) throw transferErrors.noSigningKey();
  const keyId = keyIdOf(key);
  return actingTransaction(db, actor, async (trx) => {
    const theCase = await visibleCase(trx, viewer, caseId);
    const built = payloadSchema.safeParse({
      format: 'harbour.marac-transfer',
      version: 1,
      packetId: randomUUID(),
      createdAt: new Date().toISOString(),
      from: {
        partnership: (await repo.partnershipName(trx, viewer.partnershipId)).name,
        contact: { name: viewer.displayName, agency: viewer.agencyName, email: viewer.email },
      },
      to: input.to,
      reason: input.reason,
      consent: input.consent,
      ...(await casePayload(trx, viewer, theCase)),
    });
    if (!built.success) throw transferErrors.cannotCarry(built.error.issues[0]!.path.join('.'));
    const payload = built.data;
    const { envelope, payloadSha256 } = signPacket(payload, key, keyId);
    const transferId = await repo.insertTransfer(trx, {
      partnershipId: viewer.partnershipId,
      direction: 'out',
      packetId: payload.packetId,
      payloadSha256,
      keyId,
      caseId: theCase.id,
      referralId: null,
      counterpart: input.to,
      reason: input.reason,
      packet: null,
      createdBy: viewer.userId,
    });
    await actor.record(trx, {
      action: 'marac.transfer.export',
      outcome: 'success',
      subjectType: 'case',
      subjectId: theCase.id,
      details: { transferId, packetId: payload.packetId, payloadSha256, to: input.to, consent: input.consent.status },
    });
    return { file: packetFile(envelope), filename: `marac-transfer-${theCase.reference}-${payload.packetId.slice(0, 8)}.json` };
  });
}

/** Who imports: the actor audits and records; `people` is the actor the people services see (a token's agency, for the API). */
export type Importer = { actor: Actor; people: Actor; viewer: UserPrincipal; userId: string | null };

const limit = (text: string, max: number) => ([...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text);

/**
 * Imports a packet: every check before anything is written (format, trusted key, signature, contents), then, in
 * one transaction that holds the packet id, the replay check, the case and its people, the transfer-in referral
 * and the record of the import. A refusal writes nothing but its audit event.
 */
export async function importPacket(db: Db, importer: Importer, input: string | unknown) {
  const { actor, viewer } = importer;
  const envelope = readEnvelope(input);
  const trusted = await repo.findKey(db, viewer.partnershipId, envelope.signature.keyId);
  if (!trusted) throw transferErrors.unknownKey(envelope.signature.keyId);
  if (trusted.revoked_at) throw transferErrors.revokedKey(trusted.name);
  const { payload, payloadSha256 } = verifyEnvelope(envelope, parsePublicKey(trusted.public_key)!);
  return actingTransaction(db, actor, async (trx) => {
    await repo.lockPacket(trx, payload.packetId);
    if (await repo.alreadyImported(trx, viewer.partnershipId, payload.packetId)) throw transferErrors.alreadyImported();
    const via = { via: 'marac transfer', packetId: payload.packetId };
    const opened = await openTransferredCaseIn(trx, importer.people, { ...payload, flags: payload.case.flags }, via);
    const referral = await createReferralIn(trx, actor, viewer, {
      caseId: opened.caseId,
      destination: 'marac',
      criterion: 'professional_judgement',
      toAgencyId: null,
      reasons: limit(`MARAC-to-MARAC transfer from ${payload.from.partnership} (their case ${payload.case.reference}): ${payload.reason}`, 4000),
      referredOn: londonToday(),
      perpetratorIds: opened.perpetratorIds,
      riskAssessmentId: null,
      consent: payload.consent,
    });
    const transferId = await repo.insertTransfer(trx, {
      partnershipId: viewer.partnershipId,
      direction: 'in',
      packetId: payload.packetId,
      payloadSha256,
      keyId: trusted.key_id,
      caseId: opened.caseId,
      referralId: referral.id,
      counterpart: limit(payload.from.partnership, 200),
      reason: payload.reason,
      packet: JSON.stringify(envelope),
      createdBy: importer.userId,
    });
    await actor.record(trx, {
      action: 'marac.transfer.import',
      outcome: 'success',
      subjectType: 'case',
      subjectId: opened.caseId,
      details: { transferId, packetId: payload.packetId, payloadSha256, from: trusted.name, keyId: trusted.key_id, referralId: referral.id },
    });
    return { transferId, caseId: opened.caseId, caseReference: opened.reference, referralId: referral.id, referralReference: referral.reference };
  });
}

export async function listTransfers(db: Db, actor: Actor) {
  const viewer = coordinator(actor);
  return repo.listTransfers(db, viewer, 200);
}

/** One transfer; an import shows what the sending MARAC sent (it was verified when imported, and is kept as it came). */
export async function transferPage(db: Db, actor: Actor, id: string) {
  const viewer = coordinator(actor);
  const found = await repo.findTransfer(db, viewer, id);
  if (!found) throw errors.notFound('Transfer');
  const received = found.packet
    ? payloadSchema.parse(JSON.parse(Buffer.from((found.packet as { payload: string }).payload, 'base64url').toString('utf8')))
    : null;
  return { transfer: found, received };
}

/** This partnership's public key, for partners to trust, and the keys it trusts. */
export async function keysPage(db: Db, actor: Actor, signingKey: string | undefined) {
  const viewer = coordinator(actor);
  const key = signingKey ? parseSigningKey(signingKey) : null;
  return { own: key ? { keyId: keyIdOf(key), publicKey: publicKeyPem(key) } : null, trusted: await repo.listKeys(db, viewer.partnershipId) };
}

// Managing trusted keys (the command line: `harbour transfer …`).

export async function trustKey(db: Db, actor: Actor, input: { name: string; publicKey: string }): Promise<string> {
  const key = parsePublicKey(input.publicKey);
  if (!key) throw transferErrors.notAPublicKey();
  const keyId = keyIdOf(key);
  return actingTransaction(db, actor, async (trx) => {
    if (await repo.findKey(trx, actor.principal.partnershipId, keyId)) throw transferErrors.keyExists();
    const userId = actor.principal.kind === 'user' ? actor.principal.userId : null;
    await repo.insertKey(trx, { partnershipId: actor.principal.partnershipId, name: input.name, keyId, publicKey: publicKeyPem(key), addedBy: userId });
    await actor.record(trx, { action: 'marac.transfer.key.trust', outcome: 'success', details: { keyId, name: input.name } });
    return keyId;
  });
}

export async function revokeKey(db: Db, actor: Actor, keyId: string): Promise<void> {
  await actingTransaction(db, actor, async (trx) => {
    const userId = actor.principal.kind === 'user' ? actor.principal.userId : null;
    if (!(await repo.revokeKey(trx, actor.principal.partnershipId, keyId, userId))) throw errors.notFound('Trusted key');
    await actor.record(trx, { action: 'marac.transfer.key.revoke', outcome: 'success', details: { keyId } });
  });
}

export const listTrustedKeys = (db: Db, partnershipId: string) => repo.listKeys(db, partnershipId);
