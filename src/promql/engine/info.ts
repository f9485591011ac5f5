import { isStaleNaN, Labels, Matcher, METRIC_NAME } from '../../model/index.js';
import type { Call, Expr, VectorSelector } from '../ast.js';
import { QueryExecutionError } from '../errors.js';
import { absentSteps, isAbsent, type StepSeries } from '../steps.js';
import { atMs, durationMs, type DurationScope } from './durations.js';
import type { LoadedSeries } from './load.js';

/**
 * The experimental `info(v, [selector])`: adds the data labels of info series (`target_info`
 * unless the selector names others) that share `v`'s identifying labels, as of the time each
 * step of `v` was read (its `@` and `offset`).
 */

const IDENTIFYING = ['instance', 'job'];
const synthetic = new WeakMap<Call, VectorSelector>();

/** The selector info() reads its info series with (a stable node per call, for loading). */
export function infoSelector(call: Call): VectorSelector {
  const arg = call.args[1];
  let sel = synthetic.get(call);
  if (!sel) {
    const base: readonly Matcher[] = arg?.type === 'VectorSelector' ? arg.matchers : [];
    // No name matcher: target_info; only negative ones: among the *_info metrics.
    const names = base.filter((m) => m.name === METRIC_NAME);
    const matchers =
      names.length === 0
        ? [new Matcher('=', METRIC_NAME, 'target_info'), ...base]
        : names.every((m) => m.type === '!=' || m.type === '!~')
          ? [new Matcher('=~', METRIC_NAME, '.+_info'), ...base]
          : base;
    sel = { type: 'VectorSelector', name: '', matchers, offset: 0, at: null, pos: call.pos };
    synthetic.set(call, sel);
  }
  return sel;
}

/** Maps an evaluation time to the time `e`'s data is read at (its `@` and offsets). */
export function readTime(e: Expr, t: number, scope: DurationScope): number {
  switch (e.type) {
    case 'VectorSelector':
      return (atMs(e.at, scope) ?? t) - durationMs(e.offset, scope);
    case 'MatrixSelector':
      return readTime(e.vector, t, scope);
    case 'SubqueryExpr':
      return readTime(e.expr, (atMs(e.at, scope) ?? t) - durationMs(e.offset, scope), scope);
    case 'ParenExpr':
    case 'UnaryExpr':
      return readTime(e.expr, t, scope);
    case 'AggregateExpr':
      return readTime(e.expr, t, scope);
    case 'Call': {
      const a = e.args.find(hasSelector);
      return a ? readTime(a, t, scope) : t;
    }
    case 'BinaryExpr':
      return readTime(hasSelector(e.lhs) ? e.lhs : e.rhs, t, scope);
    default:
      return t;
  }
}

function hasSelector(e: Expr): boolean {
  switch (e.type) {
    case 'VectorSelector':
    case 'MatrixSelector':
      return true;
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'AggregateExpr':
      return hasSelector(e.expr);
    case 'Call':
      return e.args.some(hasSelector);
    case 'BinaryExpr':
      return hasSelector(e.lhs) || hasSelector(e.rhs);
    default:
      return false;
  }
}

function idKey(l: Labels): string {
  return IDENTIFYING.map((n) => l.get(n)).join('\xff');
}

/** Enriches `base` (evaluated at `times`) with the info series `infos`. */
export function enrich(
  call: Call,
  base: readonly StepSeries[],
  infos: readonly LoadedSeries[],
  times: Float64Array,
  lookbackMs: number,
  scope: DurationScope,
): StepSeries[] {
  const sel = infoSelector(call);
  const nameMatchers = sel.matchers.filter((m) => m.name === METRIC_NAME);
  const dataMatchers = sel.matchers.filter((m) => m.name !== METRIC_NAME);
  const dataNames = dataMatchers.length > 0 ? new Set(dataMatchers.map((m) => m.name)) : null;
  const required = dataMatchers.some((m) => !m.matchesEmpty());
  const n = times.length;
  const ref = times.map((t) => readTime(call.args[0], t, scope));
  // Per info series, the picked sample time at each step (NaN: none), grouped by identity.
  const byId = new Map<string, { labels: Labels; at: Float64Array }[]>();
  for (const s of infos) {
    const at = new Float64Array(n).fill(NaN);
    let j = 0;
    for (let i = 0; i < n; i++) {
      const r = ref[i];
      if (i > 0 && r < ref[i - 1]) j = 0;
      while (j < s.ts.length && s.ts[j] <= r) j++;
      const k = j - 1;
      if (k >= 0 && s.ts[k] > r - lookbackMs && !isStaleNaN(s.vs[k])) at[i] = s.ts[k];
    }
    const key = idKey(s.labels);
    const list = byId.get(key);
    if (list) list.push({ labels: s.labels, at });
    else byId.set(key, [{ labels: s.labels, at }]);
  }
  const out = new Map<string, StepSeries>();
  const emit = (labels: Labels, s: StepSeries, i: number) => {
    const key = labels.flat.join('\xff');
    let o = out.get(key);
    if (!o) {
      o = { labels, vs: absentSteps(n), ts: null, dropName: s.dropName };
      out.set(key, o);
    }
    o.vs[i] = s.vs[i];
  };
  for (const s of base) {
    // Info series themselves pass through unchanged.
    if (nameMatchers.every((m) => m.matches(s.labels.metricName))) {
      out.set(`\x00${out.size}`, s);
      continue;
    }
    const cands = byId.get(idKey(s.labels)) ?? [];
    const cache = new Map<string, Labels>();
    for (let i = 0; i < n; i++) {
      if (isAbsent(s.vs[i])) continue;
      // Per info metric name, the series with the latest sample.
      const latest = new Map<string, { labels: Labels; t: number }>();
      for (const c of cands) {
        const t = c.at[i];
        if (Number.isNaN(t)) continue;
        const name = c.labels.metricName;
        const prev = latest.get(name);
        if (!prev || t > prev.t) latest.set(name, { labels: c.labels, t });
      }
      if (latest.size === 0) {
        if (!required) emit(s.labels, s, i);
        continue;
      }
      const key = [...latest.values()].map((c) => c.labels.flat.join('\xfe')).join('\xff');
      let labels = cache.get(key);
      if (!labels) {
        labels = addDataLabels(
          s.labels,
          [...latest.values()].map((c) => c.labels),
          dataNames,
        );
        cache.set(key, labels);
      }
      emit(labels, s, i);
    }
  }
  return [...out.values()];
}

function addDataLabels(base: Labels, infos: Labels[], names: Set<string> | null): Labels {
  const added = new Map<string, string>();
  for (const info of infos) {
    for (let k = 0; k < info.size; k++) {
      const name = info.name(k);
      const value = info.value(k);
      if (name === METRIC_NAME || IDENTIFYING.includes(name) || base.has(name)) continue;
      if (names && !names.has(name)) continue;
      const prev = added.get(name);
      if (prev !== undefined && prev !== value) {
        throw new QueryExecutionError(
          `cannot evaluate info(): conflicting label ${name}: "${prev}" and "${value}" from different info metrics`,
        );
      }
      added.set(name, value);
    }
  }
  if (added.size === 0) return base;
  const pairs: [string, string][] = [];
  for (let k = 0; k < base.size; k++) pairs.push([base.name(k), base.value(k)]);
  return Labels.fromPairs([...pairs, ...added]);
}
