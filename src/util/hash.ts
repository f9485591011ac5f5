/**
 * Fast non-cryptographic 53-bit hashes (cyrb53 construction: two 32-bit Murmur-style lanes).
 * Results are safe integers, so they can key a `Map<number, …>` without allocation. Stable
 * across processes and versions: do not change the constants (hashes may be persisted).
 */

const SEED1 = 0xdeadbeef;
const SEED2 = 0x41c6ce57;

function finish(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Hashes a byte range `buf[start, end)`. */
export function hashBytes(buf: Uint8Array, start = 0, end = buf.length, seed = 0): number {
  let h1 = SEED1 ^ seed;
  let h2 = SEED2 ^ seed;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  return finish(h1, h2);
}

/**
 * Hashes a sequence of strings (UTF-16 code units), with a separator so ["ab","c"] and
 * ["a","bc"] differ.
 */
export function hashStrings(parts: readonly string[], seed = 0): number {
  let h1 = SEED1 ^ seed;
  let h2 = SEED2 ^ seed;
  for (let p = 0; p < parts.length; p++) {
    const s = parts[p];
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ 0xffff, 2654435761);
    h2 = Math.imul(h2 ^ 0xffff, 1597334677);
  }
  return finish(h1, h2);
}
