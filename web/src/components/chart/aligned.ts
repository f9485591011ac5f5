/**
 * Turns per-series `[ts, value]` points into uPlot's aligned columns (one shared x array, one
 * y array per series, null where a series has no sample: a gap in the line). Built once per
 * query result; pure (no DOM), tested in test/web/chart-aligned.test.ts.
 */

/** One series as the chart takes it. */
export interface ChartSeries {
  labels: Record<string, string>;
  /** Legend text. */
  name: string;
  /** `[unix seconds, value]`, ascending by time. */
  points: [number, number][];
}

/** `[xs, ...ys]` as uPlot wants it. */
export type Aligned = [number[], ...(number | null)[][]];

export function alignSeries(series: readonly ChartSeries[]): Aligned {
  // Range queries share one grid of timestamps, so the first series usually has them all:
  // check that cheaply before building the union.
  const first = series[0]?.points ?? [];
  let shared = true;
  for (const s of series) {
    if (s.points.length > first.length) shared = false;
    if (!shared) break;
  }
  let xs: number[];
  if (shared) {
    xs = first.map((p) => p[0]);
  } else {
    const all = new Set<number>();
    for (const s of series) for (const p of s.points) all.add(p[0]);
    xs = [...all].sort((a, b) => a - b);
  }
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const ys = series.map((s) => {
    const y: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (const [t, v] of s.points) {
      const i = index.get(t);
      // A timestamp missing from a "shared" grid falls back to the union (rare: ragged grids).
      if (i === undefined) return undefined;
      y[i] = Number.isFinite(v) ? v : null;
    }
    return y;
  });
  if (ys.some((y) => y === undefined)) {
    if (shared) return alignUnion(series);
  }
  return [xs, ...(ys as (number | null)[][])];
}

function alignUnion(series: readonly ChartSeries[]): Aligned {
  const all = new Set<number>();
  for (const s of series) for (const p of s.points) all.add(p[0]);
  const xs = [...all].sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const ys = series.map((s) => {
    const y: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (const [t, v] of s.points) y[index.get(t)!] = Number.isFinite(v) ? v : null;
    return y;
  });
  return [xs, ...ys];
}

/**
 * Stacks the visible series: each visible y becomes the running sum of the visible ones
 * before it (a gap counts as 0 below, stays a gap itself). Hidden series are left as they are.
 */
export function stack(data: Aligned, visible: readonly boolean[]): Aligned {
  const [xs, ...ys] = data;
  const sum = new Array<number>(xs.length).fill(0);
  const out = ys.map((y, i) => {
    if (!visible[i]) return y;
    const s: (number | null)[] = new Array<number | null>(xs.length);
    for (let j = 0; j < xs.length; j++) {
      const v = y[j];
      if (v === null || v === undefined) s[j] = null;
      else s[j] = sum[j]! += v;
    }
    return s;
  });
  return [xs, ...out];
}
