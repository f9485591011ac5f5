/**
 * Shared scratch view to move a double to and from its two 32-bit halves without allocating.
 * Reading `f64[0]` after writing the halves keeps NaN payloads (the stale marker) intact.
 */
export const f64 = new Float64Array(1);
export const u32 = new Uint32Array(f64.buffer);

// Index of the high/low half; typed arrays use the platform's byte order.
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
export const HI = littleEndian ? 1 : 0;
export const LO = littleEndian ? 0 : 1;

/** Count of trailing zero bits of a non-zero 32-bit value. */
export function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
