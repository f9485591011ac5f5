/** Latency summaries for the alerts benchmark (nearest-rank percentiles, milliseconds). */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of `values` (NaN everywhere when empty). */
export function summarize(values: readonly number[]): Summary {
  const v = [...values].sort((a, b) => a - b);
  const rank = (p: number): number =>
    v.length === 0 ? NaN : v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)];
  return {
    n: v.length,
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
    max: v.length === 0 ? NaN : v[v.length - 1],
    mean: v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length,
  };
}

/** Milliseconds as seconds with 3 decimals (`n/a` for NaN). */
export function secs(ms: number): string {
  return Number.isNaN(ms) ? 'n/a' : (ms / 1000).toFixed(3);
}
