/**
 * The `@`-modifier step-invariance re-run of FORMAT.md §5.4.2: pin every selector and subquery
 * outside a subquery to `@ t`, print it back, and evaluate it at other times; the result must
 * not change. Needs the parser and printer, supplied by the caller (`PrinterHooks`).
 */
import type { Expr } from '../ast.js';

/** Parse and print, from the parser module; the re-run is skipped (with a note) without them. */
export interface PrinterHooks {
  parse(q: string): Expr;
  format(e: Expr): string;
}

/** Functions whose result varies with the evaluation time even over step-invariant input. */
const AT_UNSAFE = new Set([
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
  'predict_linear',
  'time',
  'timestamp',
  'range',
  'start',
  'end',
  'step',
]);

/**
 * `e` with `@ tMs` on every vector/matrix selector and subquery not inside a subquery that has
 * none yet (`@ start()`/`@ end()` are replaced, as upstream's pinned timestamp takes precedence),
 * or null when the query calls a time-dependent function outside subqueries.
 */
export function pinAt(e: Expr, tMs: number): Expr | null {
  let unsafe = false;
  const at = { kind: 'time' as const, ms: tMs };
  const pin = <T extends { at: unknown }>(n: T): T => {
    const a = n.at as { kind: string } | null;
    return a === null || a.kind === 'start' || a.kind === 'end' ? { ...n, at } : n;
  };
  const walk = (n: Expr): Expr => {
    switch (n.type) {
      case 'VectorSelector':
        return pin(n);
      case 'MatrixSelector':
        return { ...n, vector: pin(n.vector) };
      case 'SubqueryExpr':
        return pin(n); // its inside is evaluated relative to the subquery's own `@`
      case 'Call':
        if (AT_UNSAFE.has(n.func)) unsafe = true;
        return { ...n, args: n.args.map(walk) };
      case 'AggregateExpr':
        return { ...n, expr: walk(n.expr), param: n.param ? walk(n.param) : null };
      case 'BinaryExpr':
        return { ...n, lhs: walk(n.lhs), rhs: walk(n.rhs) };
      case 'UnaryExpr':
      case 'ParenExpr':
        return { ...n, expr: walk(n.expr) };
      default:
        return n;
    }
  };
  const out = walk(e);
  return unsafe ? null : out;
}

/** The evaluation times of the re-run for an eval at `tMs` (integer ms, as upstream). */
export function atRerunTimes(tMs: number): number[] {
  return tMs === 0 ? [-1000, 0, 1000] : [-10 * tMs, 0, Math.trunc(tMs / 5), tMs, 10 * tMs];
}
