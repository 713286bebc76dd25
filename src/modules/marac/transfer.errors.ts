import { HarbourError } from '../../platform/errors.js';

/**
 * Why a transfer packet was refused. The code is the problem+json `code` on the API and the audit event's error;
 * the message is what the coordinator reads in the error summary. Each says what to do next.
 */
export const REFUSAL_REASONS = [
  'malformed_json',
  'unknown_format',
  'unsupported_version',
  'malformed_packet',
  'unknown_key',
  'revoked_key',
  'bad_signature',
  'invalid_payload',
  'already_imported',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

function refused(reason: RefusalReason | 'no_signing_key', message: string, field = 'packet'): HarbourError {
  return new HarbourError(reason, 422, message, [{ field, message }]);
}

export const transferErrors = {
  malformedJson: () => refused('malformed_json', 'The packet is not valid JSON. Upload or paste the whole .json file exactly as it was sent.'),
  unknownFormat: () => refused('unknown_format', 'This is not a Harbour MARAC transfer packet (its format is not harbour.marac-transfer).'),
  unsupportedVersion: (version: unknown) =>
    refused('unsupported_version', `This packet is version ${String(version)} of the transfer format; this Harbour reads version 1 only.`),
  malformedPacket: () => refused('malformed_packet', 'The packet is incomplete: it needs a payload and an Ed25519 signature with a key id.'),
  unknownKey: (keyId: string) =>
    refused(
      'unknown_key',
      `The packet was signed with a key this partnership does not trust (key id ${keyId.slice(0, 16)}…). Ask the sending partnership for its public key and have an administrator add it to the trusted keys.`,
    ),
  revokedKey: (name: string) =>
    refused(
      'revoked_key',
      `The packet was signed with ${name}’s key, which this partnership has revoked. Ask the sending partnership to send it again with its current key.`,
    ),
  badSignature: () =>
    refused(
      'bad_signature',
      'The packet’s signature does not match its contents: it has been changed since it was signed, or damaged on the way. Ask the sending MARAC to send it again.',
    ),
  invalidPayload: (detail: string) =>
    refused('invalid_payload', `The packet is signed by a trusted partnership, but its contents are not what a version 1 packet holds (${detail}).`),
  alreadyImported: () =>
    refused('already_imported', 'This packet has already been imported. Each transfer is imported once: find the case from the transfers list.'),
  noSigningKey: () =>
    refused(
      'no_signing_key',
      'This partnership has no transfer signing key, so it cannot export a packet. Ask your administrator to set HARBOUR_TRANSFER_SIGNING_KEY.',
      'form',
    ),
  cannotCarry: (path: string) =>
    new HarbourError('cannot_carry', 422, `This case holds something a transfer packet cannot carry (${path}). Correct the record, then export again.`, [
      { field: 'form', message: `This case holds something a transfer packet cannot carry (${path}). Correct the record, then export again.` },
    ]),
  keyExists: () => new HarbourError('duplicate', 409, 'This key is already trusted', [{ field: 'publicKey', message: 'This key is already trusted' }]),
  notAPublicKey: () =>
    new HarbourError('validation_failed', 400, 'Enter an Ed25519 public key in PEM form', [
      { field: 'publicKey', message: 'Enter an Ed25519 public key in PEM form' },
    ]),
};
