import { Labels, METRIC_NAME } from '../../model/index.js';
import type { BinaryExpr, VectorMatching } from '../ast.js';
import { QueryExecutionError } from '../errors.js';
import { ABSENT, absentSteps, isAbsent, type StepSeries, type StepValue } from '../steps.js';
import { arith, compare, isComparison, isSetOp } from './binary-ops.js';
import type { QueryState } from './state.js';

/** Evaluates a binary operation over every step (operands already evaluated). */
export function binary(
  node: BinaryExpr,
  l: StepValue,
  r: StepValue,
  steps: number,
  state: QueryState,
): StepValue {
  if (l.kind === 'string' || r.kind === 'string') {
    throw new QueryExecutionError(`cannot evaluate binary "${node.op}": operand is a string`);
  }
  if (l.kind === 'scalar' && r.kind === 'scalar') {
    const out = new Float64Array(steps);
    const cmp = isComparison(node.op);
    for (let i = 0; i < steps; i++) {
      const a = l.vs[i];
      const b = r.vs[i];
      if (isAbsent(a) || isAbsent(b)) out[i] = ABSENT;
      else if (cmp) out[i] = compare(node.op, a, b) ? 1 : 0;
      else out[i] = arith(node.op, a, b);
    }
    return { kind: 'scalar', vs: out };
  }
  if (l.kind === 'vector' && r.kind === 'vector') {
    return { kind: 'vector', series: vectorVector(node, l.series, r.series, steps, state) };
  }
  if (l.kind === 'vector' && r.kind === 'scalar') {
    return { kind: 'vector', series: vectorScalar(node, l.series, r.vs, false, steps, state) };
  }
  if (l.kind === 'scalar' && r.kind === 'vector') {
    return { kind: 'vector', series: vectorScalar(node, r.series, l.vs, true, steps, state) };
  }
  throw new QueryExecutionError(`cannot evaluate binary "${node.op}": unexpected operands`);
}

function vectorScalar(
  node: BinaryExpr,
  series: readonly StepSeries[],
  sc: Float64Array,
  swap: boolean,
  steps: number,
  state: QueryState,
): StepSeries[] {
  if (isSetOp(node.op)) {
    throw new QueryExecutionError(`cannot evaluate "${node.op}": set operators need two vectors`);
  }
  const cmp = isComparison(node.op);
  const out: StepSeries[] = [];
  for (const s of series) {
    state.checkDeadline();
    const vs = absentSteps(steps);
    let any = false;
    for (let i = 0; i < steps; i++) {
      const x = s.vs[i];
      const y = sc[i];
      if (isAbsent(x) || isAbsent(y)) continue;
      if (cmp) {
        const keep = swap ? compare(node.op, y, x) : compare(node.op, x, y);
        // The vector's value is kept even when the scalar is on the left.
        if (node.returnBool) vs[i] = keep ? 1 : 0;
        else if (keep) vs[i] = x;
        else continue;
      } else vs[i] = swap ? arith(node.op, y, x) : arith(node.op, x, y);
      any = true;
    }
    if (any) {
      out.push({
        labels: s.labels,
        vs,
        // timestamp() of anything but a bare selector is the evaluation time.
        ts: null,
        dropName: s.dropName || !cmp || node.returnBool,
      });
    }
  }
  return out;
}

/** The match key of a series under `on(…)` / `ignoring(…)` (ignoring always drops `__name__`). */
export function signature(m: VectorMatching): (l: Labels) => string {
  if (m.on) {
    const names = [...m.labels].sort();
    return (l) => names.map((n) => l.get(n)).join('\xff');
  }
  const skip = new Set([...m.labels, METRIC_NAME]);
  return (l) => {
    const f = l.flat;
    let k = '';
    for (let i = 0; i < f.length; i += 2) if (!skip.has(f[i])) k += `${f[i]}\xfe${f[i + 1]}\xff`;
    return k;
  };
}

function signatureLabels(m: VectorMatching, l: Labels): Labels {
  if (m.on) return Labels.fromPairs(m.labels.map((n) => [n, l.get(n)] as const));
  return l.without(...m.labels, METRIC_NAME);
}

function vectorVector(
  node: BinaryExpr,
  lhs: readonly StepSeries[],
  rhs: readonly StepSeries[],
  steps: number,
  state: QueryState,
): StepSeries[] {
  const m: VectorMatching = node.matching ?? {
    card: isSetOp(node.op) ? 'many-to-many' : 'one-to-one',
    on: false,
    labels: [],
    include: [],
    fillLeft: null,
    fillRight: null,
  };
  const sig = signature(m);
  if (node.op === 'and' || node.op === 'unless') {
    const mask = presence(rhs, sig, steps);
    const keepIfPresent = node.op === 'and';
    return filter(lhs, (s, i) => (mask.get(sig(s.labels))?.[i] === 1) === keepIfPresent, steps);
  }
  if (node.op === 'or') {
    const mask = presence(lhs, sig, steps);
    return [
      ...filter(lhs, () => true, steps),
      ...filter(rhs, (s, i) => mask.get(sig(s.labels))?.[i] !== 1, steps),
    ];
  }
  if (m.card === 'many-to-many') {
    throw new QueryExecutionError(
      `cannot evaluate "${node.op}": many-to-many matching is only allowed for set operators`,
    );
  }
  return matchOneToX(node, m, sig, lhs, rhs, steps, state);
}

/** Per signature, which steps have a value in some series. */
function presence(
  series: readonly StepSeries[],
  sig: (l: Labels) => string,
  steps: number,
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const s of series) {
    const k = sig(s.labels);
    let m = out.get(k);
    if (!m) out.set(k, (m = new Uint8Array(steps)));
    for (let i = 0; i < steps; i++) if (!isAbsent(s.vs[i])) m[i] = 1;
  }
  return out;
}

function filter(
  series: readonly StepSeries[],
  keep: (s: StepSeries, i: number) => boolean,
  steps: number,
): StepSeries[] {
  const out: StepSeries[] = [];
  for (const s of series) {
    let all = true;
    let any = false;
    const vs = absentSteps(steps);
    for (let i = 0; i < steps; i++) {
      if (isAbsent(s.vs[i])) continue;
      if (keep(s, i)) {
        vs[i] = s.vs[i];
        any = true;
      } else all = false;
    }
    // ts: null — timestamp() of anything but a bare selector is the evaluation time.
    if (all) out.push({ labels: s.labels, vs: s.vs, ts: null, dropName: s.dropName });
    else if (any) out.push({ labels: s.labels, vs, ts: null, dropName: s.dropName });
  }
  return out;
}

/** one-to-one, many-to-one (`group_left`) and one-to-many (`group_right`) matching. */
function matchOneToX(
  node: BinaryExpr,
  m: VectorMatching,
  sig: (l: Labels) => string,
  lhs: readonly StepSeries[],
  rhs: readonly StepSeries[],
  steps: number,
  state: QueryState,
): StepSeries[] {
  const swapped = m.card === 'one-to-many';
  const many = swapped ? rhs : lhs;
  const one = swapped ? lhs : rhs;
  const groups = new Map<string, StepSeries[]>();
  for (const s of one) {
    const k = sig(s.labels);
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  // Prometheus returns nothing at a step where either side is empty (unless a fill value
  // stands in for it) before it looks for duplicates: the one side's duplicates only matter
  // at steps where the many side has some sample.
  const filled = m.fillLeft !== null || m.fillRight !== null;
  const manyAt = new Uint8Array(steps);
  if (!filled) {
    for (const s of many) for (let i = 0; i < steps; i++) if (!isAbsent(s.vs[i])) manyAt[i] = 1;
  }
  // Per signature and step, the one-side series present there (at most one).
  const pick = new Map<string, Int32Array>();
  for (const [k, g] of groups) {
    const p = new Int32Array(steps).fill(-1);
    for (let j = 0; j < g.length; j++) {
      for (let i = 0; i < steps; i++) {
        if (isAbsent(g[j].vs[i])) continue;
        if (p[i] >= 0 && (filled || manyAt[i] === 1)) {
          const pair = [g[p[i]].labels, g[j].labels].sort((x, y) => Labels.compare(x, y));
          throw new QueryExecutionError(
            `found duplicate series for the match group ${signatureLabels(m, g[j].labels).toString()} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${pair[0].toString()}, ${pair[1].toString()}];many-to-many matching not allowed: matching labels must be unique on one side`,
          );
        }
        p[i] = j;
      }
    }
    pick.set(k, p);
  }
  const cmp = isComparison(node.op);
  const dropName = !cmp || node.returnBool;
  const outs = new Map<string, StepSeries>();
  const output = (labels: Labels, drop: boolean): StepSeries => {
    const key = labels.flat.join('\xff');
    let out = outs.get(key);
    if (!out) {
      out = { labels, vs: absentSteps(steps), ts: null, dropName: drop };
      outs.set(key, out);
    }
    return out;
  };
  /** Applies the operator in the written order; null when a comparison filters it out. */
  const apply = (x: number, y: number): number | null => {
    const [a, b] = swapped ? [y, x] : [x, y];
    if (!cmp) return arith(node.op, a, b);
    const keep = compare(node.op, a, b);
    if (node.returnBool) return keep ? 1 : 0;
    return keep ? a : null;
  };
  const set = (out: StepSeries, i: number, v: number) => {
    if (!isAbsent(out.vs[i])) {
      throw new QueryExecutionError(
        'multiple matches for labels: grouping labels must ensure unique matches',
      );
    }
    out.vs[i] = v;
  };
  // Experimental fill: the left/right values stand in for the internal many/one side
  // (after group_right's swap), as Prometheus applies them.
  const fillMany = m.fillLeft;
  const fillOne = m.fillRight;
  // one-to-one: a signature may match only one many-side series per step, checked before
  // the comparison filter (Prometheus 3.x; conformance operators.test `many_side > on(job)`).
  const matched = new Map<string, Uint8Array>();
  for (const s of many) {
    state.checkDeadline();
    const k = sig(s.labels);
    const g = groups.get(k);
    const p = pick.get(k);
    if ((!g || !p) && fillOne === null) continue;
    let used = matched.get(k);
    if (!used) matched.set(k, (used = new Uint8Array(steps)));
    // The result series of this many-side series with each one-side partner (null: filled).
    const outOf = new Map<StepSeries | null, StepSeries>();
    for (let i = 0; i < steps; i++) {
      const x = s.vs[i];
      if (isAbsent(x)) continue;
      const o = g && p && p[i] >= 0 ? g[p[i]] : null;
      if (o === null && fillOne === null) continue;
      if (used[i] && m.card === 'one-to-one') {
        throw new QueryExecutionError(
          'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
        );
      }
      used[i] = 1;
      const v = apply(x, o ? o.vs[i] : (fillOne as number));
      if (v === null) continue;
      let out = outOf.get(o);
      if (!out) {
        out = output(
          resultLabels(s.labels, o ? o.labels : Labels.EMPTY, m),
          dropName || s.dropName,
        );
        outOf.set(o, out);
      }
      set(out, i, v);
    }
  }
  if (fillMany !== null) {
    // Match groups present on the one side with no many-side series at a step.
    for (const [k, g] of groups) {
      const p = pick.get(k);
      const used = matched.get(k);
      if (!p) continue;
      const outOf = new Map<StepSeries, StepSeries>();
      for (let i = 0; i < steps; i++) {
        if (p[i] < 0 || used?.[i]) continue;
        const o = g[p[i]];
        const v = apply(fillMany, o.vs[i]);
        if (v === null) continue;
        let out = outOf.get(o);
        if (!out) {
          out = output(signatureLabels(m, o.labels), dropName || o.dropName);
          outOf.set(o, out);
        }
        set(out, i, v);
      }
    }
  }
  return [...outs.values()];
}

/** The labels of a matched pair's result: from the many side, with `on`/`ignoring`/include rules. */
function resultLabels(many: Labels, one: Labels, m: VectorMatching): Labels {
  let pairs: [string, string][] = [];
  const f = many.flat;
  if (m.card === 'one-to-one') {
    const set = new Set(m.labels);
    for (let i = 0; i < f.length; i += 2) {
      if (set.has(f[i]) === m.on) pairs.push([f[i], f[i + 1]]);
    }
  } else {
    for (let i = 0; i < f.length; i += 2) pairs.push([f[i], f[i + 1]]);
  }
  if (m.include.length > 0) {
    const inc = new Set(m.include);
    pairs = pairs.filter((p) => !inc.has(p[0]));
    for (const n of m.include) {
      const v = one.get(n);
      if (v !== '') pairs.push([n, v]);
    }
  }
  return Labels.fromPairs(pairs);
}
