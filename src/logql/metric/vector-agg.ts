import type { VectorAggExpr } from '../ast.js';
import { LogqlEvalError } from '../errors.js';
import { groupLabels, labelsKey, newSeries, type StepSeries } from './steps.js';

/**
 * Vector aggregations (sum, avg, min, max, count, stddev, stdvar, topk, bottomk, sort,
 * sort_desc) over all steps: group keys are computed once per input series.
 */
export function evalVectorAgg(
  expr: VectorAggExpr,
  input: StepSeries[],
  n: number,
): { series: StepSeries[]; order?: 'asc' | 'desc' } {
  const { op } = expr;
  if (op === 'sort' || op === 'sort_desc') {
    return { series: input, order: op === 'sort' ? 'asc' : 'desc' };
  }
  const g = expr.grouping;
  const groups = new Map<string, { labels: StepSeries['labels']; members: StepSeries[] }>();
  for (const s of input) {
    // topk/bottomk group by the same labels but output the members themselves.
    const labels =
      g === undefined
        ? groupLabels(s.labels, false, [])
        : groupLabels(s.labels, g.without, g.labels);
    const k = labelsKey(labels);
    let grp = groups.get(k);
    if (grp === undefined) groups.set(k, (grp = { labels, members: [] }));
    grp.members.push(s);
  }
  if (op === 'topk' || op === 'bottomk') return { series: topk(expr, groups.values(), n) };
  const out: StepSeries[] = [];
  for (const { labels, members } of groups.values()) {
    const s = newSeries(labels, n);
    for (let i = 0; i < n; i++) {
      const v = reduce(op, members, i);
      if (v === undefined) continue;
      s.values[i] = v;
      s.present[i] = 1;
    }
    out.push(s);
  }
  return { series: out };
}

function reduce(op: VectorAggExpr['op'], members: StepSeries[], i: number): number | undefined {
  let c = 0;
  let acc = 0;
  let mean = 0;
  let m2 = 0;
  for (const m of members) {
    if (m.present[i] === 0) continue;
    const v = m.values[i];
    c++;
    switch (op) {
      case 'sum':
        acc += v;
        break;
      case 'min':
        if (c === 1 || v < acc || Number.isNaN(acc)) acc = v;
        break;
      case 'max':
        if (c === 1 || v > acc || Number.isNaN(acc)) acc = v;
        break;
      case 'avg':
        // Incremental mean, as Loki (no overflow to Inf for large sums).
        mean += v / c - mean / c;
        break;
      case 'stddev':
      case 'stdvar': {
        const d = v - mean;
        mean += d / c;
        m2 += d * (v - mean);
        break;
      }
      default:
        break;
    }
  }
  if (c === 0) return undefined;
  switch (op) {
    case 'count':
      return c;
    case 'avg':
      return mean;
    case 'stdvar':
      return m2 / c;
    case 'stddev':
      return Math.sqrt(m2 / c);
    default:
      return acc;
  }
}

/**
 * topk/bottomk: per group and step, the k largest (smallest) values keep their series and
 * labels. NaN ranks below every number for topk and above for bottomk (Prometheus).
 */
function topk(
  expr: VectorAggExpr,
  groups: Iterable<{ members: StepSeries[] }>,
  n: number,
): StepSeries[] {
  const k = expr.param;
  if (k === undefined || !Number.isFinite(k)) {
    throw new LogqlEvalError(`cannot evaluate ${expr.op}: invalid k, got ${String(k)}`);
  }
  const kk = Math.floor(k);
  const top = expr.op === 'topk';
  const out = new Map<StepSeries, StepSeries>();
  if (kk < 1) return [];
  // better(a, b): a ranks before b.
  const better = (a: number, b: number): boolean => {
    if (Number.isNaN(a)) return false;
    if (Number.isNaN(b)) return true;
    return top ? a > b : a < b;
  };
  for (const { members } of groups) {
    for (let i = 0; i < n; i++) {
      const picked: StepSeries[] = [];
      for (const m of members) {
        if (m.present[i] === 0) continue;
        const v = m.values[i];
        if (picked.length === kk && !better(v, picked[kk - 1].values[i])) continue;
        // Insertion keeps `picked` ordered best-first; ties keep input order.
        let at = picked.length;
        while (at > 0 && better(v, picked[at - 1].values[i])) at--;
        picked.splice(at, 0, m);
        if (picked.length > kk) picked.pop();
      }
      for (const m of picked) {
        let o = out.get(m);
        if (o === undefined) out.set(m, (o = newSeries(m.labels, n)));
        o.values[i] = m.values[i];
        o.present[i] = 1;
      }
    }
  }
  return [...out.values()];
}
