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
