import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { HarbourError } from '../../platform/errors.js';
import { keyIdOf } from '../../platform/signing-keys.js';
import { packetFile, readEnvelope, signPacket, verifyEnvelope, type TransferPayload } from './transfer.packet.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyId = keyIdOf(privateKey);

const payload: TransferPayload = {
  format: 'harbour.marac-transfer',
  version: 1,
  packetId: '6f1c2a9e-8d4b-4c1e-9a7f-2b3c4d5e6f70',
  createdAt: '2026-11-20T10:15:00.000Z',
  from: { partnership: 'Eastshire DAP', contact: { name: 'Cora Ordin', agency: 'Eastshire Council', email: 'marac@eastshire.example' } },
  to: 'Westshire MARAC',
  reason: 'Moved with her children',
  consent: { status: 'given', lawfulBasis: null, reason: null },
  case: { reference: 'HBR-2026-000001', openedOn: '2026-01-05', flags: ['stalking'] },
  victim: {
    givenName: 'Zoë',
    familyName: 'Marsh',
    otherNames: [{ kind: 'known_as', givenName: 'Zo', familyName: 'Marsh' }],
    dateOfBirth: '1990-02-01',
    estimatedAge: null,
    gender: 'woman',
    safeContact: { voicemailAllowed: 'no', safeTimes: 'Weekdays 10–12', doNotWriteHome: true, phones: ['07700 900123'], emails: [] },
  },
  perpetrators: [{ givenName: 'Rob', familyName: 'Marsh', otherNames: [], dateOfBirth: null, estimatedAge: 40, gender: 'man', relationship: 'ex_partner' }],
  children: [],
  riskHistory: [
    {
      instrument: 'dash',
      instrumentVersion: 1,
      title: 'DASH',
      assessedOn: '2026-01-05',
      score: 16,
      band: 'high',
      level: 'high',
      raisedByJudgement: false,
      rationale: null,
    },
  ],
  referrals: [{ reference: 'REF-1', referredOn: '2026-01-05', criterion: 'visible_high_risk', repeat: false, status: 'accepted' }],
  minutes: [],
  openActions: [{ meetingDate: '2026-01-20', agency: 'Housing', description: 'Sanctuary scheme', dueOn: '2026-02-01' }],
};

function reason(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof HarbourError) return error.code;
    throw error;
  }
  return 'accepted';
}

/** As the import reads a packet: the envelope, then the trusted key its keyId names (here only ours), then the signature. */
const check = (text: string) =>
  reason(() => {
    const envelope = readEnvelope(text);
    if (envelope.signature.keyId !== keyId) throw new HarbourError('unknown_key', 422, 'unknown key');
    verifyEnvelope(envelope, publicKey);
  });

describe('MARAC transfer packets', () => {
  const { envelope, payloadSha256 } = signPacket(payload, privateKey, keyId);
  const file = packetFile(envelope);

  it('verifies what it signed, payload and all', () => {
    const opened = verifyEnvelope(readEnvelope(file), publicKey);
    assert.deepEqual(opened.payload, payload);
    assert.equal(opened.payloadSha256, payloadSha256);
    assert.equal(envelope.signature.keyId, keyId);
    // A parsed body (the API) reads the same as the text (the page).
    assert.deepEqual(verifyEnvelope(readEnvelope(JSON.parse(file)), publicKey).payload, payload);
    // Line endings a browser's text box sends do not touch the signed bytes.
    assert.equal(check(file.replace(/\n/g, '\r\n')), 'accepted');
  });

  it('refuses every one-character change to the payload with the signature reason', () => {
    const start = file.indexOf(envelope.payload);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = start; i < start + envelope.payload.length; i++) {
      const other = alphabet[(alphabet.indexOf(file[i]!) + 1 + (i % 63)) % 64]!;
      const changed = file.slice(0, i) + other + file.slice(i + 1);
      assert.equal(check(changed), 'bad_signature', `changing character ${i - start} of the payload`);
    }
  });

  it('refuses one changed byte anywhere in the file, never accepting it', () => {
    const bytes = Buffer.from(file, 'utf8');
    const accepted: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i] = bytes[i]! ^ 0x01;
      const text = changed.toString('utf8');
      // Swapping one whitespace byte for another between JSON tokens changes no content, and is the only change allowed.
      if (/^\s$/.test(String.fromCharCode(bytes[i]!)) && /^\s$/.test(String.fromCharCode(changed[i]!))) continue;
      if (check(text) === 'accepted') accepted.push(i);
    }
    assert.deepEqual(accepted, []);
  });

  it('refuses a signature by another key, a changed signature, and a signature moved onto another payload', () => {
    const other = generateKeyPairSync('ed25519');
    assert.equal(
      reason(() => verifyEnvelope(readEnvelope(file), other.publicKey)),
      'bad_signature',
    );
    const second = signPacket({ ...payload, reason: 'Something else' }, privateKey, keyId).envelope;
    assert.equal(check(JSON.stringify({ ...envelope, signature: second.signature })), 'bad_signature');
    // Base64url a lenient decoder would accept (padding, other alphabet) is not the bytes that were signed.
    assert.equal(check(JSON.stringify({ ...envelope, payload: `${envelope.payload}=` })), 'bad_signature');
  });

  it('names each other reason', () => {
    assert.equal(check('{"format": "harbour.marac-transfer", '), 'malformed_json');
    assert.equal(check('[]'), 'unknown_format');
    assert.equal(check(JSON.stringify({ ...envelope, format: 'something.else' })), 'unknown_format');
    assert.equal(check(JSON.stringify({ ...envelope, version: 2 })), 'unsupported_version');
    assert.equal(check(JSON.stringify({ ...envelope, signature: { alg: 'RS256', keyId, value: 'x' } })), 'malformed_packet');
    assert.equal(check(JSON.stringify({ format: envelope.format, version: 1, signature: envelope.signature })), 'malformed_packet');
    // Signed by the trusted key, but not what a version 1 packet holds.
    const odd = signPacket({ ...payload, victim: { ...payload.victim, gender: 'unknown code' } } as unknown as TransferPayload, privateKey, keyId).envelope;
    assert.equal(check(JSON.stringify(odd)), 'invalid_payload');
  });
});
