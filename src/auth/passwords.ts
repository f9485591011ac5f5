import { randomInt } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { AccessValidationError } from './errors.js';

/**
 * argon2id with OWASP's minimum (m=19 MiB, t=2, p=1): about 30-50 ms per hash, which is why
 * the authenticator caches successful verifications instead of hashing on every request.
 */
const ARGON2_OPTIONS = {
  // Algorithm is a const enum (no runtime object in the package); 2 = Argon2id.
  algorithm: 2 as Algorithm,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

export const PASSWORD_MIN_CHARS = 12;
/** Longer inputs are refused before hashing: argon2 of a megabyte password is a cheap DoS. */
export const PASSWORD_MAX_BYTES = 1024;

/** Hashes a password into an argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). */
export async function hashPassword(pw: string): Promise<string> {
  return hash(pw, ARGON2_OPTIONS);
}

/** True when `pw` matches `phc`; false (never throws) for a malformed hash or an oversized input. */
export async function verifyPassword(phc: string, pw: string): Promise<boolean> {
  if (Buffer.byteLength(pw) > PASSWORD_MAX_BYTES) return false;
  try {
    return await verify(phc, pw);
  } catch {
    return false;
  }
}

/** Throws AccessValidationError (field `password`) when `pw` is too weak or too long. */
export function checkPasswordPolicy(pw: string): void {
  const chars = [...pw].length;
  if (chars < PASSWORD_MIN_CHARS) {
    throw new AccessValidationError(
      'password',
      `cannot accept password: it has ${chars} characters, want at least ${PASSWORD_MIN_CHARS}`,
    );
  }
  const bytes = Buffer.byteLength(pw);
  if (bytes > PASSWORD_MAX_BYTES) {
    throw new AccessValidationError(
      'password',
      `cannot accept password: it is ${bytes} bytes long, want at most ${PASSWORD_MAX_BYTES}`,
    );
  }
  if (new Set(pw).size === 1) {
    throw new AccessValidationError(
      'password',
      'cannot accept password: it repeats one character, want a mix of characters',
    );
  }
}

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A random 24-character password from the URL-safe alphabet (144 bits). */
export function generatePassword(): string {
  let s = '';
  for (let i = 0; i < 24; i++) s += URL_SAFE[randomInt(URL_SAFE.length)];
  return s;
}
