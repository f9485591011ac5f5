import { createHash, randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Prefix of every token secret: makes a leaked token greppable by secret scanners (GitHub
 * secret scanning, gitleaks) and tells it apart from a password in `Authorization: Basic`.
 */
export const TOKEN_PREFIX = 'argus_';
export const TOKEN_ID_PREFIX = 'tok_';
const TOKEN_RE = /^argus_[0-9A-Za-z]{40}$/;
const TOKEN_ID_RE = /^tok_[0-9A-Za-z]{12}$/;

function base62(n: number): string {
  let s = '';
  // randomInt draws without modulo bias.
  for (let i = 0; i < n; i++) s += BASE62[randomInt(62)];
  return s;
}

/** A new token secret: `argus_` + 40 base62 characters (~238 bits). Shown once, never stored. */
export function generateToken(): string {
  return TOKEN_PREFIX + base62(40);
}

/** A new public token id: `tok_` + 12 base62 characters. */
export function generateTokenId(): string {
  return TOKEN_ID_PREFIX + base62(12);
}

/** True when `s` has the shape of a token secret (cheap pre-check before any lookup). */
export function looksLikeToken(s: string): boolean {
  return TOKEN_RE.test(s);
}

/** True when `s` has the shape of a public token id. */
export function isTokenId(s: string): boolean {
  return TOKEN_ID_RE.test(s);
}

/**
 * sha256 hex of a secret (token, session cookie). A plain hash is enough: the secrets are
 * random with 190+ bits, so unlike passwords they cannot be guessed from the hash.
 */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
