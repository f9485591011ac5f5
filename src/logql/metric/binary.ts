import { Labels } from '../../model/index.js';
import type { BinaryExpr, BinaryOp, VectorMatching } from '../ast.js';
import { LogqlEvalError } from '../errors.js';
import { groupLabels, labelsKey, SeriesSet, type StepSeries, type StepValue } from './steps.js';

/**
 * Binary operators with Loki's semantics: arithmetic (division and modulo by zero give NaN, not
 * ±Inf), comparisons that filter (or return 0/1 with `bool`), and/or/unless, vector matching with
 * on/ignoring/group_left/group_right. A filtering comparison between a scalar and a vector keeps
 * the vector's value whichever side it is on.
 */

const COMPARISON = new Set<BinaryOp>(['==', '!=', '>', '>=', '<', '<=']);
const SET_OPS = new Set<BinaryOp>(['and', 'or', 'unless']);

export function isComparison(op: BinaryOp): boolean {
  return COMPARISON.has(op);
}

/** The arithmetic result, or for comparisons 1 (true) / 0 (false). */
export function applyOp(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return r === 0 ? NaN : l / r;
    case '%':
      return r === 0 ? NaN : l % r;
    case '^':
      return goPow(l, r);
    case '==':
      return l === r ? 1 : 0;
    case '!=':
      return l !== r ? 1 : 0;
    case '>':
      return l > r ? 1 : 0;
    case '>=':
      return l >= r ? 1 : 0;
    case '<':
      return l < r ? 1 : 0;
    case '<=':
      return l <= r ? 1 : 0;
    default:
      throw new LogqlEvalError(`cannot evaluate "${op}": it needs vectors on both sides`);
  }
}

/** Go's math.Pow where it differs from JS: 1^x = 1 and (-1)^±Inf = 1. */
function goPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

export function evalBinary(expr: BinaryExpr, l: StepValue, r: StepValue, n: number): StepValue {
  const { op } = expr;
  if (l.kind === 'scalar' && r.kind === 'scalar') {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = applyOp(op, l.values[i], r.values[i]);
    return { kind: 'scalar', values };
  }
  if (SET_OPS.has(op) && (l.kind === 'scalar' || r.kind === 'scalar')) {
    throw new LogqlEvalError(`cannot evaluate "${op}": it needs vectors on both sides`);
  }
  if (l.kind === 'scalar' || r.kind === 'scalar') {
    const swap = l.kind === 'scalar';
    const vec = (swap ? r : l) as Extract<StepValue, { kind: 'vector' }>;
    const sc = (swap ? l : r) as Extract<StepValue, { kind: 'scalar' }>;
    return { kind: 'vector', series: vectorScalar(expr, vec.series, sc.values, swap, n) };
  }
  if (l.kind !== 'vector' || r.kind !== 'vector') throw new Error('unreachable');
  if (SET_OPS.has(op)) return { kind: 'vector', series: setOp(expr, l.series, r.series, n) };
  return { kind: 'vector', series: vectorVector(expr, l.series, r.series, n) };
}

function vectorScalar(
  expr: BinaryExpr,
  vec: StepSeries[],
  sc: Float64Array,
  swap: boolean,
  n: number,
): StepSeries[] {
  const filter = isComparison(expr.op) && !expr.bool;
  const out: StepSeries[] = [];
  for (const s of vec) {
    const o: StepSeries = {
      labels: s.labels,
      values: new Float64Array(n),
      present: new Uint8Array(n),
    };
    let any = false;
    for (let i = 0; i < n; i++) {
      if (s.present[i] === 0) continue;
      const v = swap ? applyOp(expr.op, sc[i], s.values[i]) : applyOp(expr.op, s.values[i], sc[i]);
      if (filter) {
        if (v === 0) continue;
        o.values[i] = s.values[i];
      } else {
        o.values[i] = v;
      }
      o.present[i] = 1;
      any = true;
    }
    if (any) out.push(o);
  }
  return out;
}

const DEFAULT_MATCHING: VectorMatching = { on: false, labels: [], card: 'one-to-one', include: [] };

function signature(m: VectorMatching, l: Labels): string {
  return labelsKey(groupLabels(l, !m.on, m.labels));
}

/** and / or / unless: per step, by matching signature; both sides keep their own labels. */
function setOp(expr: BinaryExpr, ls: StepSeries[], rs: StepSeries[], n: number): StepSeries[] {
  const m = expr.matching ?? DEFAULT_MATCHING;
  const lsig = ls.map((s) => signature(m, s.labels));
  const rsig = rs.map((s) => signature(m, s.labels));
  const out = new SeriesSet(n);
  for (let i = 0; i < n; i++) {
    const right = new Set<string>();
    for (let j = 0; j < rs.length; j++) if (rs[j].present[i] === 1) right.add(rsig[j]);
    const left = new Set<string>();
    for (let j = 0; j < ls.length; j++) {
      const s = ls[j];
      if (s.present[i] === 0) continue;
      left.add(lsig[j]);
      const has = right.has(lsig[j]);
      if (expr.op === 'or' || (expr.op === 'and' ? has : !has)) {
        out.setOnce(s.labels, i, s.values[i], expr.op);
      }
    }
    if (expr.op !== 'or') continue;
    for (let j = 0; j < rs.length; j++) {
      const s = rs[j];
      if (s.present[i] === 1 && !left.has(rsig[j])) out.setOnce(s.labels, i, s.values[i], expr.op);
    }
  }
  return out.series().filter((s) => s.present.includes(1));
}

/**
 * Arithmetic and comparisons between vectors. The "one" side (right, or left for group_right)
 * must have at most one series per signature at a step; one-to-one also forbids several
 * "many" series meeting the same one.
 */
function vectorVector(
  expr: BinaryExpr,
  ls: StepSeries[],
  rs: StepSeries[],
  n: number,
): StepSeries[] {
  const m = expr.matching ?? DEFAULT_MATCHING;
  const swap = m.card === 'one-to-many';
  const many = swap ? rs : ls;
  const one = swap ? ls : rs;
  const manySig = many.map((s) => signature(m, s.labels));
  const oneSig = one.map((s) => signature(m, s.labels));
  const filter = isComparison(expr.op) && !expr.bool;
  const out = new SeriesSet(n);
  // Result labels per (many, one) pair, computed once.
  const resultLabels = new Map<number, Labels>();
  for (let i = 0; i < n; i++) {
    const bySig = new Map<string, number>();
    for (let j = 0; j < one.length; j++) {
      if (one[j].present[i] === 0) continue;
      if (bySig.has(oneSig[j])) {
        throw new LogqlEvalError(
          `cannot evaluate "${expr.op}": found duplicate series for the match group ${oneSig[j].replaceAll('\u0000', ',')} on the ${swap ? 'left' : 'right'} hand-side of the operation; many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      bySig.set(oneSig[j], j);
    }
    const matched = m.card === 'one-to-one' ? new Set<number>() : undefined;
    for (let j = 0; j < many.length; j++) {
      const s = many[j];
      if (s.present[i] === 0) continue;
      const oj = bySig.get(manySig[j]);
      if (oj === undefined) continue;
      if (matched !== undefined) {
        if (matched.has(oj)) {
          throw new LogqlEvalError(
            `cannot evaluate "${expr.op}": multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)`,
          );
        }
        matched.add(oj);
      }
      const o = one[oj];
      const lv = swap ? o.values[i] : s.values[i];
      const rv = swap ? s.values[i] : o.values[i];
      let v = applyOp(expr.op, lv, rv);
      if (filter) {
        if (v === 0) continue;
        v = lv;
      }
      const key = j * one.length + oj;
      let labels = resultLabels.get(key);
      if (labels === undefined) {
        labels = resultMetric(s.labels, o.labels, m);
        resultLabels.set(key, labels);
      }
      out.setOnce(labels, i, v, expr.op);
    }
  }
  return out.series();
}

/**
 * Loki's resultMetric: the "many" side's labels (the left one for one-to-one), reduced to the
 * `on` labels (or without the `ignoring` ones) for one-to-one matching, plus the group_x labels
 * taken from the "one" side.
 */
function resultMetric(lhs: Labels, rhs: Labels, m: VectorMatching): Labels {
  const map = new Map<string, string>();
  for (let i = 0; i < lhs.size; i++) map.set(lhs.name(i), lhs.value(i));
  if (m.card === 'one-to-one') {
    for (const name of [...map.keys()]) {
      if (m.labels.includes(name) !== m.on) map.delete(name);
    }
  }
  for (const name of m.include) {
    const v = rhs.get(name);
    if (v !== '') map.set(name, v);
    else map.delete(name);
  }
  return Labels.fromPairs([...map]);
}
