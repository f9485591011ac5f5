/**
 * Prometheus's staleness marker: a NaN with a specific bit pattern (0x7ff0000000000002). It is
 * stored and returned like any value; only its exact bits distinguish it from an ordinary NaN.
 */
export const STALE_NAN_BITS = 0x7ff0000000000002n;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** The stale marker value (a NaN with STALE_NAN_BITS). */
export const staleNaN: number = (() => {
  u32[0] = 0x00000002;
  u32[1] = 0x7ff00000;
  return f64[0];
})();

/** True when `v` carries exactly the stale-marker bits. */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false; // fast path: not NaN
  f64[0] = v;
  return u32[0] === 0x00000002 && u32[1] === 0x7ff00000;
}

const pair = new Float64Array(2);
const pairBits = new Uint32Array(pair.buffer);

/** Bit-exact float equality (NaN payloads included): how duplicate samples are recognised. */
export function sameFloatBits(a: number, b: number): boolean {
  pair[0] = a;
  pair[1] = b;
  return pairBits[0] === pairBits[2] && pairBits[1] === pairBits[3];
}
