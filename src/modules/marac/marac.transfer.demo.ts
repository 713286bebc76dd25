import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { systemActor, type Actor } from '../../platform/request-context.js';
import { keyIdOf, privateKeyPem, publicKeyPem } from '../../platform/signing-keys.js';
import { decideReferral } from '../referrals/screening.service.js';
import { packetFile, signPacket, type TransferPayload } from './transfer.packet.js';
import { exportPacket, importPacket, trustKey } from './transfer.service.js';

/**
 * MARAC-to-MARAC transfers in the demo (docs/marac-transfers.md): one case sent in by a fictional neighbouring
 * partnership and one case of ours sent out to another. Both go through the real services: the neighbour's key is
 * made here and trusted as an administrator would trust it, its packet is signed with it and imported by the
 * coordinator, who accepts the transfer-in referral so it goes on the next agenda as a transfer in.
 */

export const NEIGHBOUR = 'Westmarsh Domestic Abuse Partnership';
const RECEIVER = 'Kestrelford MARAC (Kestrelford Community Safety Partnership)';

/** What Westmarsh's MARAC sends about a victim who has moved into the demo's area (invented people). */
function westmarshPacket(today: string): TransferPayload {
  const heard = shiftDays(today, -40);
  return {
    format: 'harbour.marac-transfer',
    version: 1,
    packetId: randomUUID(),
    createdAt: new Date(`${shiftDays(today, -3)}T14:20:00Z`).toISOString(),
    from: { partnership: NEIGHBOUR, contact: { name: 'Lorna Pettigrew', agency: 'Westmarsh Borough Council', email: 'marac@westmarsh.example.org' } },
    to: 'Harbourshire MARAC',
    reason: 'The victim and her son have moved to Harbourshire to be near her sister; the perpetrator does not know the new address.',
    consent: { status: 'given', lawfulBasis: null, reason: null },
    case: { reference: 'WDAP-2026-0412', openedOn: shiftDays(today, -160), flags: ['stalking'] },
    victim: {
      givenName: 'Rebekah',
      familyName: 'Tolland',
      otherNames: [{ kind: 'known_as', givenName: 'Becky', familyName: 'Tolland' }],
      dateOfBirth: '1992-03-14',
      estimatedAge: null,
      gender: 'woman',
      safeContact: {
        voicemailAllowed: 'no',
        safeTimes: 'Weekdays after 10am, when her son is at school',
        doNotWriteHome: true,
        phones: ['07700 900871'],
        emails: [],
      },
    },
    perpetrators: [
      { givenName: 'Garrick', familyName: 'Vell', otherNames: [], dateOfBirth: null, estimatedAge: 36, gender: 'man', relationship: 'ex_partner' },
    ],
    children: [
      { givenName: 'Alfie', familyName: 'Tolland', otherNames: [], dateOfBirth: '2017-09-02', estimatedAge: null, gender: 'man', livesWith: 'victim' },
    ],
    riskHistory: [
      {
        instrument: 'dash-ric-24',
        instrumentVersion: 1,
        title: 'DASH RIC 2024',
        assessedOn: shiftDays(today, -55),
        score: 16,
        band: 'high',
        level: 'high',
        raisedByJudgement: false,
        rationale: null,
      },
    ],
    referrals: [{ reference: 'WM-REF-3381', referredOn: shiftDays(today, -52), criterion: 'visible_high_risk', repeat: false, status: 'accepted' }],
    minutes: [
      {
        meetingDate: heard,
        idvaView: 'She wants to move away from Westmarsh; he has found her twice through friends.',
        summary: 'Police shared two breaches of a non-molestation order. Housing supported a move out of the area.',
        risks: 'Stalking after separation; threats to take the child.',
        finalisedAt: new Date(`${shiftDays(heard, 2)}T16:00:00Z`).toISOString(),
        amendments: [],
      },
    ],
    openActions: [
      {
        meetingDate: heard,
        agency: 'Westmarsh Police',
        description: 'Share the bail conditions with the receiving MARAC’s police',
        dueOn: shiftDays(today, 5),
      },
    ],
  };
}

/**
 * Before the demo's agendas are built: Westmarsh's key is trusted, its packet imported as a new case with a
 * transfer-in referral, and the coordinator accepts it, so it is placed on the next agenda (kind transfer_in).
 */
export async function seedTransferInDemo(db: Db, partnershipId: string, coordinator: Actor): Promise<void> {
  const { privateKey } = generateKeyPairSync('ed25519');
  await trustKey(db, systemActor(partnershipId, 'demo seed'), { name: NEIGHBOUR, publicKey: publicKeyPem(privateKey) });
  const { envelope } = signPacket(westmarshPacket(londonToday()), privateKey, keyIdOf(privateKey));
  const viewer = coordinator.principal as UserPrincipal;
  const imported = await importPacket(db, { actor: coordinator, people: coordinator, viewer, userId: viewer.userId }, packetFile(envelope));
  await decideReferral(db, coordinator, imported.referralId, 1, { decision: 'accept' });
}

/**
 * After the history: a case heard a few months ago whose victim has since moved away is exported to another
 * MARAC. The demo has no signing key of its own at seed time (the server keeps one in its data folder), so the
 * export is signed with a key made for it here; the record shows that key's id.
 */
export async function seedTransferOutDemo(db: Db, partnershipId: string, coordinator: Actor): Promise<void> {
  const today = londonToday();
  const moved = await db
    .selectFrom('marac_agenda_items as i')
    .innerJoin('marac_meetings as m', (join) => join.onRef('m.partnership_id', '=', 'i.partnership_id').onRef('m.id', '=', 'i.meeting_id'))
    .innerJoin('cases as c', (join) => join.onRef('c.partnership_id', '=', 'i.partnership_id').onRef('c.id', '=', 'i.case_id'))
    .select('i.case_id')
    .where('i.partnership_id', '=', partnershipId)
    .where('c.status', '=', 'open')
    .where('m.meeting_date', '<', shiftDays(today, -60))
    .orderBy('m.meeting_date', 'desc')
    .orderBy('i.position')
    .executeTakeFirst();
  if (!moved) return;
  const signingKey = privateKeyPem(generateKeyPairSync('ed25519').privateKey);
  await exportPacket(
    db,
    coordinator,
    moved.case_id,
    {
      to: RECEIVER,
      reason: 'The victim has moved to Kestrelford to live near family; the IDVA there has agreed to take the case.',
      consent: { status: 'given', lawfulBasis: null, reason: null },
    },
    signingKey,
  );
}
