/**
 * Query results of both systems in one shape, and their comparison: same result type, identical
 * label sets, values equal within 1e-9 relative (NaN equals NaN), same order where the order
 * means something (sort/sort_desc results and range-query matrices).
 */
import type { QueryValue } from '../../../src/promql/index.js';

export const REL_TOLERANCE = 1e-9;

export interface NSeries {
  /** Canonical `{a="1", b="2"}` text, labels sorted by name. */
  labels: string;
  /** [ms, value] pairs. */
  points: [number, number][];
}

export type Result =
  | { kind: 'error'; message: string }
  | { kind: 'scalar' | 'string'; t: number; v: number | string }
  | { kind: 'vector' | 'matrix'; series: NSeries[] };

export function canonicalLabels(obj: Record<string, string>): string {
  const names = Object.keys(obj).sort();
  return `{${names.map((n) => `${n}=${JSON.stringify(obj[n])}`).join(', ')}}`;
}

/** Prometheus JSON numbers: strings, with "NaN", "+Inf", "-Inf" (Go's spelling, not JS's). */
const num = (s: unknown): number =>
  s === '+Inf' || s === 'Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s);
const ms = (t: unknown): number => Math.round(Number(t) * 1000);

interface ApiBody {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

/** Reads a Prometheus-compatible `/api/v1/query[_range]` response body. */
export function fromApi(body: ApiBody): Result {
  if (body.status !== 'success' || body.data === undefined)
    return { kind: 'error', message: body.error ?? 'no data' };
  const { resultType, result } = body.data;
  if (resultType === 'scalar' || resultType === 'string') {
    const [t, v] = result as [number, string];
    return { kind: resultType, t: ms(t), v: resultType === 'scalar' ? num(v) : v };
  }
  if (resultType === 'vector') {
    const rows = result as { metric: Record<string, string>; value: [number, string] }[];
    return {
      kind: 'vector',
      series: rows.map((s) => ({
        labels: canonicalLabels(s.metric),
        points: [[ms(s.value[0]), num(s.value[1])]],
      })),
    };
  }
  const rows = result as { metric: Record<string, string>; values: [number, string][] }[];
  return {
    kind: 'matrix',
    series: rows.map((s) => ({
      labels: canonicalLabels(s.metric),
      points: s.values.map(([t, v]) => [ms(t), num(v)]),
    })),
  };
}

/** Reads the engine's in-process result. */
export function fromEngine(v: QueryValue): Result {
  switch (v.resultType) {
    case 'scalar':
    case 'string':
      return { kind: v.resultType, t: v.t, v: v.v };
    case 'vector':
      return {
        kind: 'vector',
        series: v.series.map((s) => ({
          labels: canonicalLabels(s.labels.toObject()),
          points: [[s.t, s.v]],
        })),
      };
    case 'matrix':
      return {
        kind: 'matrix',
        series: v.series.map((s) => ({
          labels: canonicalLabels(s.labels.toObject()),
          points: Array.from(s.ts, (t, i): [number, number] => [t, s.vs[i]]),
        })),
      };
  }
}

export function sameFloat(a: number, b: number): boolean {
  if (a === b) return true;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= REL_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

const fmt = (s: NSeries) => `${s.labels} ${s.points.map(([t, v]) => `${v}@${t}`).join(' ')}`;
const byLabels = (a: NSeries, b: NSeries) =>
  a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0;

function diffSeries(want: NSeries[], got: NSeries[]): string | undefined {
  if (want.length !== got.length)
    return `${want.length} series vs ${got.length}: want ${want.slice(0, 3).map(fmt).join('; ')} got ${got.slice(0, 3).map(fmt).join('; ')}`;
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const g = got[i];
    if (w.labels !== g.labels) return `series ${i}: labels ${w.labels} vs ${g.labels}`;
    if (w.points.length !== g.points.length)
      return `series ${w.labels}: ${w.points.length} points vs ${g.points.length}: want ${fmt(w)} got ${fmt(g)}`;
    for (let j = 0; j < w.points.length; j++) {
      const [wt, wv] = w.points[j];
      const [gt, gv] = g.points[j];
      if (wt !== gt || !sameFloat(wv, gv))
        return `series ${w.labels} at ${wt}: want ${wv}@${wt} got ${gv}@${gt}`;
    }
  }
  return undefined;
}

/**
 * Describes how `got` (Argus) differs from `want` (Prometheus), or undefined when they agree.
 * `ordered`: the query's vector order is significant (sort/sort_desc at the top).
 */
export function compareResults(want: Result, got: Result, ordered: boolean): string | undefined {
  if (want.kind === 'error' || got.kind === 'error') {
    if (want.kind === got.kind) return undefined;
    return want.kind === 'error'
      ? `want error "${want.message}", got a ${got.kind}`
      : `want a ${want.kind}, got error "${(got as { message: string }).message}"`;
  }
  if (want.kind !== got.kind) return `result type ${want.kind} vs ${got.kind}`;
  if (!('series' in want)) {
    const g = got as { t: number; v: number | string };
    const same =
      g.t === want.t &&
      (typeof want.v === 'number' ? sameFloat(want.v, g.v as number) : want.v === g.v);
    return same ? undefined : `want ${want.v}@${want.t} got ${g.v}@${g.t}`;
  }
  const w = want.series;
  const g = (got as { series: NSeries[] }).series;
  if (want.kind === 'matrix') return diffSeries(w, g);
  if (ordered && w.length === g.length) {
    // Ties may come in any order: the values, in order, must match; the rest as a set.
    for (let i = 0; i < w.length; i++)
      if (!sameFloat(w[i].points[0][1], g[i].points[0][1]))
        return `order differs at ${i}: want ${fmt(w[i])} got ${fmt(g[i])}`;
  }
  return diffSeries([...w].sort(byLabels), [...g].sort(byLabels));
}

/** Whether the query's instant-vector order is meaningful (Prometheus keeps sort's order). */
export function isOrdered(query: string): boolean {
  return /^\s*sort(_desc)?\s*\(/.test(query);
}
