/** Exponential (galloping) search over sorted postings, shared by the set algebra and PostingsList. */

/**
 * First index i in [lo, n) with a[i] >= x, or n when none (n defaults to a.length): doubling
 * steps from `lo`, then binary search, so a cursor moving forward pays O(log distance).
 */
export function gallop(a: Uint32Array, lo: number, x: number, n = a.length): number {
  if (lo >= n || a[lo] >= x) return lo;
  // Invariant: a[lo] < x. Double the step until a[hi] >= x or we fall off the end.
  let step = 1;
  let hi = lo + 1;
  while (hi < n && a[hi] < x) {
    lo = hi;
    step <<= 1;
    hi = lo + step;
  }
  if (hi > n) hi = n;
  // Binary search in (lo, hi]: a[lo] < x, and a[hi] >= x or hi == n.
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid;
    else hi = mid;
  }
  return hi;
}
