import { fmix32 } from './tokenize.js';

/**
 * Bit-level parts of the token bloom (bloom.ts): a set of distinct hashes (to size a section
 * before setting bits) and the double-hashing bit addressing both bloom versions share.
 */

/** A set of non-zero uint32 hashes (0 marks an empty slot). */
export class HashSet {
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
export function mod(x: number, m: number): number {
  let r = x - Math.floor(x / m) * m;
  if (r < 0) r += m;
  else if (r >= m) r -= m;
  return r;
}

export function setBits(bits: Uint8Array, off: number, m: number, k: number, h: number): void {
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

export function hasBits(bits: Uint8Array, off: number, m: number, k: number, h: number): boolean {
  if (m === 0) return false;
  const h2 = (fmix32(h ^ 0x9e3779b9) | 1) >>> 0;
  for (let i = 0; i < k; i++) {
    const b = (h + i * h2) % m;
    if ((bits[off + (b >>> 3)] & (1 << (b & 7))) === 0) return false;
  }
  return true;
}

/** A growable list of uint32 hashes, duplicates kept (appends are sequential writes). */
export class HashList {
  items: Uint32Array;
  size = 0;
  constructor(expect = 1024) {
    this.items = new Uint32Array(Math.max(16, expect));
  }
  /** Room for `more` items from `size` on: the array to write them into (then set `size`). */
  reserve(more: number): Uint32Array {
    if (this.size + more > this.items.length) {
      let len = this.items.length * 2;
      while (len < this.size + more) len *= 2;
      const a = new Uint32Array(len);
      a.set(this.items.subarray(0, this.size));
      this.items = a;
    }
    return this.items;
  }
  push(h: number): void {
    if (this.size === this.items.length) {
      const a = new Uint32Array(this.items.length * 2);
      a.set(this.items);
      this.items = a;
    }
    this.items[this.size++] = h;
  }
  /**
   * About how many distinct hashes the list holds, by linear counting (Whang et al. 1990) on a
   * bitmap of at least 4 bits per item: within about 1% for any mix of duplicates, and it depends
   * only on the set of hashes and the list's length. Cheaper than a hash set: the bitmap is
   * small enough to stay in cache.
   */
  distinct(): number {
    if (this.size === 0) return 0;
    let bits = 1024;
    while (bits < this.size * 4) bits *= 2;
    const map = new Int32Array(bits >>> 5);
    const items = this.items;
    for (let i = 0; i < this.size; i++) {
      const h = items[i] & (bits - 1);
      map[h >>> 5] |= 1 << (h & 31);
    }
    let set = 0;
    for (let i = 0; i < map.length; i++) {
      let v = map[i];
      v -= (v >>> 1) & 0x55555555;
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      set += (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
    }
    return Math.round(-bits * Math.log1p(-set / bits));
  }
}
