/**
 * The histogram's data from the histogramQuery matrix (logs-query.ts): one row of counts per
 * level (a level label first, else the level found in the text; spellings normalized, e.g.
 * `ERROR` and `err` are both error), in a fixed order, over the buckets' start times.
 * Pure (no DOM), tested in test/web/logs-histogram.test.ts.
 */
import {
  LEVELS,
  TEXT_LEVEL_FIELD,
  TEXT_LEVEL_WORD,
  levelOfLabels,
  textLevel,
  type LogLevel,
} from './logs-text.js';

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
    // As the line list's levelOf: a level label or field first, else the text's field, word.
    const m0 = s.metric;
    const level = levelOfLabels(m0) ?? textLevel(m0[TEXT_LEVEL_FIELD], m0[TEXT_LEVEL_WORD]);
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
