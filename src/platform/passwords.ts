import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash, verify } from '@node-rs/argon2';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256; // bounds hashing cost; NCSC: allow long passphrases

const listFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../data-files/common-passwords.txt');
let commonPasswords: Set<string> | undefined;

function common(): Set<string> {
  commonPasswords ??= new Set(
    fs
      .readFileSync(listFile, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.toLowerCase()),
  );
  return commonPasswords;
}

export function commonPasswordCount(): number {
  return common().size;
}

/** NCSC-style rules: long enough, not a known common password, not guessable from the account. Returns problems, empty when fine. */
export function passwordProblems(password: string, email?: string): string[] {
  if (password.length < PASSWORD_MIN_LENGTH) return [`Password must be ${PASSWORD_MIN_LENGTH} characters or more`];
  if (password.length > PASSWORD_MAX_LENGTH) return [`Password must be ${PASSWORD_MAX_LENGTH} characters or fewer`];
  const lower = password.toLowerCase();
  // A common password with a few digits or symbols added ("qwertyuiop123!") is still a common password.
  const base = lower.replace(/[\d\W_]{1,4}$/, '');
  if (common().has(lower) || (base.length >= 6 && common().has(base))) return ['Password is too common: choose three random words instead'];
  if (new Set(lower).size <= 2) return ['Password must not be one or two characters repeated'];
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return ['Password must not contain your email address'];
  return [];
}

// OWASP's argon2id minimum is m=19 MiB, t=2, p=1; Harbour uses more memory.
const ARGON2ID = 2; // @node-rs/argon2's Algorithm.Argon2id (a const enum, so not importable as a value here)
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Verified against when the e-mail is unknown, so an attacker cannot tell from timing which accounts exist. */
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('harbour-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
  return false;
}
