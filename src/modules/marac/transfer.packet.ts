import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { CASE_FLAGS, CHILD_LIVES_WITH, PERPETRATOR_RELATIONSHIPS } from '../people/case.schemas.js';
import { CODED, OTHER_NAME_KINDS, VOICEMAIL } from '../people/person.codes.js';
import { CONSENT_STATUSES, CRITERIA, LAWFUL_BASES } from '../referrals/referral.codes.js';
import { transferErrors } from './transfer.errors.js';

/**
 * The MARAC transfer packet (docs/marac-transfers.md): a JSON envelope
 *
 *   { "format": "harbour.marac-transfer", "version": 1, "payload": "<base64url of the payload's UTF-8 JSON>",
 *     "signature": { "alg": "Ed25519", "keyId": "<SHA-256 of the signer's public key>", "value": "<base64url>" } }
 *
 * The signature is over the payload's exact bytes, which travel as base64url so that nothing on the way (an editor,
 * a text box's line endings, a JSON library's key order) can change them without the signature failing; no
 * canonical form has to be agreed. Reading a packet checks, in order: JSON, format, version, envelope, then (with
 * the key the caller finds by keyId) the signature, then the payload's contents. Nothing here touches the database.
 */

export const PACKET_FORMAT = 'harbour.marac-transfer';
export const PACKET_VERSION = 1;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD');
const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => z.string().max(max).nullable();
const BANDS = ['standard', 'medium', 'high'] as const;

/** What identifies a person: names, date of birth or estimated age, gender. */
const transferredPerson = z.object({
  givenName: text(100),
  familyName: text(100),
  otherNames: z.array(z.object({ kind: z.enum(OTHER_NAME_KINDS), givenName: text(100), familyName: text(100) })).max(5),
  dateOfBirth: isoDate.nullable(),
  estimatedAge: z.number().int().min(0).max(120).nullable(),
  gender: z.enum(CODED.gender).nullable(),
});

export const payloadSchema = z.object({
  format: z.literal(PACKET_FORMAT),
  version: z.literal(PACKET_VERSION),
  packetId: z.uuid(),
  createdAt: z.iso.datetime(),
  from: z.object({
    partnership: text(200).min(1),
    contact: z.object({ name: text(200), agency: text(200), email: text(254) }),
  }),
  to: text(200).min(1),
  reason: text(2000).min(1),
  consent: z
    .object({ status: z.enum(CONSENT_STATUSES), lawfulBasis: z.enum(LAWFUL_BASES).nullable(), reason: optionalText(2000) })
    .refine((c) => c.status === 'given' || (c.lawfulBasis !== null && Boolean(c.reason?.trim())), 'sharing without consent needs a lawful basis and a reason'),
  case: z.object({ reference: text(40), openedOn: isoDate, flags: z.array(z.enum(CASE_FLAGS)).max(CASE_FLAGS.length) }),
  victim: transferredPerson.extend({
    safeContact: z.object({
      voicemailAllowed: z.enum(VOICEMAIL),
      safeTimes: optionalText(500),
      doNotWriteHome: z.boolean(),
      phones: z.array(text(200).min(1)).max(10),
      emails: z.array(text(254).min(1)).max(10),
    }),
  }),
  perpetrators: z.array(transferredPerson.extend({ relationship: z.enum(PERPETRATOR_RELATIONSHIPS).nullable() })).max(20),
  children: z.array(transferredPerson.extend({ livesWith: z.enum(CHILD_LIVES_WITH).nullable() })).max(30),
  riskHistory: z
    .array(
      z.object({
        instrument: text(50),
        instrumentVersion: z.number().int().min(1),
        title: text(200),
        assessedOn: isoDate,
        score: z.number().int().min(0).nullable(),
        band: z.enum(BANDS).nullable(),
        level: z.enum(BANDS).nullable(),
        raisedByJudgement: z.boolean(),
        rationale: optionalText(5000),
      }),
    )
    .max(200),
  referrals: z.array(z.object({ reference: text(40), referredOn: isoDate, criterion: z.enum(CRITERIA), repeat: z.boolean(), status: text(40) })).max(200),
  minutes: z
    .array(
      z.object({
        meetingDate: isoDate,
        idvaView: optionalText(8000),
        summary: optionalText(8000),
        risks: optionalText(8000),
        finalisedAt: z.iso.datetime(),
        amendments: z.array(z.object({ text: text(8000), agency: text(200), madeAt: z.iso.datetime() })).max(100),
      }),
    )
    .max(100),
  openActions: z.array(z.object({ meetingDate: isoDate, agency: text(200), description: text(2000), dueOn: isoDate })).max(500),
});

export type TransferPayload = z.infer<typeof payloadSchema>;

export type Envelope = { format: string; version: number; payload: string; signature: { alg: 'Ed25519'; keyId: string; value: string } };

const envelopeSchema = z.object({
  payload: z.string().min(1),
  signature: z.object({ alg: z.literal('Ed25519'), keyId: z.string().regex(/^[0-9a-f]{64}$/), value: z.string().min(1) }),
});

/** Strict base64url: only its alphabet, no padding, and nothing a lenient decoder would quietly ignore. */
function fromBase64url(value: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64url');
  return bytes.toString('base64url') === value ? bytes : null;
}

export const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Signs a payload with the partnership's key: the envelope, and the SHA-256 of the bytes signed. */
export function signPacket(payload: TransferPayload, privateKey: KeyObject, keyId: string): { envelope: Envelope; payloadSha256: string } {
  const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
  const value = sign(null, bytes, privateKey).toString('base64url');
  return {
    envelope: { format: PACKET_FORMAT, version: PACKET_VERSION, payload: bytes.toString('base64url'), signature: { alg: 'Ed25519', keyId, value } },
    payloadSha256: sha256Hex(bytes),
  };
}

/** The file a coordinator downloads and sends. */
export const packetFile = (envelope: Envelope) => `${JSON.stringify(envelope, null, 2)}\n`;

/** Reads an envelope from a pasted text or a parsed JSON body; the signature is not checked yet (no key). */
export function readEnvelope(input: string | unknown): Envelope {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw transferErrors.malformedJson();
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || (value as { format?: unknown }).format !== PACKET_FORMAT) {
    throw transferErrors.unknownFormat();
  }
  const version = (value as { version?: unknown }).version;
  if (version !== PACKET_VERSION) throw transferErrors.unsupportedVersion(version);
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) throw transferErrors.malformedPacket();
  return { format: PACKET_FORMAT, version: PACKET_VERSION, ...parsed.data };
}

/**
 * Checks the signature with the sender's public key, then the payload's contents. The payload names its format and
 * version too, so the envelope's (which the signature does not cover) must agree with what was signed.
 */
export function verifyEnvelope(envelope: Envelope, publicKey: KeyObject): { payload: TransferPayload; payloadSha256: string } {
  const bytes = fromBase64url(envelope.payload);
  const signature = fromBase64url(envelope.signature.value);
  if (!bytes || !signature || signature.length !== 64 || !verify(null, bytes, publicKey, signature)) throw transferErrors.badSignature();
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw transferErrors.invalidPayload('it is not JSON');
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw transferErrors.invalidPayload(`${issue.path.join('.') || 'payload'}: ${issue.message}`);
  }
  return { payload: parsed.data, payloadSha256: sha256Hex(bytes) };
}
