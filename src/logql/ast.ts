import type { Matcher } from '../model/index.js';

/**
 * The LogQL syntax tree (issue #9): what `parseLogql` produces and the engine evaluates.
 * Durations are integer milliseconds; strings are unquoted (escapes resolved). Semantics follow
 * Loki 3.x (https://grafana.com/docs/loki/latest/query/).
 */
export type Expr = LogExpr | MetricExpr;

/** `{app="api"} |= "error" | json | level="error"` */
export interface LogExpr {
  kind: 'log';
  /** The stream selector; at least one matcher not matching the empty string. */
  matchers: Matcher[];
  pipeline: Stage[];
}

export type Stage =
  | LineFilterStage
  | ParserStage
  | LabelFilterStage
  | LineFormatStage
  | LabelFormatStage
  | DropKeepStage
  | DecolorizeStage;

/**
 * `|= "a" or "b"`: `values` are alternatives (ORed for |= |~ |>, and for != !~ !> the line
 * must match none of them). `ip` marks `|= ip("10.0.0.0/8")` (value is the CIDR/range).
 * `|>`/`!>` are pattern line filters (`<_>` wildcards).
 */
export interface LineFilterStage {
  kind: 'line_filter';
  op: '|=' | '!=' | '|~' | '!~' | '|>' | '!>';
  values: string[];
  ip?: boolean;
}

/** `| json`, `| json a="x.y", b`, `| logfmt --strict a`, `| regexp "..."`, `| pattern "..."`, `| unpack` */
export interface ParserStage {
  kind: 'parser';
  parser: 'json' | 'logfmt' | 'regexp' | 'pattern' | 'unpack';
  /** regexp / pattern: the expression. */
  pattern?: string;
  /** json / logfmt: only these labels, `label="path"` (path defaults to the label name). */
  extract?: { label: string; path: string }[];
  /** logfmt flags. */
  strict?: boolean;
  keepEmpty?: boolean;
}

export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export type LabelFilterExpr =
  | { kind: 'and' | 'or'; left: LabelFilterExpr; right: LabelFilterExpr }
  /** `level="error"`, `path=~"/api.*"` (Matcher semantics: anchored RE2). */
  | { kind: 'string'; matcher: Matcher }
  /** `status >= 500`, `size == 0` (`=` is accepted as `==`). */
  | { kind: 'number'; name: string; op: CompareOp; value: number }
  /** `latency > 250ms` (value in seconds, Loki compares parsed Go durations). */
  | { kind: 'duration'; name: string; op: CompareOp; seconds: number }
  /** `size > 1KB` (value in bytes; humanized values in the label are parsed). */
  | { kind: 'bytes'; name: string; op: CompareOp; bytes: number }
  /** `addr = ip("10.0.0.0/8")`, `addr != ip(...)` */
  | { kind: 'ip'; name: string; negate: boolean; range: string };

export interface LabelFilterStage {
  kind: 'label_filter';
  expr: LabelFilterExpr;
}

/** `| line_format "{{.status}} {{.path}}"` (Go text/template). */
export interface LineFormatStage {
  kind: 'line_format';
  template: string;
}

/** `| label_format dst=src, msg="{{.a}}"`: rename (`src`) or template (`template`). */
export interface LabelFormatStage {
  kind: 'label_format';
  items: { dst: string; src?: string; template?: string }[];
}

/** `| drop a, b="x"` / `| keep a, b=~"y"`: by name, or only when the value matches. */
export interface DropKeepStage {
  kind: 'drop' | 'keep';
  items: { name: string; matcher?: Matcher }[];
}

export interface DecolorizeStage {
  kind: 'decolorize';
}

export type MetricExpr =
  RangeAggExpr | VectorAggExpr | BinaryExpr | NumberExpr | VectorExpr | LabelReplaceExpr;

export type RangeAggOp =
  | 'count_over_time'
  | 'rate'
  | 'bytes_over_time'
  | 'bytes_rate'
  | 'absent_over_time'
  | 'sum_over_time'
  | 'avg_over_time'
  | 'min_over_time'
  | 'max_over_time'
  | 'stddev_over_time'
  | 'stdvar_over_time'
  | 'quantile_over_time'
  | 'first_over_time'
  | 'last_over_time'
  | 'rate_counter';

export interface Grouping {
  without: boolean;
  labels: string[];
}

/** `| unwrap duration(latency) | __error__=""` */
export interface Unwrap {
  label: string;
  conv?: 'bytes' | 'duration' | 'duration_seconds';
  /** Label filters after the unwrap (typically `__error__=""`). */
  postFilters: LabelFilterExpr[];
}

/** `count_over_time({app="x"} |= "err" [5m] offset 1h)`, `quantile_over_time(0.99, … | unwrap x [5m]) by (path)` */
export interface RangeAggExpr {
  kind: 'range_agg';
  op: RangeAggOp;
  /** quantile_over_time's φ. */
  param?: number;
  log: LogExpr;
  unwrap?: Unwrap;
  rangeMs: number;
  offsetMs: number;
  /** Only for unwrapped range aggregations (Loki allows `by`/`without` there). */
  grouping?: Grouping;
}

export type VectorAggOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'sort'
  | 'sort_desc';

export interface VectorAggExpr {
  kind: 'vector_agg';
  op: VectorAggOp;
  /** topk/bottomk's k. */
  param?: number;
  grouping?: Grouping;
  expr: MetricExpr;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | '=='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | 'and'
  | 'or'
  | 'unless';

export interface VectorMatching {
  on: boolean;
  labels: string[];
  card: 'one-to-one' | 'many-to-one' | 'one-to-many';
  /** group_left/group_right extra labels. */
  include: string[];
}

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  /** `> bool` */
  bool: boolean;
  matching?: VectorMatching;
  left: MetricExpr;
  right: MetricExpr;
}

export interface NumberExpr {
  kind: 'number';
  value: number;
}

/** `vector(0)` */
export interface VectorExpr {
  kind: 'vector';
  value: number;
}

/** `label_replace(expr, "dst", "$1", "src", "(.*)")` */
export interface LabelReplaceExpr {
  kind: 'label_replace';
  expr: MetricExpr;
  dst: string;
  replacement: string;
  src: string;
  regex: string;
}
