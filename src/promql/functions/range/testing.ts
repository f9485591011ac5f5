/**
 * Test helpers for range functions: build a `Windows` from samples and step times as the engine
 * would (left-open windows `(t - range - offset, t - offset]`), a recording `EvalContext`, and a
 * runner that returns the per-step results as plain numbers (null where ABSENT).
 */
import { Labels } from '../../../model/index.js';
import type { Call, PosRange } from '../../ast.js';
import {
  absentSteps,
  isAbsent,
  type EvalContext,
  type RangeFunction,
  type Windows,
} from '../../steps.js';

export interface WindowSpec {
  /** Sample timestamps (ms, increasing) and values. */
  ts: readonly number[];
  vs: readonly number[];
  /** Evaluation time (ms) of each step. */
  times: readonly number[];
  rangeMs: number;
  offsetMs?: number;
  labels?: Record<string, string>;
}

export function makeWindows(spec: WindowSpec): Windows {
  const n = spec.times.length;
  const ts = Float64Array.from(spec.ts);
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    end[i] = spec.times[i] - (spec.offsetMs ?? 0);
    start[i] = end[i] - spec.rangeMs;
    let a = 0;
    while (a < ts.length && ts[a] <= start[i]) a++;
    let b = a;
    while (b < ts.length && ts[b] <= end[i]) b++;
    lo[i] = a;
    hi[i] = b;
  }
  return {
    labels: Labels.fromObject(spec.labels ?? {}),
    ts,
    vs: Float64Array.from(spec.vs),
    lo,
    hi,
    start,
    end,
    steps: n,
    rangeMs: spec.rangeMs,
  };
}

export interface Annotation {
  kind: 'warn' | 'info';
  msg: string;
  pos: PosRange;
}

/** An EvalContext that records annotations. */
export function testContext(times: readonly number[]): EvalContext & { notes: Annotation[] } {
  const notes: Annotation[] = [];
  return {
    times: Float64Array.from(times),
    steps: times.length,
    notes,
    warn: (msg, pos) => notes.push({ kind: 'warn', msg, pos }),
    info: (msg, pos) => notes.push({ kind: 'info', msg, pos }),
    checkDeadline: () => {},
  };
}

/** A call node `name(<arg at 5..12>, …)` for positions in annotations. */
export function testCall(name: string, nargs = 1): Call {
  const args = Array.from({ length: nargs }, (_, k) => ({
    type: 'NumberLiteral' as const,
    value: 0,
    pos: { start: 5 + 10 * k, end: 12 + 10 * k },
  }));
  return { type: 'Call', func: name, args, pos: { start: 0, end: 20 + 10 * nargs } };
}

/** Runs `fn` over the windows with constant scalar `args`; ABSENT steps become null. */
export function runRange(
  fn: RangeFunction,
  spec: WindowSpec,
  args: readonly number[] = [],
  ctx = testContext(spec.times),
): (number | null)[] {
  const w = makeWindows(spec);
  const out = absentSteps(w.steps);
  const argArrays = args.map((a) => new Float64Array(w.steps).fill(a));
  fn(w, out, argArrays, ctx, testCall('f', args.length + 1));
  const res: (number | null)[] = [];
  for (let i = 0; i < out.length; i++) res.push(isAbsent(out[i]) ? null : out[i]);
  return res;
}
