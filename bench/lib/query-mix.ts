/**
 * The query benchmark's dashboard-like mix (issue #5) with the reference figures it is judged
 * against (PERFORMANCE.md: Prometheus 2.42 and VictoriaMetrics 1.79.5 on this machine class, 100k
 * series, 1 h range at 60 s step).
 */

export interface BenchQuery {
  /** Short id used by `--only` and in the table. */
  id: string;
  /** PromQL; `$HOST` is replaced by the first host's instance. */
  expr: string;
  /** Prometheus's median on the reference machine (ms). */
  refPrometheusMs: number;
  /** VictoriaMetrics' median on the reference machine (ms): the stretch target. */
  refVictoriaMs: number;
}

export const QUERY_MIX: readonly BenchQuery[] = [
  {
    id: 'host-cpu',
    expr: 'rate(node_cpu_seconds_total{instance="$HOST"}[5m])',
    refPrometheusMs: 5.6,
    refVictoriaMs: 3.1,
  },
  {
    id: 'sum-by-instance',
    expr: 'sum by (instance) (rate(node_cpu_seconds_total[5m]))',
    refPrometheusMs: 361,
    refVictoriaMs: 81,
  },
  {
    id: 'hist-quantile',
    expr: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
    refPrometheusMs: 371,
    refVictoriaMs: 87,
  },
  {
    id: 'topk',
    expr: 'topk(10, rate(node_network_receive_bytes_total[5m]))',
    refPrometheusMs: 32,
    refVictoriaMs: 17,
  },
  {
    id: 'ratio-by-region',
    expr: 'avg by (region) (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)',
    refPrometheusMs: 26,
    refVictoriaMs: 9,
  },
  {
    // The query shape has 32 CPU series per host: 569 hosts × 32 = 18,208 at the full load.
    id: 'raw-rate-18k',
    expr: 'rate(node_cpu_seconds_total[5m])',
    refPrometheusMs: 1331,
    refVictoriaMs: 442,
  },
];

/** The first host's instance label (series.ts naming). */
export const FIRST_HOST = 'host-0000:9100';

export function exprOf(q: BenchQuery): string {
  return q.expr.replace('$HOST', FIRST_HOST);
}

/** Selects queries by comma-separated ids (or 1-based positions); all when `only` is unset. */
export function selectQueries(only: string | undefined): BenchQuery[] {
  if (only === undefined || only === '') return [...QUERY_MIX];
  const out: BenchQuery[] = [];
  for (const want of only.split(',').map((s) => s.trim())) {
    const q = QUERY_MIX.find((x, i) => x.id === want || String(i + 1) === want);
    if (q === undefined) {
      throw new Error(
        `cannot select query ${JSON.stringify(want)}: want one of ${QUERY_MIX.map((x) => x.id).join(', ')} or 1-${QUERY_MIX.length}`,
      );
    }
    if (!out.includes(q)) out.push(q);
  }
  return out;
}

/** A range query's parameters, seconds with millisecond precision as the HTTP API takes them. */
export interface QueryRange {
  start: number;
  end: number;
  step: number;
}

/**
 * One hour at 60 s step ending half a scrape step after the last sample. Off the 15 s sample
 * grid, a `[5m]` window never starts exactly on a sample, so Prometheus 2.42 (closed range) and
 * 3.x semantics (left-open, Argus) select the same samples and the answers can be compared.
 */
export function hourRange(lastTs: number, stepMs: number): QueryRange {
  const end = lastTs + stepMs / 2;
  return { start: (end - 3_600_000) / 1000, end: end / 1000, step: 60 };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
