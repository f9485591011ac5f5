/** Test helpers of the engine's tests: a loaded MemStore, stand-in functions, result printing. */
import { DEFAULT_TENANT, Labels, staleNaN } from '../../model/index.js';
import { MemStore } from '../../storage/testing.js';
import type { VectorSelector } from '../ast.js';
import { parseExpr } from '../parser/index.js';
import type { QueryValue } from '../query.js';
import { ABSENT, type FunctionImpl, isAbsent, type StepSeries } from '../steps.js';
import { PromQLEngine } from './engine.js';

const T = DEFAULT_TENANT;
const S = 1000;

/**
 * A store loaded with `{ 'x{a="1"}': [[tSeconds, v], …] }`; `'stale'` is a stale marker (a NaN
 * payload would not survive a plain JS array).
 */
export async function storeOf(
  data: Record<string, [number, number | 'stale'][]>,
): Promise<MemStore> {
  const st = new MemStore();
  const app = st.appender(T);
  for (const [sel, pts] of Object.entries(data)) {
    const e = parseExpr(sel) as VectorSelector;
    const labels = Labels.fromPairs(e.matchers.map((m) => [m.name, m.value] as const));
    for (const [t, v] of pts) app.append(0, labels, t * S, v === 'stale' ? staleNaN : v);
  }
  await app.commit();
  return st;
}

/** `n` samples every `every` seconds from 0: start, start+inc, … */
export function ramp(start: number, inc: number, n: number, every = 10): [number, number][] {
  return Array.from({ length: n }, (_, i) => [i * every, start + i * inc]);
}

/** Small stand-ins for the built-in functions, so these tests need only the evaluator. */
export const TEST_FUNCS = new Map<string, FunctionImpl>([
  [
    'count_over_time',
    {
      kind: 'range',
      fn: (w, out) => {
        for (let i = 0; i < w.steps; i++) if (w.hi[i] > w.lo[i]) out[i] = w.hi[i] - w.lo[i];
      },
    },
  ],
  [
    'last_over_time',
    {
      kind: 'range',
      fn: (w, out) => {
        for (let i = 0; i < w.steps; i++) if (w.hi[i] > w.lo[i]) out[i] = w.vs[w.hi[i] - 1];
      },
    },
  ],
  [
    'quantile_over_time',
    {
      kind: 'range',
      // Records the scalar argument so the test can see it arrived per step.
      fn: (w, out, args) => {
        for (let i = 0; i < w.steps; i++) if (w.hi[i] > w.lo[i]) out[i] = args[0][i];
      },
    },
  ],
  [
    'sort_desc',
    {
      kind: 'instant',
      fn: (args) => {
        const v = args[0];
        if (v.kind !== 'vector') throw new Error('want vector');
        return { kind: 'vector', series: [...v.series].sort((a, b) => b.vs[0] - a.vs[0]) };
      },
    },
  ],
  [
    'timestamp',
    {
      kind: 'instant',
      fn: (args, ctx) => {
        const v = args[0];
        if (v.kind !== 'vector') throw new Error('want vector');
        return {
          kind: 'vector',
          series: v.series.map((s): StepSeries => ({
            labels: s.labels,
            vs: s.vs.map((x, i) => (isAbsent(x) ? ABSENT : (s.ts ? s.ts[i] : ctx.times[i]) / 1000)),
            ts: null,
            dropName: true,
          })),
        };
      },
    },
  ],
  [
    'time',
    { kind: 'instant', fn: (_a, ctx) => ({ kind: 'scalar', vs: ctx.times.map((t) => t / 1000) }) },
  ],
  [
    'abs',
    {
      kind: 'instant',
      fn: (args, ctx, call) => {
        ctx.warn('something odd', call.args[0].pos);
        ctx.info('PromQL info: just so you know', call.pos);
        return args[0];
      },
    },
  ],
]);

export const engine = new PromQLEngine({ parse: parseExpr, functions: TEST_FUNCS });

/** `{labels} v` lines of an instant vector, or `labels: t@v …` lines of a matrix. */
export function show(v: QueryValue): string[] {
  switch (v.resultType) {
    case 'scalar':
      return [`scalar ${v.v}`];
    case 'string':
      return [`string ${v.v}`];
    case 'vector':
      return v.series.map((s) => `${s.labels.toString()} ${s.v}`);
    case 'matrix':
      return v.series.map(
        (s) =>
          `${s.labels.toString()} ${[...s.ts].map((t, i) => `${t / 1000}@${s.vs[i]}`).join(' ')}`,
      );
  }
}
