/**
 * The PromQL abstract syntax tree: what the parser (parser/) produces from
 * `@prometheus-io/lezer-promql`'s concrete tree, what the printer (format_query) prints, and what
 * the engine evaluates. Shaped after Prometheus 3.x's `promql/parser/ast.go`, including the
 * experimental syntax its test corpus uses (duration expressions, `anchored`/`smoothed` range
 * selectors, `fill*` binary modifiers) so those parse into a typed node and can be refused or
 * evaluated by name rather than failing as garbage.
 *
 * Every node carries `pos`, its `[start, end)` character offsets in the query text, for error
 * messages and annotations (`PromQL warning: … (1:15)`).
 */
import type { Matcher } from '../model/index.js';

/** `[start, end)` character offsets (UTF-16 code units) into the query text. */
export interface PosRange {
  readonly start: number;
  readonly end: number;
}

/** What an expression evaluates to (Prometheus's parser.ValueType). */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | Call
  | AggregateExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr;

/**
 * A duration: milliseconds when written as a literal (`5m`, `1m30s`), or (experimental duration
 * expressions: `[26m+4m]`, `offset (2 * step())`) an expression of numbers in **seconds**,
 * `step()`, `range()`, `min_of()`/`max_of()`, arithmetic and parentheses, which the engine
 * resolves to milliseconds once per query.
 */
export type Duration = number | Expr;

/** `@ <time>`, `@ start()`, `@ end()`. */
export type AtModifier =
  | { readonly kind: 'time'; /** ms since the epoch */ readonly ms: number }
  | { readonly kind: 'expr'; /** seconds, a duration expression */ readonly expr: Expr }
  | { readonly kind: 'start' }
  | { readonly kind: 'end' };

/** A number (`1`, `0x1F`, `1e3`, `Inf`, `NaN`) or, in Prometheus 3.x, a duration used as a number of seconds (`5m` → 300). */
export interface NumberLiteral {
  readonly type: 'NumberLiteral';
  readonly value: number;
  /** The literal as written, for printing durations back as written (`5m`). */
  readonly text?: string;
  readonly pos: PosRange;
}

export interface StringLiteral {
  readonly type: 'StringLiteral';
  /** Unquoted and unescaped. */
  readonly value: string;
  readonly pos: PosRange;
}

/** `name{l="v", …} [offset d] [@ t]`. */
export interface VectorSelector {
  readonly type: 'VectorSelector';
  /** The metric name as written before `{`, or '' (then a `__name__` matcher may be in `matchers`). */
  readonly name: string;
  /** Every matcher, including `__name__="<name>"` when `name` is set (first), as Prometheus. */
  readonly matchers: readonly Matcher[];
  /** `offset` (ms; negative allowed); 0 when absent. */
  readonly offset: Duration;
  readonly at: AtModifier | null;
  /** Experimental `metric smoothed` / `metric anchored` on an instant selector (absent: false). */
  readonly smoothed?: boolean;
  readonly anchored?: boolean;
  readonly pos: PosRange;
}

/** `selector[range]` (the selector carries offset and @), optionally `anchored` or `smoothed`. */
export interface MatrixSelector {
  readonly type: 'MatrixSelector';
  readonly vector: VectorSelector;
  readonly range: Duration;
  /** Experimental extended range selectors (Prometheus 3.x feature flag). */
  readonly anchored: boolean;
  readonly smoothed: boolean;
  readonly pos: PosRange;
}

/** `expr[range:step] [offset d] [@ t]`; `step` null means the engine's default resolution. */
export interface SubqueryExpr {
  readonly type: 'SubqueryExpr';
  readonly expr: Expr;
  readonly range: Duration;
  readonly step: Duration | null;
  readonly offset: Duration;
  readonly at: AtModifier | null;
  readonly pos: PosRange;
}

export interface Call {
  readonly type: 'Call';
  /** The function name as written (lower case in PromQL). */
  readonly func: string;
  readonly args: readonly Expr[];
  readonly pos: PosRange;
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

export interface AggregateExpr {
  readonly type: 'AggregateExpr';
  readonly op: AggregateOp;
  readonly expr: Expr;
  /** topk/bottomk/quantile/count_values/limitk/limit_ratio's first argument, else null. */
  readonly param: Expr | null;
  /** Label names of `by (…)` / `without (…)`, as written. */
  readonly grouping: readonly string[];
  readonly without: boolean;
  /** A grouping clause was written (`sum by () (x)` prints back with it). */
  readonly hasGrouping: boolean;
  readonly pos: PosRange;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

/** Vector matching of a binary operation between two instant vectors. */
export interface VectorMatching {
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** `on(…)` (true) or `ignoring(…)` (false; also when no clause was written). */
  readonly on: boolean;
  /** The labels of `on`/`ignoring`. */
  readonly labels: readonly string[];
  /** `group_left(…)`/`group_right(…)` extra labels from the "one" side. */
  readonly include: readonly string[];
  /** Experimental `fill(v)`/`fill_left(v)`/`fill_right(v)`: the value a missing side takes, or null. */
  readonly fillLeft: number | null;
  readonly fillRight: number | null;
}

export interface BinaryExpr {
  readonly type: 'BinaryExpr';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** Comparison with `bool`. */
  readonly returnBool: boolean;
  /** Set when both sides are instant vectors (the parser fills the default one-to-one / many-to-many for set ops). */
  readonly matching: VectorMatching | null;
  readonly pos: PosRange;
}

export interface UnaryExpr {
  readonly type: 'UnaryExpr';
  readonly op: '-' | '+';
  readonly expr: Expr;
  readonly pos: PosRange;
}

export interface ParenExpr {
  readonly type: 'ParenExpr';
  readonly expr: Expr;
  readonly pos: PosRange;
}
