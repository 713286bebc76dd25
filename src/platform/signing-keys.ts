import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The partnership's Ed25519 signing key for MARAC-to-MARAC transfer packets (docs/marac-transfers.md). It comes from
 * HARBOUR_TRANSFER_SIGNING_KEY (PEM, or the base64 of the PKCS#8 DER); with the embedded database and no key set,
 * Harbour makes one on first start and keeps it in the data folder, like the database password.
 */

const PEM = /^-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----\s*$/;

/** The Ed25519 private key the text holds, or null if it holds none (wrong format, or another kind of key). */
export function parseSigningKey(text: string): KeyObject | null {
  const trimmed = text.trim();
  try {
    const key = PEM.test(trimmed)
      ? createPrivateKey({ key: trimmed, format: 'pem' })
      : /^[A-Za-z0-9+/=\s]+$/.test(trimmed)
        ? createPrivateKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'pkcs8' })
        : null;
    return key?.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

export function privateKeyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** A public key in SPKI PEM, the form a partner is given and keeps in its trusted keys. */
export function publicKeyPem(key: KeyObject): string {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'pem', type: 'spki' }).toString();
}

/** The Ed25519 public key a PEM text holds, or null. */
export function parsePublicKey(text: string): KeyObject | null {
  try {
    const key = createPublicKey({ key: text.trim(), format: 'pem' });
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

/** A key's id: the SHA-256 of its public key's DER (SPKI), in hex. The same for the private key and its public key. */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex');
}

export const SIGNING_KEY_FILE = 'transfer-signing-key.pem';

/** The data folder's own key (the embedded default), made on first use and readable only by Harbour's user. */
export function readOrCreateSigningKey(dataDir: string): string {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  if (fs.existsSync(file)) {
    const pem = fs.readFileSync(file, 'utf8');
    if (!parseSigningKey(pem)) throw new Error(`${file} does not hold an Ed25519 private key: move it away to have a new key made`);
    return pem;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const pem = privateKeyPem(generateKeyPairSync('ed25519').privateKey);
  fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  return pem;
}
