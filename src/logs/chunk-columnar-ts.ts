import type { ByteReader, ByteWriter } from './chunk-q4.js';

/**
 * Timestamps of columnar v2: the first, the greatest common divisor of the deltas (1e6 for
 * millisecond sources, whatever step a clock has), then each delta-of-delta in units of it as
 * zig-zag varints. Most sources stamp in ms or µs, so the unit saves 1–3 bytes per record.
 */

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function writeTsV2(w: ByteWriter, ts: BigInt64Array): void {
  let g = 0n;
  for (let i = 1; i < ts.length && g !== 1n; i++) {
    const d = ts[i] - ts[i - 1];
    g = gcd(g, d < 0n ? -d : d);
  }
  if (g === 0n) g = 1n;
  if (ts.length === 0) return;
  w.varintBig(ts[0]);
  w.varintBig(g);
  let prevD = 0n;
  for (let i = 1; i < ts.length; i++) {
    const d = (ts[i] - ts[i - 1]) / g;
    w.varintBig(d - prevD);
    prevD = d;
  }
}

export function readTsV2(r: ByteReader, n: number): BigInt64Array {
  const ts = new BigInt64Array(n);
  if (n === 0) return ts;
  let t = r.varintBig();
  const g = r.varintBig();
  if (g < 1n) r.fail(`timestamp unit ${g} (want at least 1)`);
  ts[0] = t;
  let d = 0n;
  for (let i = 1; i < n; i++) {
    d += r.varintBig();
    t += d * g;
    ts[i] = t;
  }
  return ts;
}

/**
 * A chunk's timestamps as Number offsets from the first (exact while the span is under 2^53 ns,
 * about 104 days), so a scan makes a BigInt only for the records it returns. `big` holds them
 * all instead when they do not fit (or for v1 chunks).
 */
export interface Times {
  n: number;
  t0: bigint;
  off: Float64Array | null;
  big: BigInt64Array | null;
}

/** `readTsV2` into offsets, falling back to BigInts when a value does not fit a Number. */
export function readTimesV2(r: ByteReader, n: number): Times {
  const at = r.pos;
  if (n > 0) {
    const t0 = r.varintBig();
    const g = r.varintBig();
    if (g < 1n) r.fail(`timestamp unit ${g} (want at least 1)`);
    const off = g <= BigInt(Number.MAX_SAFE_INTEGER) ? offsets(r, n, Number(g)) : null;
    if (off) return { n, t0, off, big: null };
  }
  r.pos = at;
  return { n, t0: 0n, off: null, big: readTsV2(r, n) };
}

/** The offsets of `n` records with unit `g` read at `r.pos`, or null if one does not fit. */
function offsets(r: ByteReader, n: number, g: number): Float64Array | null {
  const off = new Float64Array(n);
  const buf = r.buf;
  const end = r.end;
  let pos = r.pos;
  let d = 0;
  let t = 0;
  const max = Number.MAX_SAFE_INTEGER;
  for (let i = 1; i < n; i++) {
    if (pos >= end) return null; // truncated: the BigInt path reports it
    let z = buf[pos++];
    if (z >= 0x80) {
      z &= 0x7f;
      let mul = 0x80;
      for (;;) {
        if (pos >= end) return null;
        const b = buf[pos++];
        z += (b & 0x7f) * mul;
        if (b < 0x80) break;
        mul *= 0x80;
        if (mul > 2 ** 49) return null;
      }
    }
    d += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    const step = d * g;
    t += step;
    if (step > max || step < -max || t > max || t < -max) return null;
    off[i] = t;
  }
  r.pos = pos;
  return off;
}

export function timesOf(big: BigInt64Array): Times {
  return { n: big.length, t0: 0n, off: null, big };
}

/** Timestamp of record `i`. */
function timeAt(t: Times, i: number): bigint {
  return t.big ? t.big[i] : t.t0 + BigInt(t.off![i]);
}

/** Every timestamp (made once). */
export function allTimes(t: Times): BigInt64Array {
  if (t.big) return t.big;
  const out = new BigInt64Array(t.n);
  for (let i = 0; i < t.n; i++) out[i] = t.t0 + BigInt(t.off![i]);
  return (t.big = out);
}

/** The timestamps of records `idx`. */
export function pickTimes(t: Times, idx: readonly number[]): BigInt64Array {
  const out = new BigInt64Array(idx.length);
  for (let j = 0; j < idx.length; j++) out[j] = timeAt(t, idx[j]);
  return out;
}

/** `x - t0` as a Number that orders like the exact value against every offset (|off| ≤ 2^53). */
function rel(x: bigint, t0: bigint): number {
  const d = x - t0;
  const lim = 1n << 54n;
  return d > lim ? 2 ** 54 : d < -lim ? -(2 ** 54) : Number(d);
}

/**
 * Each record's time in ms as `Number(ts / 1_000_000n)` (truncated), what relative time
 * columns are stored against.
 */
export function recordMillis(t: Times): Float64Array {
  const out = new Float64Array(t.n);
  const off = t.off;
  if (off && t.t0 >= 0n) {
    const base = Number(t.t0 / 1_000_000n);
    const rem = Number(t.t0 % 1_000_000n);
    // Below this offset a record's time is negative and truncates the other way.
    const neg = t.t0 >= 1n << 53n ? -Infinity : -Number(t.t0);
    let ok = true;
    for (let i = 0; i < t.n && ok; i++) {
      const x = rem + off[i];
      let q = Math.floor(x / 1_000_000);
      if (q * 1_000_000 > x)
        q--; // the division may round up near 2^53
      else if ((q + 1) * 1_000_000 <= x) q++;
      out[i] = base + q;
      ok = off[i] >= neg && Number.isSafeInteger(x) && Number.isSafeInteger(out[i]);
    }
    if (ok) return out;
  }
  const big = allTimes(t);
  for (let i = 0; i < t.n; i++) out[i] = Number(big[i] / 1_000_000n);
  return out;
}

/** Sets `rows[i]` for the records in `[start, end)`; returns how many there are. */
export function markTimes(t: Times, start: bigint, end: bigint, rows: Uint8Array): number {
  let c = 0;
  if (t.big) {
    for (let i = 0; i < t.n; i++)
      if (t.big[i] >= start && t.big[i] < end) {
        rows[i] = 1;
        c++;
      }
    return c;
  }
  const lo = rel(start, t.t0);
  const hi = rel(end, t.t0);
  const off = t.off!;
  for (let i = 0; i < t.n; i++)
    if (off[i] >= lo && off[i] < hi) {
      rows[i] = 1;
      c++;
    }
  return c;
}
