import { z } from 'zod';
import { formSchema } from '../people/case.schemas.js';
import { CONSENT_STATUSES, LAWFUL_BASES } from '../referrals/referral.codes.js';

/** The export and import forms (GOV.UK wording, every problem at once) and the API body's limit. */

type Raw = Record<string, unknown>;
type Fail = (field: string, message: string) => undefined;

export const TO_MAX = 200;
export const REASON_MAX = 2000;
export const CONSENT_REASON_MAX = 2000;
/** A pasted packet: the form's body limit (256 KB) is the real bound; this one gives a readable message first. */
export const PACKET_MAX = 250_000;

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const isCode = <T extends string>(codes: readonly T[], value: string): value is T => (codes as readonly string[]).includes(value);

function readText(raw: Raw, fail: Fail, name: string, max: number, whenBlank: string, label: string): string | undefined {
  const value = text(raw[name]);
  if (!value) return fail(name, whenBlank);
  if ([...value].length > max) return fail(name, `${label} must be ${max} characters or fewer`);
  return value;
}

/** Sharing without consent: each answer that needs it has its own lawful basis and reason fields, as on the referral form. */
export const lawfulBasisField = (status: string) => `lawfulBasis-${status}`;
export const consentReasonField = (status: string) => `consentReason-${status}`;

export const exportForm = formSchema((raw, fail) => {
  const to = readText(raw, fail, 'to', TO_MAX, 'Enter the MARAC the case is going to', 'The receiving MARAC');
  const reason = readText(raw, fail, 'reason', REASON_MAX, 'Enter why the case is being transferred', 'The reason');
  const status = text(raw.consent);
  let consent: ExportInput['consent'] = { status: 'given', lawfulBasis: null, reason: null };
  if (!isCode(CONSENT_STATUSES, status)) fail('consent', 'Select whether the victim consented to the transfer');
  else if (status !== 'given') {
    const basis = text(raw[lawfulBasisField(status)]);
    if (!isCode(LAWFUL_BASES, basis)) fail(lawfulBasisField(status), 'Select the lawful basis for sharing without consent');
    const why = readText(raw, fail, consentReasonField(status), CONSENT_REASON_MAX, 'Give your reason for sharing without consent', 'Your reason');
    consent = { status, lawfulBasis: isCode(LAWFUL_BASES, basis) ? basis : null, reason: why ?? null };
  }
  return { transfer: { to: to!, reason: reason!, consent } };
});

export type ExportInput = {
  to: string;
  reason: string;
  consent: { status: (typeof CONSENT_STATUSES)[number]; lawfulBasis: (typeof LAWFUL_BASES)[number] | null; reason: string | null };
};

/** The pasted packet is kept exactly as sent (not trimmed inside): the signature is over its payload's bytes. */
export const importForm = z.object({
  packet: z
    .string({ error: 'Paste the transfer packet' })
    .refine((value) => value.trim().length > 0, 'Paste the transfer packet')
    .refine(
      (value) => value.length <= PACKET_MAX,
      `The packet must be ${PACKET_MAX.toLocaleString('en-GB')} characters or fewer: import a larger one through the API`,
    ),
});

/** The API: the packet is the body itself, read as text so that a body that is not JSON is refused with its reason. */
export const packetBody = z.string().meta({
  id: 'MaracTransferPacket',
  description:
    'A signed MARAC transfer packet, exactly as exported: { "format": "harbour.marac-transfer", "version": 1, "payload": "<base64url JSON>", "signature": { "alg": "Ed25519", "keyId": "<hex>", "value": "<base64url>" } }',
});

export const importedSchema = z
  .object({
    transferId: z.uuid(),
    caseId: z.uuid(),
    caseReference: z.string(),
    referralId: z.uuid(),
    referralReference: z.string(),
  })
  .meta({ id: 'MaracTransferImported' });
