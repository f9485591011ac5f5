/**
 * Comparison of a query outcome with an eval's expectations, exactly as FORMAT.md §5.3 (the
 * upstream promqltest rules): error first, then annotations, then the result. Each check
 * returns null when it passes, or a one-line description of the difference.
 */
import { isStaleNaN, Labels } from '../../model/index.js';
import type { Annotations, QueryValue } from '../query.js';
import type { EvalCommand, MessageMatcher, SeqValue, SeriesLine } from './script.js';

const EPSILON = 1e-6;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Float equality with relative tolerance 1e-6; NaN equals NaN, but the stale marker only
 * equals the stale marker; near zero (or subnormal sums) effectively exact.
 */
export function floatEqual(a: number, b: number): boolean {
  const sa = isStaleNaN(a);
  const sb = isStaleNaN(b);
  if (sa || sb) return sa && sb;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < EPSILON * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < EPSILON;
}

/** Whether `text` satisfies an `expect` matcher (`msg:` exact after trimming, `regex:` unanchored). */
export function matchMessage(m: MessageMatcher, text: string): boolean {
  switch (m.kind) {
    case 'any':
      return true;
    case 'msg':
      return m.text === text;
    case 'regex':
      return m.re.matcher(text).find();
  }
}

function describe(m: MessageMatcher): string {
  return m.kind === 'any'
    ? 'anything'
    : m.kind === 'msg'
      ? `message ${JSON.stringify(m.text)}`
      : `regex /${m.source}/`;
}

/** Renders a float as the scripts write it (`stale`, `NaN`, `+Inf`). */
export function formatFloat(v: number): string {
  if (isStaleNaN(v)) return 'stale';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function formatSeq(v: SeqValue): string {
  switch (v.kind) {
    case 'float':
      return formatFloat(v.v);
    case 'stale':
      return 'stale';
    case 'omitted':
      return '_';
    case 'histogram':
      return v.text;
  }
}

/** `name{l="v"}` (or `{…}` without a name), as in the scripts. */
export function formatLabels(l: Labels): string {
  const name = l.metricName;
  const rest = name ? l.without('__name__') : l;
  const s = rest.toString();
  return name ? (s === '{}' ? name : name + s) : s;
}

/** The error check (§5.3.1) when the query failed: null if a fail expectation accepts it. */
export function checkError(ev: EvalCommand, err: unknown): string | null {
  const text = err instanceof Error ? err.message : String(err);
  if (!ev.fail) return `unexpected error: ${text}`;
  for (const m of ev.fail) {
    if (!matchMessage(m, text)) return `expected an error matching ${describe(m)}, got: ${text}`;
  }
  return null;
}

function checkKind(
  kind: 'warn' | 'info',
  expected: MessageMatcher[],
  none: boolean,
  any: boolean,
  got: string[],
): string | null {
  if (any && got.length === 0) return `expected at least one ${kind} annotation, got none`;
  if (none && got.length > 0) return `expected no ${kind} annotations, got ${JSON.stringify(got)}`;
  if (expected.length === 0) return null;
  if (got.length === 0) return `expected ${kind} annotations, got none`;
  for (const m of expected) {
    if (!got.some((g) => matchMessage(m, g))) {
      return `expected a ${kind} annotation matching ${describe(m)}, got ${JSON.stringify(got)}`;
    }
  }
  for (const g of got) {
    if (!expected.some((m) => matchMessage(m, g)))
      return `unexpected ${kind} annotation ${JSON.stringify(g)}`;
  }
  return null;
}

/** The annotation check (§5.3.2); annotations are not checked unless the eval asks. */
export function checkAnnotations(ev: EvalCommand, a: Annotations): string | null {
  return (
    checkKind('warn', ev.warn, ev.noWarn, ev.anyWarn, a.warnings) ??
    checkKind('info', ev.info, ev.noInfo, ev.anyInfo, a.infos)
  );
}

const key = (l: Labels): string => l.flat.join('\xff');

/** The first adjacent pair out of label order, or null. */
export function checkMatrixSorted(series: readonly { labels: Labels }[]): string | null {
  for (let i = 0; i + 1 < series.length; i++) {
    if (Labels.compare(series[i].labels, series[i + 1].labels) > 0) {
      return `matrix not sorted by labels: ${formatLabels(series[i].labels)} (index ${i}) before ${formatLabels(series[i + 1].labels)}`;
    }
  }
  return null;
}

function expectedMap(ev: EvalCommand): Map<string, SeriesLine> {
  const m = new Map<string, SeriesLine>();
  for (const s of ev.series) m.set(key(s.labels), s);
  return m;
}

function missing(ev: EvalCommand, seen: Set<string>): string | null {
  for (const s of ev.series) {
    if (!seen.has(key(s.labels))) {
      return `missing series ${formatLabels(s.labels)} ${s.values.map(formatSeq).join(' ')} (line ${s.line})`;
    }
  }
  return null;
}

function compareValue(exp: SeqValue, got: number): boolean {
  if (exp.kind === 'stale') return isStaleNaN(got);
  if (exp.kind === 'float') return floatEqual(exp.v, got);
  return false;
}

/** Grid of the matrix expectation: the eval's own range, or `expect range vector`'s. */
function grid(ev: EvalCommand): { start: number; end: number; step: number } {
  if (ev.rangeVector) {
    const r = ev.rangeVector;
    return { start: r.startMs, end: r.endMs, step: r.stepMs };
  }
  return { start: ev.startMs, end: ev.endMs, step: ev.stepMs };
}

function checkMatrix(
  ev: EvalCommand,
  series: Extract<QueryValue, { resultType: 'matrix' }>['series'],
): string | null {
  if (ev.ordered) return 'expected an ordered result, but the query returned a matrix';
  if (ev.scalar)
    return `expected scalar ${formatSeq(ev.scalar)}, got a matrix of ${series.length} series`;
  const sorted = checkMatrixSorted(series);
  if (sorted) return sorted;
  const exp = expectedMap(ev);
  const seen = new Set<string>();
  const g = grid(ev);
  for (const s of series) {
    const k = key(s.labels);
    const e = exp.get(k);
    const got = (): string =>
      Array.from(s.ts, (t, i) => `${formatFloat(s.vs[i])}@${t}`).join(' ') || '(no points)';
    if (!e) return `unexpected series ${formatLabels(s.labels)}: ${got()}`;
    seen.add(k);
    const want: { t: number; v: SeqValue }[] = [];
    for (let i = 0; i < e.values.length; i++) {
      const t = g.start + i * g.step;
      if (t > g.end) {
        return `line ${e.line} lists ${e.values.length} points for ${formatLabels(e.labels)}, more than the query range holds`;
      }
      if (e.values[i].kind !== 'omitted') want.push({ t, v: e.values[i] });
    }
    const wantS = (): string =>
      want.map((w) => `${formatSeq(w.v)}@${w.t}`).join(' ') || '(no points)';
    if (want.length !== s.ts.length) {
      return `series ${formatLabels(s.labels)} (line ${e.line}): expected ${want.length} points, got ${s.ts.length}\n    want: ${wantS()}\n    got:  ${got()}`;
    }
    for (let i = 0; i < want.length; i++) {
      if (want[i].t !== s.ts[i] || !compareValue(want[i].v, s.vs[i])) {
        return `series ${formatLabels(s.labels)} (line ${e.line}): point ${i} differs\n    want: ${wantS()}\n    got:  ${got()}`;
      }
    }
  }
  return missing(ev, seen);
}

function checkVector(
  ev: EvalCommand,
  series: Extract<QueryValue, { resultType: 'vector' }>['series'],
): string | null {
  if (ev.scalar)
    return `expected scalar ${formatSeq(ev.scalar)}, got a vector of ${series.length} samples`;
  const exp = expectedMap(ev);
  const seen = new Set<string>();
  for (let i = 0; i < series.length; i++) {
    const s = series[i];
    const k = key(s.labels);
    const e = exp.get(k);
    if (!e) return `unexpected series ${formatLabels(s.labels)} ${formatFloat(s.v)}`;
    if (ev.ordered && ev.positions.get(e) !== i + 1) {
      return `series ${formatLabels(s.labels)} at position ${i + 1}, expected at ${ev.positions.get(e)}`;
    }
    const want = e.values[0];
    if (want.kind === 'histogram') {
      return `series ${formatLabels(s.labels)}: expected histogram ${want.text}, got float ${formatFloat(s.v)}`;
    }
    if (!compareValue(want, s.v)) {
      return `series ${formatLabels(s.labels)} (line ${e.line}): expected ${formatSeq(want)}, got ${formatFloat(s.v)}`;
    }
    seen.add(k);
  }
  return missing(ev, seen);
}

/** The result check (§5.3.3). */
export function checkResult(ev: EvalCommand, value: QueryValue): string | null {
  switch (value.resultType) {
    case 'matrix':
      return checkMatrix(ev, value.series);
    case 'vector':
      return checkVector(ev, value.series);
    case 'scalar': {
      if (!ev.scalar) return `expected a vector or matrix, got scalar ${formatFloat(value.v)}`;
      if (!compareValue(ev.scalar, value.v)) {
        return `expected scalar ${formatSeq(ev.scalar)}, got ${formatFloat(value.v)}`;
      }
      return null;
    }
    case 'string':
      if (ev.expectString !== value.v) {
        return `expected string ${JSON.stringify(ev.expectString)}, got ${JSON.stringify(value.v)}`;
      }
      return null;
  }
}
