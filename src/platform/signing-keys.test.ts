import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.js';
import { keyIdOf, parsePublicKey, parseSigningKey, privateKeyPem, publicKeyPem, readOrCreateSigningKey, SIGNING_KEY_FILE } from './signing-keys.js';

describe('the transfer signing key', () => {
  const key = generateKeyPairSync('ed25519').privateKey;
  const pem = privateKeyPem(key);
  const der = key.export({ format: 'der', type: 'pkcs8' }).toString('base64');

  it('is read from PEM or from base64 PKCS#8, and its id is its public key’s', () => {
    assert.equal(keyIdOf(parseSigningKey(pem)!), keyIdOf(key));
    assert.equal(keyIdOf(parseSigningKey(der)!), keyIdOf(key));
    assert.equal(keyIdOf(parsePublicKey(publicKeyPem(key))!), keyIdOf(key));
    assert.match(keyIdOf(key), /^[0-9a-f]{64}$/);
  });

  it('refuses anything that is not an Ed25519 private key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    for (const text of ['', 'not a key', rsa, publicKeyPem(key)]) assert.equal(parseSigningKey(text), null);
  });

  it('is checked at boot with the rest of the configuration, never printing the value', () => {
    assert.equal(loadConfig({ HARBOUR_TRANSFER_SIGNING_KEY: der }).transferSigningKey, pem);
    assert.equal(loadConfig({}).transferSigningKey, undefined);
    assert.throws(
      () => loadConfig({ HARBOUR_TRANSFER_SIGNING_KEY: 'c2VjcmV0LXZhbHVl', PORT: 'x' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((p) => p.split(':')[0]).sort(), ['HARBOUR_TRANSFER_SIGNING_KEY', 'PORT']);
        assert.doesNotMatch(error.message, /c2VjcmV0LXZhbHVl/);
        return true;
      },
    );
  });

  it('is made once in the data folder when none is configured, readable only by Harbour', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-key-'));
    try {
      const first = readOrCreateSigningKey(dir);
      assert.ok(parseSigningKey(first));
      assert.equal(readOrCreateSigningKey(dir), first);
      assert.equal(fs.statSync(path.join(dir, SIGNING_KEY_FILE)).mode & 0o777, 0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
