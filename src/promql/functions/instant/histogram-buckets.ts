/** A classic histogram bucket: cumulative `count` of observations ≤ `upperBound`. */
export interface Bucket {
  upperBound: number;
  count: number;
}

/** Sorts by upper bound and merges buckets with equal bounds (Prometheus coalesceBuckets). */
function coalesce(buckets: Bucket[]): Bucket[] {
  const sorted = [...buckets].sort((a, b) => a.upperBound - b.upperBound);
  const out: Bucket[] = [];
  for (const b of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.upperBound === b.upperBound) last.count += b.count;
    else out.push({ ...b });
  }
  return out;
}

/** |a-b| relative to their magnitude is within `eps` (Prometheus almost.Equal). */
function almostEqual(a: number, b: number, eps: number): boolean {
  if (a === b) return true;
  const minNormal = 2.2250738585072014e-308;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < minNormal) return diff < eps * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < eps;
}

/**
 * Makes counts non-decreasing, as Prometheus 3.x: tiny (relative 1e-12) decreases are float
 * noise and flattened silently; real decreases are flattened and reported (forcedMonotonic).
 */
function ensureMonotonic(buckets: Bucket[]): boolean {
  let forced = false;
  let prev = buckets[0].count;
  for (let i = 1; i < buckets.length; i++) {
    const cur = buckets[i].count;
    if (cur === prev) continue;
    if (almostEqual(prev, cur, 1e-12)) {
      buckets[i].count = prev;
      continue;
    }
    if (cur < prev) {
      buckets[i].count = prev;
      forced = true;
      continue;
    }
    prev = cur;
  }
  return forced;
}

/**
 * Prometheus's bucketQuantile: linear interpolation inside the bucket holding rank φ·total,
 * with a lower bound of 0 for the first bucket when its upper bound is positive (its upper bound
 * otherwise); a rank in the +Inf bucket gives the highest finite bound. NaN when the +Inf
 * bucket is missing, fewer than two buckets remain, or there are no observations.
 */
export function bucketQuantile(
  q: number,
  input: Bucket[],
): { value: number; forcedMonotonic: boolean } {
  if (Number.isNaN(q)) return { value: NaN, forcedMonotonic: false };
  if (q < 0) return { value: -Infinity, forcedMonotonic: false };
  if (q > 1) return { value: Infinity, forcedMonotonic: false };
  const bs = coalesce(input);
  if (bs.length === 0 || bs[bs.length - 1].upperBound !== Infinity) {
    return { value: NaN, forcedMonotonic: false };
  }
  const forcedMonotonic = ensureMonotonic(bs);
  if (bs.length < 2) return { value: NaN, forcedMonotonic: false };
  const total = bs[bs.length - 1].count;
  if (total === 0) return { value: NaN, forcedMonotonic: false };
  let rank = q * total;
  // The first bucket (excluding +Inf) whose count reaches the rank (sort.Search).
  let b = 0;
  while (b < bs.length - 1 && !(bs[b].count >= rank)) b++;
  if (b === bs.length - 1) return { value: bs[bs.length - 2].upperBound, forcedMonotonic };
  if (b === 0 && bs[0].upperBound <= 0) return { value: bs[0].upperBound, forcedMonotonic };
  let start = 0;
  const end = bs[b].upperBound;
  let count = bs[b].count;
  if (b > 0) {
    start = bs[b - 1].upperBound;
    count -= bs[b - 1].count;
    rank -= bs[b - 1].count;
  }
  return { value: start + (end - start) * (rank / count), forcedMonotonic };
}

/**
 * The fraction of observations between `lower` and `upper`, interpolating linearly inside
 * buckets (the first bucket spans from 0 when its upper bound is positive, else from -Inf);
 * the inverse of bucketQuantile. NaN without a +Inf bucket or observations.
 */
export function bucketFraction(lower: number, upper: number, input: Bucket[]): number {
  const bs = coalesce(input);
  if (bs.length === 0 || bs[bs.length - 1].upperBound !== Infinity) return NaN;
  ensureMonotonic(bs);
  const total = bs[bs.length - 1].count;
  if (total === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  const rankAt = (x: number): number => {
    let prevBound = bs[0].upperBound > 0 ? 0 : -Infinity;
    let prevCount = 0;
    for (const b of bs) {
      if (x < b.upperBound) {
        if (x <= prevBound) return prevCount;
        // No interpolation in an infinite-width bucket: its observations count as lying at
        // its infinite end (all below x for [-Inf, u], all above x for [l, +Inf]).
        if (prevBound === -Infinity) return b.count;
        if (b.upperBound === Infinity) return prevCount;
        return prevCount + ((b.count - prevCount) * (x - prevBound)) / (b.upperBound - prevBound);
      }
      prevBound = b.upperBound;
      prevCount = b.count;
    }
    return total;
  };
  return (Math.min(rankAt(upper), total) - Math.min(rankAt(lower), total)) / total;
}
