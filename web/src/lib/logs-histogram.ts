/**
 * The histogram's data from the `sum by (level) (count_over_time(…))` matrix: one row of counts
 * per level (label values normalized, e.g. `ERROR` and `err` are both error), in a fixed order,
 * over the buckets' start times. Pure (no DOM), tested in test/web/logs-histogram.test.ts.
 */
import { LEVELS, normalizeLevel, type LogLevel } from './logs-text.js';

export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface HistogramRows {
  /** Bucket start times (unix seconds), ascending. */
  x: number[];
  levels: { level: LogLevel; counts: number[] }[];
}

/** `step` in seconds: a sample at t counts the lines of (t - step, t], drawn from t - step. */
export function histogramRows(series: readonly MatrixSeries[], step: number): HistogramRows {
  const xs = new Set<number>();
  const byLevel = new Map<LogLevel, Map<number, number>>();
  for (const s of series) {
    const level = normalizeLevel(s.metric.level ?? '') ?? 'unknown';
    let m = byLevel.get(level);
    if (!m) byLevel.set(level, (m = new Map()));
    for (const [t, v] of s.values) {
      const x = t - step;
      xs.add(x);
      m.set(x, (m.get(x) ?? 0) + Number(v));
    }
  }
  const x = [...xs].sort((a, b) => a - b);
  return {
    x,
    levels: LEVELS.filter((l) => byLevel.has(l)).map((level) => {
      const m = byLevel.get(level)!;
      return { level, counts: x.map((t) => m.get(t) ?? 0) };
    }),
  };
}
