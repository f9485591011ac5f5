/**
 * Figures of the checks benchmark from the target's arrival times: probes completed in the
 * window and interval jitter per target (|Δ between consecutive arrivals − interval|), pooled.
 */
export interface JitterStats {
  /** Arrivals inside the window, all targets. */
  arrivals: number;
  /** Targets with no arrival inside the window. */
  silentTargets: number;
  /** Jitter samples (consecutive pairs whose second arrival is in the window). */
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The q-quantile (0..1) of sorted values, nearest rank; NaN when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/**
 * Jitter and arrival counts of `arrivals` (per target, ms, ascending) within [fromMs, toMs).
 * A pair counts when its second arrival falls in the window, so each probe is counted once.
 */
export function jitterStats(
  arrivals: readonly (readonly number[])[],
  intervalMs: number,
  fromMs: number,
  toMs: number,
): JitterStats {
  const jitters: number[] = [];
  let inWindow = 0;
  let silent = 0;
  for (const times of arrivals) {
    let seen = 0;
    for (let k = 0; k < times.length; k++) {
      const t = times[k];
      if (t < fromMs || t >= toMs) continue;
      seen++;
      if (k > 0) jitters.push(Math.abs(t - times[k - 1] - intervalMs));
    }
    inWindow += seen;
    if (seen === 0) silent++;
  }
  const sorted = Float64Array.from(jitters).sort();
  return {
    arrivals: inWindow,
    silentTargets: silent,
    samples: sorted.length,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
  };
}
