/**
 * Reads a Prometheus `/api/v1/query_range` answer and compares two of them: same series (by
 * label set), same timestamps, values within a relative tolerance (NaN equals NaN).
 */

export interface MatrixSeries {
  /** Canonical key: the label set, sorted by name, as JSON. */
  key: string;
  ts: number[];
  values: number[];
}

interface Envelope {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** Parses a query_range body into series; throws with the API's error when it is not a matrix. */
export function parseMatrix(body: string): MatrixSeries[] {
  const env = JSON.parse(body) as Envelope;
  if (env.status !== 'success') {
    throw new Error(
      `cannot read query result: ${env.errorType ?? 'error'}: ${env.error ?? body.slice(0, 200)}`,
    );
  }
  if (env.data?.resultType !== 'matrix' || !Array.isArray(env.data.result)) {
    throw new Error(
      `cannot read query result: got resultType ${String(env.data?.resultType)}, want matrix`,
    );
  }
  const rows = env.data.result as { metric: Record<string, string>; values: [number, string][] }[];
  return rows.map((r) => ({
    key: labelKey(r.metric),
    ts: r.values.map((p) => p[0]),
    values: r.values.map((p) => Number(p[1])),
  }));
}

export function labelKey(metric: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(metric)
      .sort()
      .map((k) => [k, metric[k]]),
  );
}

export interface Comparison {
  ok: boolean;
  /** Series in each answer. */
  wantSeries: number;
  gotSeries: number;
  /** Points compared, and the largest relative difference seen among them. */
  points: number;
  maxRelDiff: number;
  /** The first difference found, '' when none. */
  firstDiff: string;
}

function relDiff(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (a === b) return 0; // also equal infinities
  const d = Math.abs(a - b);
  const scale = Math.max(Math.abs(a), Math.abs(b));
  // Near zero a relative difference is meaningless; treat the tolerance as absolute there.
  return scale < 1 ? d : d / scale;
}

/** Compares `got` against `want` (the reference answer): same series, points and values. */
export function compareMatrices(
  want: readonly MatrixSeries[],
  got: readonly MatrixSeries[],
  tolerance = 1e-6,
): Comparison {
  const out: Comparison = {
    ok: true,
    wantSeries: want.length,
    gotSeries: got.length,
    points: 0,
    maxRelDiff: 0,
    firstDiff: '',
  };
  const fail = (msg: string): void => {
    out.ok = false;
    if (out.firstDiff === '') out.firstDiff = msg;
  };
  const byKey = new Map(got.map((s) => [s.key, s]));
  if (byKey.size !== got.length) fail('duplicate label sets in the answer');
  for (const w of want) {
    const g = byKey.get(w.key);
    if (g === undefined) {
      fail(`series ${w.key} missing`);
      continue;
    }
    byKey.delete(w.key);
    if (g.ts.length !== w.ts.length || g.ts.some((t, i) => t !== w.ts[i])) {
      fail(`series ${w.key}: got ${g.ts.length} points, want ${w.ts.length} (or other timestamps)`);
      continue;
    }
    for (let i = 0; i < w.values.length; i++) {
      const d = relDiff(w.values[i], g.values[i]);
      out.points++;
      if (!(d <= out.maxRelDiff)) out.maxRelDiff = Number.isNaN(d) ? Infinity : d;
      if (!(d <= tolerance)) {
        fail(`series ${w.key} at ${w.ts[i]}: got ${g.values[i]}, want ${w.values[i]}`);
      }
    }
  }
  for (const key of byKey.keys()) fail(`unexpected series ${key}`);
  return out;
}
