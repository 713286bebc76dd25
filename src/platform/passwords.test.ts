import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonPasswordCount, hashPassword, passwordProblems, verifyPassword } from './passwords.js';

describe('password rules', () => {
  it('ships a list of at least 10,000 common passwords', () => {
    assert.ok(commonPasswordCount() >= 10_000, `only ${commonPasswordCount()} common passwords`);
  });

  it('needs 12 characters or more', () => {
    assert.deepEqual(passwordProblems('short-pass1'), ['Password must be 12 characters or more']);
    assert.deepEqual(passwordProblems('violet kettle orbit'), []);
  });

  it('refuses common passwords whatever their case', () => {
    assert.match(passwordProblems('PASSWORD1234')[0] ?? '', /too common/);
    assert.match(passwordProblems('1Q2W3E4R5T6Y')[0] ?? '', /too common/);
    assert.match(passwordProblems('qwertyuiop123!')[0] ?? '', /too common/, 'a common password with digits added');
  });

  it('refuses repeated characters and the account’s own email name', () => {
    assert.match(passwordProblems('aaaaaaaaaaaabbbbb')[0] ?? '', /repeated/);
    assert.match(passwordProblems('jo.bloggs-is-great', 'jo.bloggs@example.org')[0] ?? '', /email/);
  });

  it('refuses absurdly long input before hashing it', () => {
    assert.match(passwordProblems('x'.repeat(300) + 'abc')[0] ?? '', /256 characters or fewer/);
  });

  it('hashes with argon2id and verifies', async () => {
    const hash = await hashPassword('violet kettle orbit');
    assert.match(hash, /^\$argon2id\$/);
    assert.equal(await verifyPassword(hash, 'violet kettle orbit'), true);
    assert.equal(await verifyPassword(hash, 'violet kettle orbiT'), false);
    assert.equal(await verifyPassword('not-a-hash', 'anything'), false);
  });
});
