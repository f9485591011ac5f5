/** Shared by the aggregate and instant-function tests: step series and an EvalContext that records annotations. */
import { Labels } from '../../model/index.js';
import type { AggregateExpr, AggregateOp, Call, Expr, PosRange } from '../ast.js';
import { ABSENT, isAbsent, type EvalContext, type StepSeries } from '../steps.js';

export interface RecordingContext extends EvalContext {
  warnings: string[];
  infos: string[];
}

/** A context for evaluation times `timesMs`. */
export function recordingContext(timesMs: number[]): RecordingContext {
  const warnings: string[] = [];
  const infos: string[] = [];
  return {
    times: Float64Array.from(timesMs),
    steps: timesMs.length,
    warnings,
    infos,
    warn: (m) => warnings.push(m),
    info: (m) => infos.push(m),
    checkDeadline: () => {},
  };
}

/** A series from values per step (null → ABSENT). */
export function ser(
  labels: Record<string, string>,
  values: readonly (number | null)[],
  opts: { ts?: number[]; dropName?: boolean } = {},
): StepSeries {
  return {
    labels: Labels.fromObject(labels),
    vs: Float64Array.from(values, (v) => (v === null ? ABSENT : v)),
    ts: opts.ts === undefined ? null : Float64Array.from(opts.ts),
    dropName: opts.dropName ?? false,
  };
}

/** Values per step (ABSENT → null) for assertions. */
export function vals(vs: Float64Array): (number | null)[] {
  return Array.from(vs, (v) => (isAbsent(v) ? null : v));
}

/** `{labels} v0 v1 …` lines, sorted, for compact assertions over a whole result. */
export function dump(series: readonly StepSeries[], sort = true): string[] {
  const lines = series.map(
    (s) =>
      `${s.labels.toString()} ${vals(s.vs)
        .map((v) => (v === null ? '_' : String(v)))
        .join(' ')}`,
  );
  return sort ? lines.sort() : lines;
}

const POS: PosRange = { start: 0, end: 1 };

export function aggNode(
  op: AggregateOp,
  grouping: string[] = [],
  without = false,
  withParam = false,
): AggregateExpr {
  const param: Expr | null = withParam
    ? { type: 'NumberLiteral', value: 0, pos: { start: 5, end: 6 } }
    : null;
  return {
    type: 'AggregateExpr',
    op,
    expr: { type: 'VectorSelector', name: 'x', matchers: [], offset: 0, at: null, pos: POS },
    param,
    grouping,
    without,
    hasGrouping: grouping.length > 0,
    pos: POS,
  };
}

/** A call node with `n` argument positions (annotations point at them). */
export function callNode(func: string, n: number): Call {
  const args: Expr[] = [];
  for (let i = 0; i < n; i++) {
    args.push({ type: 'NumberLiteral', value: 0, pos: { start: 10 * i, end: 10 * i + 1 } });
  }
  return { type: 'Call', func, args, pos: POS };
}
