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
  keys = new Uint32Array(1024);
  size = 0;
  add(h: number): void {
    let mask = this.keys.length - 1;
    let i = h & mask;
    for (;;) {
      const k = this.keys[i];
      if (k === h) return;
      if (k === 0) break;
      i = (i + 1) & mask;
    }
    this.keys[i] = h;
    if (++this.size * 2 > this.keys.length) {
      const old = this.keys;
      this.keys = new Uint32Array(old.length * 2);
      mask = this.keys.length - 1;
      for (const k of old) {
        if (k === 0) continue;
        let j = k & mask;
        while (this.keys[j] !== 0) j = (j + 1) & mask;
        this.keys[j] = k;
      }
    }
  }
}

function setBits(bits: Uint8Array, off: number, m: number, k: number, h: number): void {
  const h2 = (fmix32(h ^ 0x9e3779b9) | 1) >>> 0;
  for (let i = 0; i < k; i++) {
    const b = (h + i * h2) % m;
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
  const addGram = (h: number): void => grams.add(h);
  // One pass per line, hashing each run as it is read (FNV-1a as hashRange does); no closure
  // or string per line or token.
  for (const line of lines) {
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
      if (len >= GRAM + GRAM_WINDOW - 1) forEachMinimizer(line, start, i, addGram);
      start = -1;
    }
  }
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
