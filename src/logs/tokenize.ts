import type { LineFilter } from '../storage/index.js';

/**
 * Tokens for the per-chunk bloom (ADR 0005 §5). A token is a maximal run of word code units,
 * `[A-Za-z0-9_]` or any UTF-16 code unit ≥ 0x80 (so every non-ASCII character counts as a word
 * character), at least `MIN_TOKEN` code units long. Every other character splits, notably
 * `. : - = " /`, so ISO timestamps, paths and IPs do not become one-off tokens. Tokens are
 * case-sensitive, like `|=`.
 *
 * Single-word literals (a trace id) are the common rare-token query, and a whole-token bloom
 * cannot answer them exactly: the literal may be part of a longer token in a line. So the bloom
 * also holds 8-gram minimizers of every word run of ≥ `MIN_GRAM_RUN` units: of each
 * `GRAM_WINDOW` consecutive 8-grams, the one first in a hash order. A literal's word run of
 * ≥ `MIN_GRAM_RUN` units contains whole windows, and the line's run containing it has the same
 * windows with the same minimizers, so checking them is exact; it indexes about 2/(W+1) of all
 * grams. Measured on the ADR corpus (1 MiB chunks): every 8-gram at 2 bits made the bloom 4.7%
 * of raw; minimizers with W = 8 2.25% but 2.2% / 34% false-positive chunks for absent 32 / 16-hex
 * ids; W = 4 (chosen) 2.8%, with 0.05% / 7.7%. Version 2 of the bloom answers long runs from the
 * minimizers only (not as whole tokens too) and leaves out all-digit tokens: 1.2% (bloom.ts).
 */

export const MIN_TOKEN = 4;
/** Gram length of the substring section of the bloom. */
export const GRAM = 8;
/** Prefix of a gram key from `queryTokens` (not a word character, so never part of a token). */
export const GRAM_KEY_PREFIX = '~';
/** Grams per minimizer window. */
export const GRAM_WINDOW = 4;

const WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  WORD[c] =
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ? 1 : 0;
}

/** Whether UTF-16 code unit `c` is a word character. */
export function isWordUnit(c: number): boolean {
  return c >= 0x80 || WORD[c] === 1;
}

/**
 * Calls `fn(start, end)` for each token of `line` (`line.slice(start, end)` is the token) without
 * allocating a string per token; hash it with `hashRange`.
 */
export function forEachToken(line: string, fn: (start: number, end: number) => void): void {
  forEachRun(line, MIN_TOKEN, fn);
}

/** Calls `fn(start, end)` for each maximal word run of at least `min` code units. */
export function forEachRun(
  line: string,
  min: number,
  fn: (start: number, end: number) => void,
): void {
  const n = line.length;
  let start = -1;
  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c >= 0x80 || WORD[c] === 1) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= min) fn(start, i);
      start = -1;
    }
  }
  if (start >= 0 && n - start >= min) fn(start, n);
}

/** Murmur3's 32-bit finaliser: spreads FNV's weak low bits. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Version 1 hash of `s[start, end)`'s code units (FNV-1a + fmix), never 0. */
export function hashRange(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h) || 1;
}

/** Multiplier of `tokenHash` (Fibonacci hashing). */
export const TOKEN_MUL = 0x9e3779b1 | 0;

/**
 * Version 2 hash of the token `s[start, end)`, never 0: its code units packed four to an int32
 * (little end first, the last group zero-padded; units > 0xff overlap, which costs only false
 * positives), each group folded in with a multiply and a shift. A quarter of FNV's serial
 * multiplies, and the same value `buildBloomUtf8` computes from an ASCII run's bytes.
 */
export function tokenHash(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const w =
      s.charCodeAt(i) |
      (s.charCodeAt(i + 1) << 8) |
      (s.charCodeAt(i + 2) << 16) |
      (s.charCodeAt(i + 3) << 24);
    h = Math.imul(h ^ w, TOKEN_MUL);
    h ^= h >>> 15;
  }
  if (i < end) {
    let w = 0;
    for (let sh = 0; i < end; i++, sh += 8) w |= s.charCodeAt(i) << sh;
    h = Math.imul(h ^ w, TOKEN_MUL);
    h ^= h >>> 15;
  }
  return fmix32(h) || 1;
}

/** Polynomial base of the rolling gram hash. */
export const GRAM_BASE = 0x01000193;
/** GRAM_BASE^(GRAM-1) mod 2^32, to drop the outgoing unit when rolling. */
export const GRAM_BASE_TOP = (() => {
  let p = 1;
  for (let i = 1; i < GRAM; i++) p = Math.imul(p, GRAM_BASE);
  return p;
})();

/** Shortest word run with a whole minimizer window: any substring this long is exact. */
export const MIN_GRAM_RUN = GRAM + GRAM_WINDOW - 1;

/** Rolling-hash value (before mixing) of `s[start, start + GRAM)`. */
export function gramPoly(s: string, start: number): number {
  let h = 0;
  for (let i = start; i < start + GRAM; i++) h = (Math.imul(h, GRAM_BASE) + s.charCodeAt(i)) | 0;
  return h;
}

/** Version 1 gram hash from its polynomial value, never 0: both the order and the bloom key. */
export function gramHash(poly: number): number {
  return fmix32(poly ^ 0x5bd1e995) || 1;
}

/**
 * Version 2 minimizer order of a gram: one multiply (Fibonacci hashing), top 31 bits, so the
 * byte path can take minima without a branch (differences fit an int32). Cheaper than mixing
 * every gram; only the minimizers are mixed (`gramKey`) for the bloom.
 */
export const GRAM_ORDER = 0x9e3779b1 | 0;
export function gramOrder(poly: number): number {
  return Math.imul(poly, GRAM_ORDER) >>> 1;
}
/** Version 2 bloom hash of a minimizer from its order value, never 0. */
export function gramKey(order: number): number {
  return fmix32(order) || 1;
}

const ringHash = new Float64Array(GRAM_WINDOW);
const ringPos = new Int32Array(GRAM_WINDOW);

/**
 * Calls `fn(hash, pos)` with the minimizer of every window of `GRAM_WINDOW` consecutive 8-grams
 * of the word run `s[start, end)` (`pos`: where its gram starts; `hash`: its bloom hash).
 * Consecutive windows sharing their minimizer report it once. `version` picks the gram order and
 * hash of that bloom version (1: smallest `gramHash`; 2: smallest `gramOrder`, hashed with
 * `gramKey`).
 */
export function forEachMinimizer(
  s: string,
  start: number,
  end: number,
  fn: (hash: number, pos: number) => void,
  version: 1 | 2 = 2,
): void {
  const m = end - start - GRAM + 1;
  if (m < GRAM_WINDOW) return;
  let poly = gramPoly(s, start);
  let last = -1;
  let lastHash = 0;
  for (let j = 0; j < m; j++) {
    if (j > 0) {
      const out = s.charCodeAt(start + j - 1);
      const inc = s.charCodeAt(start + j + GRAM - 1);
      poly = (Math.imul(poly - Math.imul(out, GRAM_BASE_TOP), GRAM_BASE) + inc) | 0;
    }
    const slot = j % GRAM_WINDOW;
    ringHash[slot] = version === 1 ? gramHash(poly) : gramOrder(poly);
    ringPos[slot] = start + j;
    if (j < GRAM_WINDOW - 1) continue;
    let best = 0;
    for (let k = 1; k < GRAM_WINDOW; k++) if (ringHash[k] < ringHash[best]) best = k;
    if (version === 1) {
      if (ringPos[best] !== last) {
        last = ringPos[best];
        fn(ringHash[best], last);
      }
    } else if (last < 0 || ringHash[best] !== lastHash) {
      // By value, as the byte path of buildBloomUtf8 does: both report the same list.
      last = ringPos[best];
      lastHash = ringHash[best];
      fn(gramKey(lastHash), last);
    }
  }
}

/** Whether `s[start, end)` is all ASCII digits (such tokens are not in a version 2 bloom). */
export function isDigits(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Bloom keys that every line passing `filters` must contain (pass each to `bloomMayContain`; a
 * chunk whose bloom lacks any of them holds no passing line). Only `|=` literals give keys:
 * - a word run of ≥ `MIN_GRAM_RUN` (11) units, anywhere in the literal, is part of some word run
 *   of every matching line: `GRAM_KEY_PREFIX` + the run (the bloom checks its minimizers, picked
 *   as its own version picks them);
 * - a word run strictly inside the literal (a non-word character on both sides, within the
 *   literal) of ≥ `MIN_TOKEN` units is a whole token of every matching line: the token;
 * - shorter edge runs, `!=`, `|~` and `!~` give nothing (no skipping, still exact).
 */
export function queryTokens(filters: readonly LineFilter[]): string[] {
  const keys = new Set<string>();
  for (const f of filters) {
    if (f.op !== '|=' || f.value === '') continue;
    const v = f.value;
    forEachRun(v, MIN_TOKEN, (s, e) => {
      if (e - s >= MIN_GRAM_RUN) keys.add(GRAM_KEY_PREFIX + v.slice(s, e));
      // A long inner run too: a version 1 bloom checks it as a whole token (≈1% false
      // positives, fewer than its minimizers alone); version 2 answers it from the minimizers.
      if (s > 0 && e < v.length) keys.add(v.slice(s, e));
    });
  }
  return [...keys];
}
