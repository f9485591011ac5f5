import { BugError } from '../util/index.js';
import { HashList, HashSet, hasBits, setBits } from './bloom-bits.js';
import {
  GRAM,
  GRAM_BASE,
  GRAM_BASE_TOP,
  GRAM_KEY_PREFIX,
  GRAM_ORDER,
  GRAM_WINDOW,
  MIN_GRAM_RUN,
  MIN_TOKEN,
  TOKEN_MUL,
  fmix32,
  forEachMinimizer,
  gramKey,
  hashRange,
  isDigits,
  isWordUnit,
  tokenHash,
} from './tokenize.js';

/**
 * The per-chunk token bloom (ADR 0005 §5; bytes in docs/format/logs-chunk.md). Version 2
 * (written): a short-token section (10 bits and 7 hashes per distinct word run of 4–10 units that
 * is not all digits, ≈1% false positives) and an 8-gram minimizer section (`GRAM_BITS` bits and
 * 1 hash per distinct minimizer) that answers every run of ≥ 11 units, whole or part. Version 1
 * (still read) held every token of ≥ 4 units in the first section. Sections are sized from the
 * distinct hashes, counted in an open-addressing Uint32 set, so no string is made per token.
 *
 * Why v2 drops what it drops (bench corpus, 1 MiB chunks, per chunk): of 14.3k distinct tokens,
 * 6.6k are ids of ≥ 11 units, already answered (better) by their minimizers, and 6.8k are numbers
 * (byte counts, user ids, years), which a query can use only when the number sits strictly inside
 * its literal (`"user_id":123456,`, not `123456` nor `user_id":123456`). Dropping both cuts the
 * bloom from 2.8% to about 1.2% of raw.
 */

export const BLOOM_MAGIC = 0x42; // 'B'
export const BLOOM_VERSION = 2;
export const TOKEN_BITS = 10;
export const TOKEN_HASHES = 7;
export const GRAM_BITS = 1.5;
/** The gram section has at least this many bits (sparse for small chunks). */
export const MIN_GRAM_SECTION_BITS = 1024;
export const GRAM_HASHES = 1;
/** Version 2 flags (header byte 6): all-digit tokens are not in the token section. */
export const FLAG_NO_DIGIT_TOKENS = 1;
/**
 * Version 2 flag: minimizers are ordered by `gramOrder` (31-bit). A version 2 bloom without it
 * (written for a few minutes by an earlier build, ordered by 32 bits) answers run keys "may
 * contain".
 */
export const FLAG_ORDER31 = 2;
const HEADER = 16;

/** Builds the bloom of `lines`' tokens and 8-gram minimizers. */
export function buildBloom(lines: readonly string[]): Uint8Array {
  const tokens = new HashSet();
  const grams = new HashList();
  for (const line of lines) addRuns(tokens, grams, line, 0, line.length);
  return bloomBytes(tokens, grams);
}

/**
 * Per byte: 0 separator, 1 ASCII digit, 4 other ASCII word character, 2 a byte of a non-ASCII
 * character (word). OR-ed over a run: 1 means all digits, & 2 means decode it.
 */
const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++)
  CLASS[c] = c >= 0x80 ? 2 : c >= 48 && c <= 57 ? 1 : isWordUnit(c) ? 4 : 0;

// addGramsAscii keeps a window of four gram orders in locals.
if (GRAM_WINDOW !== 4) throw new BugError('bloom.ts: addGramsAscii assumes GRAM_WINDOW = 4');

/**
 * `buildBloom` of the lines whose UTF-8 bytes, joined by "\n", are `text`: the same bytes for
 * well-formed lines (a separator byte splits runs exactly as its code unit does, and ASCII
 * bytes are their code units), in one pass over the bytes with no string per line. A run with
 * a non-ASCII byte is decoded and hashed by code units, as `buildBloom` does (rare in logs).
 * A lone surrogate is U+FFFD in UTF-8, so it is hashed as the chunk stores it.
 */
export function buildBloomUtf8(text: Uint8Array): Uint8Array {
  // Sized for about 1k short tokens and 47k minimizers per MiB (the bench corpus): no rehash.
  const tokens = new HashSet(text.length >>> 10);
  const grams = new HashList(text.length >>> 4);
  const n = text.length;
  let i = 0;
  while (i < n) {
    let k = CLASS[text[i++]];
    if (k === 0) continue;
    const start = i - 1;
    let wide = k;
    for (; i < n; i++) {
      k = CLASS[text[i]];
      if (k === 0) break;
      wide |= k;
    }
    // text[i] is a separator (or the end): the next run starts after it.
    const end = i++;
    if (wide & 2) {
      const s = Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString(
        'utf8',
        start,
        end,
      );
      addRuns(tokens, grams, s, 0, s.length);
      continue;
    }
    const len = end - start;
    if (len >= MIN_GRAM_RUN) addGramsAscii(grams, text, start, end);
    else if (len >= MIN_TOKEN && wide !== 1) tokens.add(tokenHashAscii(text, start, end));
  }
  return bloomBytes(tokens, grams);
}

/**
 * The window minimizers of the ASCII run `text[start, end)` (≥ `MIN_GRAM_RUN` bytes), as
 * `forEachMinimizer` reports them, without a branch per gram: orders are 31-bit, so a minimum
 * is `y + (x - y & (x - y) >> 31)`, and every window's minimum is written but kept only when it
 * differs from the last (random orders would mispredict any branch a third of the time).
 */
function addGramsAscii(grams: HashList, text: Uint8Array, start: number, end: number): void {
  let poly = 0;
  for (let k = start; k < start + GRAM; k++) poly = (Math.imul(poly, GRAM_BASE) + text[k]) | 0;
  let a = Math.imul(poly, GRAM_ORDER) >>> 1;
  poly =
    (Math.imul(poly - Math.imul(text[start], GRAM_BASE_TOP), GRAM_BASE) + text[start + GRAM]) | 0;
  let b = Math.imul(poly, GRAM_ORDER) >>> 1;
  poly =
    (Math.imul(poly - Math.imul(text[start + 1], GRAM_BASE_TOP), GRAM_BASE) +
      text[start + GRAM + 1]) |
    0;
  let c = Math.imul(poly, GRAM_ORDER) >>> 1;
  poly =
    (Math.imul(poly - Math.imul(text[start + 2], GRAM_BASE_TOP), GRAM_BASE) +
      text[start + GRAM + 2]) |
    0;
  let d = Math.imul(poly, GRAM_ORDER) >>> 1;
  let x = a - b;
  let min = b + (x & (x >> 31));
  x = min - c;
  min = c + (x & (x >> 31));
  x = min - d;
  min = d + (x & (x >> 31));
  const from = grams.size;
  const out = grams.reserve(end - start);
  let n = from;
  out[n++] = min;
  let last = min;
  for (let i = start + GRAM + 3; i < end; i++) {
    a = b;
    b = c;
    c = d;
    poly = (Math.imul(poly - Math.imul(text[i - GRAM], GRAM_BASE_TOP), GRAM_BASE) + text[i]) | 0;
    d = Math.imul(poly, GRAM_ORDER) >>> 1;
    x = a - b;
    min = b + (x & (x >> 31));
    x = min - c;
    min = c + (x & (x >> 31));
    x = min - d;
    min = d + (x & (x >> 31));
    out[n] = min;
    x = min ^ last;
    n += (x | -x) >>> 31;
    last = min;
  }
  for (let k = from; k < n; k++) out[k] = gramKey(out[k]);
  grams.size = n;
}

/** `tokenHash` of the ASCII run `text[start, end)` (its bytes are its code units). */
function tokenHashAscii(text: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  let j = start;
  for (; j + 4 <= end; j += 4) {
    h = Math.imul(
      h ^ (text[j] | (text[j + 1] << 8) | (text[j + 2] << 16) | (text[j + 3] << 24)),
      TOKEN_MUL,
    );
    h ^= h >>> 15;
  }
  if (j < end) {
    let w = 0;
    for (let sh = 0; j < end; j++, sh += 8) w |= text[j] << sh;
    h = Math.imul(h ^ w, TOKEN_MUL);
    h ^= h >>> 15;
  }
  return fmix32(h) || 1;
}

/** Adds the short tokens and gram minimizers of the word runs of `s[from, to)` (code units). */
function addRuns(tokens: HashSet, grams: HashList, s: string, from: number, to: number): void {
  let start = -1;
  for (let i = from; i <= to; i++) {
    const c = i < to ? s.charCodeAt(i) : 32;
    if (isWordUnit(c)) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    const len = i - start;
    if (len >= MIN_GRAM_RUN) forEachMinimizer(s, start, i, (h) => grams.push(h));
    else if (len >= MIN_TOKEN && !isDigits(s, start, i)) tokens.add(tokenHash(s, start, i));
    start = -1;
  }
}

function bloomBytes(tokens: HashSet, grams: HashList): Uint8Array {
  const m1 = tokens.size * TOKEN_BITS;
  // A floor keeps small (idle-sealed) chunks' sections sparse: 128 bytes is noise beside 1 MiB.
  const g = grams.distinct();
  const m2 = g === 0 ? 0 : Math.max(MIN_GRAM_SECTION_BITS, Math.ceil(g * GRAM_BITS));
  const b1 = Math.ceil(m1 / 8);
  const out = new Uint8Array(HEADER + b1 + Math.ceil(m2 / 8));
  const dv = new DataView(out.buffer);
  out[0] = BLOOM_MAGIC;
  out[1] = BLOOM_VERSION;
  out[2] = TOKEN_HASHES;
  out[3] = GRAM_HASHES;
  out[4] = GRAM;
  out[5] = GRAM_WINDOW;
  out[6] = FLAG_NO_DIGIT_TOKENS | FLAG_ORDER31;
  out[7] = MIN_GRAM_RUN;
  dv.setUint32(8, m1, true);
  dv.setUint32(12, m2, true);
  const tk = tokens.keys;
  for (let i = 0; i < tk.length; i++)
    if (tk[i] !== 0) setBits(out, HEADER, m1, TOKEN_HASHES, tk[i]);
  // setBits with k = 1, the remainder by a multiply (one fix-up covers its rounding) instead of
  // a division per pick; duplicates set the same bit again.
  if (GRAM_HASHES !== 1) throw new BugError('bloom.ts: bloomBytes assumes GRAM_HASHES = 1');
  const gi = grams.items;
  const off = HEADER + b1;
  const inv = 1 / m2;
  for (let i = 0; i < grams.size; i++) {
    const h = gi[i];
    let b = h - Math.floor(h * inv) * m2;
    if (b < 0) b += m2;
    else if (b >= m2) b -= m2;
    out[off + (b >>> 3)] |= 1 << (b & 7);
  }
  return out;
}

/** Minimizer hashes of recent run keys, per bloom version (a query checks the same keys on
 * every chunk). Cleared when full. */
const minimizerCache = [new Map<string, number[]>(), new Map<string, number[]>()];

function minimizersOf(run: string, version: 1 | 2): number[] {
  const cache = minimizerCache[version - 1];
  let hs = cache.get(run);
  if (hs === undefined) {
    const out: number[] = [];
    forEachMinimizer(run, 0, run.length, (h) => out.push(h), version);
    if (cache.size >= 256) cache.clear();
    cache.set(run, (hs = out));
  }
  return hs;
}

/**
 * Whether a line of the chunk may contain `key` (a key from `queryTokens`: a whole token, or
 * `GRAM_KEY_PREFIX` + a run that is part of a word run of the line). False means certainly not.
 * A bloom this code cannot read (unknown version, truncated, other gram parameters) answers
 * true: it can only cost a read, never lose a line.
 */
export function bloomMayContain(bloom: Uint8Array, key: string): boolean {
  if (bloom.length < HEADER || bloom[0] !== BLOOM_MAGIC) return true;
  const version = bloom[1];
  if (version !== 1 && version !== 2) return true;
  const dv = new DataView(bloom.buffer, bloom.byteOffset, bloom.byteLength);
  const m1 = dv.getUint32(8, true);
  const m2 = dv.getUint32(12, true);
  const b1 = Math.ceil(m1 / 8);
  if (bloom.length < HEADER + b1 + Math.ceil(m2 / 8)) return true;
  let run: string | undefined;
  if (key.startsWith(GRAM_KEY_PREFIX)) run = key.slice(GRAM_KEY_PREFIX.length);
  // Version 2 keeps runs from byte 7's length on in the gram section only; a whole token is
  // also a part of its run.
  else if (version === 2 && key.length >= bloom[7]) run = key;
  if (run !== undefined) {
    // Minimizers picked with another gram length or window are not comparable with ours.
    if (run.length < MIN_GRAM_RUN || bloom[4] !== GRAM || bloom[5] !== GRAM_WINDOW) return true;
    if (version === 2 && (bloom[7] > MIN_GRAM_RUN || (bloom[6] & FLAG_ORDER31) === 0)) return true;
    for (const h of minimizersOf(run, version))
      if (!hasBits(bloom, HEADER + b1, m2, bloom[3], h)) return false;
    return true;
  }
  if (version === 2 && bloom[6] & FLAG_NO_DIGIT_TOKENS && isDigits(key, 0, key.length)) return true;
  const h = version === 1 ? hashRange(key, 0, key.length) : tokenHash(key, 0, key.length);
  return hasBits(bloom, HEADER, m1, bloom[2], h);
}
