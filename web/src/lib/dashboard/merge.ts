/**
 * Incremental range extension for live panels: on a tick, a relative-range panel asks only for
 * the last few steps and merges them into what it holds, dropping points that fell out of the
 * window — instead of re-running the whole range. Pure, tested in
 * test/web/dashboard-merge.test.ts.
 */
export interface SeriesPoints {
  key: string;
  labels: Record<string, string>;
  points: [number, number][];
}

/**
 * Merges `fresh` (covering [freshStart, …]) into `held`: a series' points from freshStart on
 * are replaced by the fresh ones, points before `windowStart` dropped, series that end up
 * empty removed, new series added. Inputs are not modified.
 */
export function mergeSeries(
  held: readonly SeriesPoints[],
  fresh: readonly SeriesPoints[],
  freshStart: number,
  windowStart: number,
): SeriesPoints[] {
  const byKey = new Map<string, SeriesPoints>();
  for (const s of held) {
    const kept = s.points.filter(([t]) => t >= windowStart && t < freshStart);
    byKey.set(s.key, { ...s, points: kept });
  }
  for (const s of fresh) {
    const prev = byKey.get(s.key);
    const add = s.points.filter(([t]) => t >= windowStart);
    byKey.set(s.key, { ...s, points: prev ? [...prev.points, ...add] : add });
  }
  return [...byKey.values()].filter((s) => s.points.length > 0);
}

/** A stable key of a label set. */
export function labelsKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}
