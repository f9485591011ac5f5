import { BugError } from '../../util/index.js';
import type { Buckets, ExpHistogramPoint, HistogramPoint, NumberPoint } from './types.js';

/** Options of delta → cumulative conversion. */
export interface DeltaOptions {
  /** A series not updated for this long (wall clock, ms) starts again from 0 (a reset). */
  ttlMs: number;
  /** Most series with delta state per tenant; beyond, a request adding more is refused (429). */
  maxSeries: number;
}

export const DEFAULT_DELTA_OPTIONS: DeltaOptions = { ttlMs: 60 * 60_000, maxSeries: 1_000_000 };

type Point = NumberPoint | HistogramPoint | ExpHistogramPoint;

interface State<P extends Point> {
  /** The running cumulative point (its `start` is the start of the run). */
  acc: P;
  /** Wall-clock time of the last update, for the TTL. */
  seen: number;
}

/** Why a delta point was not used: the caller counts it as rejected (OTLP partial success). */
export type DeltaVerdict<P> = { point: P } | { dropped: string };

/**
 * Per-tenant delta → cumulative state, keyed by the converted series identity (name + labels,
 * without `le`). Rules (like the Collector's deltatocumulative processor):
 * - the first point of a series (or the first after `ttlMs` idle) starts a run: cumulative =
 *   the delta, start = its start time (its time when unset);
 * - a point with time ≤ the last accepted time, or a start time before it, overlaps what was
 *   already counted and is dropped (reported, not an error);
 * - otherwise the delta is added (gaps between points are fine); explicit-bucket histograms
 *   whose bounds changed, and exponential histograms whose zero threshold changed, start a new
 *   run (a counter reset in Prometheus terms);
 * - a NO_RECORDED_VALUE point passes through (→ stale markers) and leaves the state alone.
 * State changes are made when a request is converted and undone if it fails (`undo`).
 */
export class DeltaState {
  private readonly states = new Map<string, State<Point>>();
  private lastSweep = 0;

  constructor(private readonly opts: DeltaOptions) {}

  get size(): number {
    return this.states.size;
  }

  /** Accumulates `p` for series `key`; records the previous state in `undo`. */
  add<P extends Point>(key: string, p: P, now: number, undo: Undo): DeltaVerdict<P> {
    const prev = this.states.get(key) as State<P> | undefined;
    const live = prev !== undefined && now - prev.seen <= this.opts.ttlMs ? prev : undefined;
    let acc: P;
    if (live === undefined) {
      if (prev === undefined && this.states.size >= this.opts.maxSeries)
        return { dropped: 'limit' };
      acc = { ...p, start: p.start || p.time };
    } else {
      const last = live.acc.time;
      if (p.time <= last)
        return { dropped: `time ${p.time} is not after the last accepted time ${last}` };
      if (p.start !== 0 && p.start < last)
        return { dropped: `start ${p.start} overlaps the last accepted time ${last}` };
      acc = merge(live.acc, p) ?? { ...p, start: p.start || p.time };
    }
    undo.push(() => {
      if (prev === undefined) this.states.delete(key);
      else this.states.set(key, prev);
    });
    this.states.set(key, { acc, seen: now });
    return { point: acc };
  }

  /** Drops states idle for longer than the TTL (at most once per TTL/2). */
  sweep(now: number): void {
    if (now - this.lastSweep < this.opts.ttlMs / 2) return;
    this.lastSweep = now;
    for (const [k, s] of this.states) if (now - s.seen > this.opts.ttlMs) this.states.delete(k);
  }
}

/** Undo log of one request's state changes, replayed newest first on failure. */
export class Undo {
  private readonly fns: (() => void)[] = [];
  push(f: () => void): void {
    this.fns.push(f);
  }
  run(): void {
    for (let i = this.fns.length - 1; i >= 0; i--) this.fns[i]();
    this.fns.length = 0;
  }
}

/** acc + p, or undefined when they cannot be added (bounds/threshold changed: new run). */
function merge<P extends Point>(accP: P, pP: P): P | undefined {
  return mergeAny(accP, pP) as P | undefined;
}

function mergeAny(acc: Point, p: Point): Point | undefined {
  if ('value' in acc && 'value' in p)
    return { ...p, start: acc.start, value: (acc.value ?? 0) + (p.value ?? 0) };
  if ('bounds' in acc && 'bounds' in p) {
    if (!sameNumbers(acc.bounds, p.bounds) || acc.bucketCounts.length !== p.bucketCounts.length)
      return undefined;
    return {
      ...p,
      start: acc.start,
      count: acc.count + p.count,
      sum: addOpt(acc.sum, p.sum),
      bucketCounts: acc.bucketCounts.map((c, i) => c + (p.bucketCounts[i] ?? 0)),
    };
  }
  if (!('scale' in acc) || !('scale' in p))
    throw new BugError('delta state of one series holds points of different types');
  if (acc.zeroThreshold !== p.zeroThreshold) return undefined;
  // Downscale further when the merged span would be huge (hostile offsets far apart).
  let scale = Math.min(acc.scale, p.scale);
  let pos: Buckets | undefined;
  let neg: Buckets | undefined;
  for (;;) {
    pos = addBuckets(acc.positive, acc.scale, p.positive, p.scale, scale);
    neg = addBuckets(acc.negative, acc.scale, p.negative, p.scale, scale);
    if (pos !== undefined && neg !== undefined) break;
    scale--;
  }
  return {
    ...p,
    start: acc.start,
    count: acc.count + p.count,
    sum: addOpt(acc.sum, p.sum),
    zeroCount: acc.zeroCount + p.zeroCount,
    scale,
    positive: pos,
    negative: neg,
  };
}

const MAX_SPAN = 4096;

function addOpt(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}

function sameNumbers(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Adds two exponential bucket spans after downscaling both to `scale` (index i at scale s maps
 * to i >> (s - scale): each step down merges pairs of buckets). Undefined when the result would
 * span more than MAX_SPAN buckets.
 */
export function addBuckets(
  a: Buckets,
  as: number,
  b: Buckets,
  bs: number,
  scale: number,
): Buckets | undefined {
  const m = new Map<number, number>();
  const put = (x: Buckets, s: number): void => {
    const shift = s - scale;
    x.counts.forEach((c, i) => {
      if (c === 0) return;
      const idx = Math.floor((x.offset + i) / 2 ** shift);
      m.set(idx, (m.get(idx) ?? 0) + c);
    });
  };
  put(a, as);
  put(b, bs);
  if (m.size === 0) return { offset: 0, counts: [] };
  const keys = [...m.keys()];
  const lo = Math.min(...keys);
  const hi = Math.max(...keys);
  if (hi - lo >= MAX_SPAN) return undefined;
  const counts = new Array<number>(hi - lo + 1).fill(0);
  for (const [k, c] of m) counts[k - lo] = c;
  return { offset: lo, counts };
}
