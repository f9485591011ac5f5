import { randomFillSync } from 'node:crypto';

/** Crockford base32, as in the ULID spec (no I, L, O, U). */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

let lastTime = -1;
const lastRandom = new Uint8Array(10);

/**
 * A new ULID: 48-bit ms timestamp + 80 random bits, 26 chars of Crockford base32. Ids made in
 * the same millisecond increment the random part, so ids from one process sort in creation order
 * (block directory names then sort by creation time, as in Prometheus).
 */
export function newUlid(now: number = Date.now()): string {
  if (now <= lastTime) {
    // Same (or earlier: clock step back) ms: keep monotonic by incrementing the random part.
    now = lastTime;
    for (let i = 9; i >= 0; i--) {
      lastRandom[i] = (lastRandom[i] + 1) & 0xff;
      if (lastRandom[i] !== 0) break;
    }
  } else {
    randomFillSync(lastRandom);
    lastTime = now;
  }
  let out = '';
  let t = now;
  const time: string[] = new Array<string>(10);
  for (let i = 9; i >= 0; i--) {
    time[i] = ALPHABET[t % 32]!;
    t = Math.floor(t / 32);
  }
  out = time.join('');
  // 80 bits = 16 groups of 5 bits, read big-endian from the random bytes.
  for (let g = 0; g < 16; g++) {
    const bit = g * 5;
    const byte = bit >> 3;
    const shift = bit & 7;
    const word = (lastRandom[byte] << 8) | (byte + 1 < 10 ? lastRandom[byte + 1] : 0);
    out += ALPHABET[(word >> (11 - shift)) & 31];
  }
  return out;
}

/** True when `s` is a syntactically valid ULID (used to recognise block directories). */
export function isUlid(s: string): boolean {
  return ULID_RE.test(s);
}

/** The millisecond timestamp encoded in a ULID. */
export function ulidTime(id: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + ALPHABET.indexOf(id[i]);
  return t;
}
