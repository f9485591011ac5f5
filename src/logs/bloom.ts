import { BugError } from '../util/index.js';
import {
  GRAM,
  GRAM_KEY_PREFIX,
  GRAM_WINDOW,
  fmix32,
  MIN_TOKEN,
  forEachMinimizer,
  gramHash,
  gramPoly,
  hashRange,
  isWordUnit,
  GRAM_BASE,
  GRAM_BASE_TOP,
} from './tokenize.js';

/**
 * The per-chunk token bloom (ADR 0005 §5; bytes in docs/format/logs-chunk.md): a whole-token
 * section (10 bits and 7 hashes per distinct token, ≈1% false positives) and an 8-gram minimizer
 * section (`GRAM_BITS` bits and 1 hash per distinct gram) for single-word literals. Sized from the
 * distinct hashes, counted in an open-addressing Uint32 set, so no string is made per token.
 */

export const BLOOM_MAGIC = 0x42; // 'B'
export const BLOOM_VERSION = 1;
export const TOKEN_BITS = 10;
export const TOKEN_HASHES = 7;
export const GRAM_BITS = 2;
export const GRAM_HASHES = 1;
const HEADER = 16;

/** A set of non-zero uint32 hashes (0 marks an empty slot). */
class HashSet {
  keys: Uint32Array;
  size = 0;
  /** `expect`: about how many distinct hashes will come (sizing only). */
  constructor(expect = 512) {
    let n = 1024;
    while (n < expect * 2 && n < 1 << 22) n *= 2;
    this.keys = new Uint32Array(n);
  }
  add(h: number): void {
    const keys = this.keys;
    const mask = keys.length - 1;
    let i = h & mask;
    for (;;) {
      const k = keys[i];
      if (k === h) return;
      if (k === 0) break;
      i = (i + 1) & mask;
    }
    keys[i] = h;
    if (++this.size * 2 > keys.length) this.grow();
  }
  private grow(): void {
    const old = this.keys;
    const keys = (this.keys = new Uint32Array(old.length * 2));
    const mask = keys.length - 1;
    for (const k of old) {
      if (k === 0) continue;
      let j = k & mask;
      while (keys[j] !== 0) j = (j + 1) & mask;
      keys[j] = k;
    }
  }
}

/**
 * `x % m` for integers 0 ≤ x < 2^33 and 0 < m < 2^32, exactly: V8 compiles `%` of numbers past
 * int32 to a call to fmod, several times slower than a division and a fix-up.
 */
function mod(x: number, m: number): number {
  let r = x - Math.floor(x / m) * m;
  if (r < 0) r += m;
  else if (r >= m) r -= m;
  return r;
}

function setBits(bits: Uint8Array, off: number, m: number, k: number, h: number): void {
  let b = mod(h, m);
  bits[off + (b >>> 3)] |= 1 << (b & 7);
  if (k === 1) return;
  // (h + i * h2) % m as hasBits computes it, stepping by h2 % m: two divisions, not k.
  const step = mod((fmix32(h ^ 0x9e3779b9) | 1) >>> 0, m);
  for (let i = 1; i < k; i++) {
    b += step;
    if (b >= m) b -= m;
    bits[off + (b >>> 3)] |= 1 << (b & 7);
  }
}

function hasBits(bits: Uint8Array, off: number, m: number, k: number, h: number): boolean {
  if (m === 0) return false;
  const h2 = (fmix32(h ^ 0x9e3779b9) | 1) >>> 0;
  for (let i = 0; i < k; i++) {
    const b = (h + i * h2) % m;
    if ((bits[off + (b >>> 3)] & (1 << (b & 7))) === 0) return false;
  }
  return true;
}

/** Builds the bloom of `lines`' tokens and 8-grams. */
export function buildBloom(lines: readonly string[]): Uint8Array {
  const tokens = new HashSet();
  const grams = new HashSet();
  for (const line of lines) addRuns(tokens, grams, line);
  return bloomBytes(tokens, grams);
}

/** Per byte: 0 separator, 1 ASCII word character, 2 a byte of a non-ASCII character (word). */
const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) CLASS[c] = c >= 0x80 ? 2 : isWordUnit(c) ? 1 : 0;

const MIN_GRAM_RUN = GRAM + GRAM_WINDOW - 1;
// addGramsAscii keeps a window of four gram hashes in locals.
if (GRAM_WINDOW !== 4) throw new BugError('bloom.ts: addGramsAscii assumes GRAM_WINDOW = 4');

/**
 * `buildBloom` of the lines whose UTF-8 bytes, joined by "\n", are `text`: the same bytes for
 * well-formed lines (a separator byte splits runs exactly as its code unit does, and ASCII
 * bytes are their code units), in one pass over the bytes with no string per line. A run with
 * a non-ASCII byte is decoded and hashed by code units, as `buildBloom` does (rare in logs).
 * A lone surrogate is U+FFFD in UTF-8, so it is hashed as the chunk stores it.
 */
export function buildBloomUtf8(text: Uint8Array): Uint8Array {
  // Sized for about 12k distinct tokens and 30k minimizers per MiB (the bench corpus): few
  // rehashes, and tables small enough to stay in cache.
  const tokens = new HashSet(text.length >>> 7);
  const grams = new HashSet(text.length >>> 5);
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (CLASS[text[i]] === 0) {
      i++;
      continue;
    }
    const start = i;
    let h = 0x811c9dc5;
    let wide = 0;
    for (; i < n; i++) {
      const b = text[i];
      const k = CLASS[b];
      if (k === 0) break;
      wide |= k;
      h = Math.imul(h ^ b, 0x01000193);
    }
    if (wide & 2) {
      const s = Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString(
        'utf8',
        start,
        i,
      );
      addRuns(tokens, grams, s);
      continue;
    }
    const len = i - start;
    if (len >= MIN_TOKEN) tokens.add(fmix32(h) || 1);
    if (len >= MIN_GRAM_RUN) addGramsAscii(grams, text, start, i);
  }
  return bloomBytes(tokens, grams);
}

/**
 * The window minimizers of the ASCII run `text[start, end)` (as `forEachMinimizer`, unrolled:
 * the previous three gram hashes in locals). Only hash values go into the set, so which of two
 * equal minima is reported does not matter.
 */
function addGramsAscii(grams: HashSet, text: Uint8Array, start: number, end: number): void {
  let poly = 0;
  for (let k = start; k < start + GRAM; k++) poly = (Math.imul(poly, GRAM_BASE) + text[k]) | 0;
  let a = 0;
  let b = 0;
  let c = gramHash(poly);
  let last = -1;
  const m = end - start - GRAM + 1;
  for (let j = 1; j < m; j++) {
    const out = text[start + j - 1];
    const inc = text[start + j + GRAM - 1];
    poly = (Math.imul(poly - Math.imul(out, GRAM_BASE_TOP), GRAM_BASE) + inc) | 0;
    const d = gramHash(poly);
    if (j >= 3) {
      // The window of grams j-3..j: a, b, c, d.
      let min = d < c ? d : c;
      if (b < min) min = b;
      if (a < min) min = a;
      if (min !== last) {
        grams.add(min);
        last = min;
      }
    }
    a = b;
    b = c;
    c = d;
  }
}

/** Adds the tokens and gram minimizers of `line`'s word runs (by UTF-16 code units). */
function addRuns(tokens: HashSet, grams: HashSet, line: string): void {
  const addGram = (h: number): void => grams.add(h);
  // One pass, hashing each run as it is read (FNV-1a as hashRange does); no string per token.
  const n = line.length;
  let start = -1;
  let h = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? line.charCodeAt(i) : 32;
    if (c >= 0x80 || isWordUnit(c)) {
      if (start < 0) {
        start = i;
        h = 0x811c9dc5;
      }
      h = Math.imul(h ^ c, 0x01000193);
      continue;
    }
    if (start < 0) continue;
    const len = i - start;
    if (len >= MIN_TOKEN) tokens.add(fmix32(h) || 1);
    if (len >= MIN_GRAM_RUN) forEachMinimizer(line, start, i, addGram);
    start = -1;
  }
}

function bloomBytes(tokens: HashSet, grams: HashSet): Uint8Array {
  const m1 = tokens.size * TOKEN_BITS;
  const m2 = grams.size * GRAM_BITS;
  const b1 = Math.ceil(m1 / 8);
  const out = new Uint8Array(HEADER + b1 + Math.ceil(m2 / 8));
  const dv = new DataView(out.buffer);
  out[0] = BLOOM_MAGIC;
  out[1] = BLOOM_VERSION;
  out[2] = TOKEN_HASHES;
  out[3] = GRAM_HASHES;
  out[4] = GRAM;
  out[5] = GRAM_WINDOW;
  dv.setUint32(8, m1, true);
  dv.setUint32(12, m2, true);
  for (const h of tokens.keys) if (h !== 0) setBits(out, HEADER, m1, TOKEN_HASHES, h);
  for (const h of grams.keys) if (h !== 0) setBits(out, HEADER + b1, m2, GRAM_HASHES, h);
  return out;
}

/**
 * Whether a line of the chunk may contain `key` (a key from `queryTokens`: a whole token, or
 * `GRAM_KEY_PREFIX` + an 8-gram). False means certainly not. A bloom this code cannot read
 * (unknown version, truncated) answers true: it can only cost a read, never lose a line.
 */
export function bloomMayContain(bloom: Uint8Array, key: string): boolean {
  if (bloom.length < HEADER || bloom[0] !== BLOOM_MAGIC || bloom[1] !== BLOOM_VERSION) return true;
  const dv = new DataView(bloom.buffer, bloom.byteOffset, bloom.byteLength);
  const k1 = bloom[2];
  const k2 = bloom[3];
  const m1 = dv.getUint32(8, true);
  const m2 = dv.getUint32(12, true);
  const b1 = Math.ceil(m1 / 8);
  if (bloom.length < HEADER + b1 + Math.ceil(m2 / 8)) return true;
  if (key.length === GRAM + 1 && key.startsWith(GRAM_KEY_PREFIX)) {
    // Minimizers picked with another gram length or window are not comparable with this key.
    if (bloom[4] !== GRAM || bloom[5] !== GRAM_WINDOW) return true;
    return hasBits(bloom, HEADER + b1, m2, k2, gramHash(gramPoly(key, 1)));
  }
  return hasBits(bloom, HEADER, m1, k1, hashRange(key, 0, key.length));
}
