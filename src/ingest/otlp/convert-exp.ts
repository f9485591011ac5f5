import type { ExpHistogramPoint, HistogramPoint } from './types.js';

/**
 * Exponential → classic histogram. Bucket index i at scale s covers (base^i, base^(i+1)] with
 * base = 2^(2^-s). The classic bounds are exactly the exponential boundaries present in the
 * point: for each negative bucket i (largest magnitude first) the bound -base^i, then the zero
 * bucket's bound zero_threshold (values in [-threshold, threshold]), then for each positive
 * bucket i its upper bound base^(i+1); `+Inf` is the total count. Buckets are taken as the point
 * sends them (including empty ones inside its spans), so the le set only changes when the
 * producer's bucket range or scale does.
 */
export function expToClassic(p: ExpHistogramPoint): HistogramPoint {
  const bounds: number[] = [];
  const counts: number[] = [];
  const neg = p.negative;
  for (let i = neg.counts.length - 1; i >= 0; i--) {
    bounds.push(-bound(p.scale, neg.offset + i));
    counts.push(neg.counts[i]);
  }
  bounds.push(p.zeroThreshold);
  counts.push(p.zeroCount);
  const pos = p.positive;
  for (let i = 0; i < pos.counts.length; i++) {
    const b = bound(p.scale, pos.offset + i + 1);
    if (b <= p.zeroThreshold) {
      counts[counts.length - 1] += pos.counts[i]; // inside the zero bucket's range
      continue;
    }
    bounds.push(b);
    counts.push(pos.counts[i]);
  }
  let total = 0;
  for (const c of counts) total += c;
  counts.push(Math.max(0, p.count - total)); // (last bound, +Inf]: normally empty
  return {
    attributes: p.attributes,
    start: p.start,
    time: p.time,
    flags: p.flags,
    count: p.count,
    sum: p.sum,
    bucketCounts: counts,
    bounds,
  };
}

/** base^index as 2^(index·2^-scale): exact for scales ≤ 0, and no error compounding above. */
function bound(scale: number, index: number): number {
  return 2 ** (index * 2 ** -scale);
}
