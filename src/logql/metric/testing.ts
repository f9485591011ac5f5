import { Labels, Matcher } from '../../model/index.js';
import type { LogExpr, MetricExpr, RangeAggExpr, RangeAggOp, Unwrap } from '../ast.js';
import type { LogqlResult, ProcessedRecord, SelectProcessed } from '../types.js';
import { evaluateMetric, type MetricContext } from './evaluate.js';

/** Test helpers: hand-made processed records and ASTs, a select over them that records calls. */

/** A realistic epoch (ms) so ns timestamps exceed 2^53 as in production. */
export const T0 = 1_700_000_000_000;
export const MIN = 60_000;

export function ns(ms: number, extraNs = 0): bigint {
  return BigInt(ms) * 1_000_000n + BigInt(extraNs);
}

export function rec(
  labels: Record<string, string>,
  ms: number,
  line = 'x',
  extraNs = 0,
): ProcessedRecord {
  return { ts: ns(ms, extraNs), line, labels: Labels.fromObject(labels) };
}

export interface FakeSelect {
  select: SelectProcessed;
  calls: { start: bigint; end: bigint }[];
}

/**
 * Yields the records in [start, end) in batches of `batch`, in the given order (callers pass
 * several streams interleaved to exercise arrival order).
 */
export function fakeSelect(records: ProcessedRecord[], batch = 3): FakeSelect {
  const calls: { start: bigint; end: bigint }[] = [];
  const select: SelectProcessed = (_log, start, end) => {
    calls.push({ start, end });
    const inRange = records.filter((r) => r.ts >= start && r.ts < end);
    return (async function* () {
      for (let i = 0; i < inRange.length; i += batch) {
        await Promise.resolve();
        yield inRange.slice(i, i + batch);
      }
    })();
  };
  return { select, calls };
}

export const LOG: LogExpr = {
  kind: 'log',
  matchers: [new Matcher('=', 'app', 'api')],
  pipeline: [],
};

export function range(
  op: RangeAggOp,
  rangeMs: number,
  extra: Partial<RangeAggExpr> & { unwrap?: Unwrap } = {},
): RangeAggExpr {
  return { kind: 'range_agg', op, log: LOG, rangeMs, offsetMs: 0, ...extra };
}

export async function instant(
  expr: MetricExpr,
  records: ProcessedRecord[],
  atMs: number,
  extra: Partial<MetricContext> = {},
): Promise<LogqlResult> {
  return evaluateMetric(expr, {
    select: fakeSelect(records).select,
    startMs: atMs,
    endMs: atMs,
    stepMs: 0,
    instant: true,
    ...extra,
  });
}

export async function rangeQuery(
  expr: MetricExpr,
  records: ProcessedRecord[],
  startMs: number,
  endMs: number,
  stepMs: number,
  extra: Partial<MetricContext> = {},
): Promise<LogqlResult> {
  return evaluateMetric(expr, {
    select: fakeSelect(records).select,
    startMs,
    endMs,
    stepMs,
    instant: false,
    ...extra,
  });
}

/** A matrix as `{ '{a="b"}': [[relative ms, v], …] }` (times relative to `base`) for compact asserts. */
export function matrixOf(r: LogqlResult, base = T0): Record<string, [number, number][]> {
  if (r.type !== 'matrix') throw new Error(`want a matrix, got ${r.type}`);
  const out: Record<string, [number, number][]> = {};
  for (const s of r.series) out[s.labels.toString()] = s.points.map(([t, v]) => [t - base, v]);
  return out;
}

/** A vector as `{ '{a="b"}': v }`, and its label order. */
export function vectorOf(r: LogqlResult): { values: Record<string, number>; order: string[] } {
  if (r.type !== 'vector') throw new Error(`want a vector, got ${r.type}`);
  const values: Record<string, number> = {};
  const order: string[] = [];
  for (const s of r.samples) {
    values[s.labels.toString()] = s.v;
    order.push(s.labels.toString());
  }
  return { values, order };
}
