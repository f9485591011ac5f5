import { Labels } from '../../model/index.js';
import type { Expr } from '../ast.js';
import { PromQLError, QueryExecutionError } from '../errors.js';
import type { MatrixSeries, QueryValue, VectorSample } from '../query.js';
import { isAbsent, type StepSeries, type StepValue, type Windows } from '../steps.js';
import { unwrap } from './evaluator.js';
import { withoutName } from './names.js';

/** Outermost functions whose output order is the result's order (Prometheus keeps it). */
const ORDERING = new Set(['sort', 'sort_desc', 'sort_by_label', 'sort_by_label_desc']);

interface Final {
  labels: Labels;
  vs: Float64Array;
}

/**
 * Applies the delayed `__name__` removal and merges series that end up with the same labels;
 * two values for the same labels at one step is Prometheus's "same labelset" error.
 */
function finalize(series: readonly StepSeries[]): Final[] {
  const byKey = new Map<string, Final>();
  for (const s of series) {
    const labels = s.dropName ? withoutName(s.labels) : s.labels;
    const key = labels.flat.join('\xff');
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { labels, vs: s.vs });
      continue;
    }
    const vs = prev.vs.slice();
    for (let i = 0; i < vs.length; i++) {
      if (isAbsent(s.vs[i])) continue;
      if (!isAbsent(vs[i])) {
        throw new QueryExecutionError('vector cannot contain metrics with the same labelset');
      }
      vs[i] = s.vs[i];
    }
    prev.vs = vs;
  }
  return [...byKey.values()];
}

/** The result of an instant query (one step at `t`). */
export function instantValue(root: Expr, v: StepValue, t: number): QueryValue {
  if (v.kind === 'scalar') return { resultType: 'scalar', t, v: v.vs[0] };
  if (v.kind === 'string') return { resultType: 'string', t, v: v.value };
  const out: VectorSample[] = [];
  for (const s of finalize(v.series)) {
    if (!isAbsent(s.vs[0])) out.push({ labels: s.labels, t, v: s.vs[0] });
  }
  const top = unwrap(root);
  if (top.type === 'Call' && ORDERING.has(top.func)) return { resultType: 'vector', series: out };
  out.sort((a, b) => Labels.compare(a.labels, b.labels));
  if (top.type === 'AggregateExpr' && (top.op === 'topk' || top.op === 'bottomk')) {
    // Prometheus returns an outermost topk/bottomk in rank order (NaN last); ties by labels.
    const dir = top.op === 'topk' ? -1 : 1;
    out.sort((a, b) => {
      if (Number.isNaN(a.v) || Number.isNaN(b.v)) {
        return Number(Number.isNaN(a.v)) - Number(Number.isNaN(b.v));
      }
      return a.v === b.v ? 0 : (a.v < b.v ? -1 : 1) * dir;
    });
  }
  return { resultType: 'vector', series: out };
}

/** The result of a range query: only the steps with values, series sorted by labels. */
export function rangeValue(v: StepValue, times: Float64Array): QueryValue {
  if (v.kind === 'string') {
    // Prometheus's check and words (a type error of the query: bad_data).
    throw new PromQLError(
      'bad_data',
      'invalid expression type "string" for range query, must be Scalar or instant Vector',
    );
  }
  const series = v.kind === 'scalar' ? [{ labels: Labels.EMPTY, vs: v.vs }] : finalize(v.series);
  const out: MatrixSeries[] = [];
  for (const s of series) {
    const m = compact(s.labels, s.vs, times);
    if (m.ts.length > 0) out.push(m);
  }
  out.sort((a, b) => Labels.compare(a.labels, b.labels));
  return { resultType: 'matrix', series: out };
}

function compact(labels: Labels, vs: Float64Array, times: Float64Array): MatrixSeries {
  let k = 0;
  for (let i = 0; i < vs.length; i++) if (!isAbsent(vs[i])) k++;
  const ts = new Float64Array(k);
  const out = new Float64Array(k);
  k = 0;
  for (let i = 0; i < vs.length; i++) {
    if (isAbsent(vs[i])) continue;
    ts[k] = times[i];
    out[k++] = vs[i];
  }
  return { labels, ts, vs: out };
}

/** An instant query of a bare range selector or subquery: the raw samples of its window. */
export function rawMatrix(ws: Iterable<Windows>): QueryValue {
  const out: MatrixSeries[] = [];
  for (const w of ws) {
    const lo = w.lo[0];
    const hi = w.hi[0];
    if (hi <= lo) continue;
    out.push({ labels: w.labels, ts: w.ts.slice(lo, hi), vs: w.vs.slice(lo, hi) });
  }
  out.sort((a, b) => Labels.compare(a.labels, b.labels));
  return { resultType: 'matrix', series: out };
}
