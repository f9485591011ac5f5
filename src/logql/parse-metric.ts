/**
 * Converts lezer's metric nodes into the AST and applies Loki's semantic rules: which range
 * aggregations take `unwrap` (and which require it), where grouping is allowed, topk's k,
 * `bool` and vector matching placement. Binary chains are re-associated here with LogQL's
 * precedence (the grammar's own nesting is not PromQL's).
 */
import type {
  BinaryExpr,
  BinaryOp,
  Expr,
  Grouping,
  LogExpr,
  MetricExpr,
  RangeAggExpr,
  RangeAggOp,
  Unwrap,
  VectorAggExpr,
  VectorAggOp,
  VectorMatching,
} from './ast.js';
import { regexProblem } from './parse-check.js';
import { LiteralError, parseDurationMs, parseNumber } from './parse-literals.js';
import { collect, labelFilter, literal, logExpr } from './parse-log.js';
import { child, kids, type Node, type Src } from './parse-tree.js';

const RANGE_OPS: ReadonlySet<string> = new Set<RangeAggOp>([
  'count_over_time',
  'rate',
  'bytes_over_time',
  'bytes_rate',
  'absent_over_time',
  'sum_over_time',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'first_over_time',
  'last_over_time',
  'rate_counter',
]);

/** Range aggregations over log lines (no unwrap); rate and absent_over_time take either form. */
const NO_UNWRAP: ReadonlySet<RangeAggOp> = new Set([
  'count_over_time',
  'rate',
  'bytes_over_time',
  'bytes_rate',
  'absent_over_time',
]);
const UNWRAP_OK: ReadonlySet<RangeAggOp> = new Set([
  'rate',
  'absent_over_time',
  'sum_over_time',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'first_over_time',
  'last_over_time',
  'rate_counter',
]);
/** Unwrapped aggregations that keep per-series labels, so `by`/`without` mean something (Loki's list). */
const GROUPING_OK: ReadonlySet<RangeAggOp> = new Set([
  'avg_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'max_over_time',
  'min_over_time',
  'first_over_time',
  'last_over_time',
]);

export const BIN_OPS: Readonly<Record<string, BinaryOp>> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Gte: '>=',
  Lss: '<',
  Lte: '<=',
  And: 'and',
  Unless: 'unless',
  Or: 'or',
};

/** Binding strength (higher binds tighter); `^` is right-associative, the rest left. */
export const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '>=': 3,
  '<': 3,
  '<=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '^': 6,
};

const COMPARISON: ReadonlySet<BinaryOp> = new Set(['==', '!=', '>', '>=', '<', '<=']);
const SET_OPS: ReadonlySet<BinaryOp> = new Set(['and', 'or', 'unless']);
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class MetricConverter {
  constructor(private readonly src: Src) {}

  /** An `Expr` or `MetricExpr` or `LogExpr` node. */
  expr(n: Node): Expr {
    switch (n.name) {
      case 'Expr':
      case 'MetricExpr': {
        const cs = kids(n);
        if (cs.length !== 1)
          return this.src.fail(n, `unexpected ${JSON.stringify(this.src.str(n))}`);
        return this.expr(cs[0]);
      }
      case 'LogExpr':
        return this.log(n);
      case 'RangeAggregationExpr':
        return this.rangeAgg(n);
      case 'VectorAggregationExpr':
        return this.vectorAgg(n);
      case 'BinOpExpr':
        return this.binary(n);
      case 'LiteralExpr':
        return { kind: 'number', value: literal(this.src, n) };
      case 'VectorExpr':
        return { kind: 'vector', value: this.src.literal(child(n, 'Number')!, parseNumber) };
      case 'LabelReplaceExpr':
        return this.labelReplace(n);
      default:
        return this.src.fail(n, `unexpected ${JSON.stringify(this.src.str(n))}`);
    }
  }

  private metric(n: Node, where: string): MetricExpr {
    const e = this.expr(n);
    if (e.kind === 'log') {
      this.src.fail(n, `${where} needs a metric expression, got a log query`);
    }
    return e;
  }

  private log(n: Node): LogExpr {
    const inner = child(n, 'LogExpr');
    if (inner) return this.log(inner);
    return logExpr(this.src, child(n, 'Selector')!, n.getChildren('PipelineExpr'));
  }

  private rangeAgg(n: Node): RangeAggExpr {
    const src: Src = this.src;
    const opNode = child(n, 'RangeOp')!;
    const op = src.str(opNode) as RangeAggOp;
    if (!RANGE_OPS.has(op)) src.fail(opNode, `unknown range aggregation ${JSON.stringify(op)}`);
    const parts: { sel?: Node; pipes: Node[]; range?: Node; offset?: Node; unwrap?: Node } = {
      pipes: [],
    };
    const walk = (x: Node): void => {
      for (const c of kids(x)) {
        if (c.name === 'Selector') parts.sel = c;
        else if (c.name === 'PipelineExpr') parts.pipes.push(c);
        else if (c.name === 'Range') parts.range = c;
        else if (c.name === 'OffsetExpr') parts.offset = c;
        else if (c.name === 'UnwrapExpr') parts.unwrap = c;
        else if (c.name === 'LogRangeExpr' || c.name === 'LogExpr') walk(c);
      }
    };
    walk(child(n, 'LogRangeExpr')!);
    if (!parts.sel || !parts.range)
      return src.fail(n, `${op} needs a log range like {app="x"}[5m]`);
    const rangeMs = src.literal(child(parts.range, 'Duration')!, parseDurationMs);
    if (rangeMs <= 0)
      src.fail(parts.range, `range must be greater than 0, got ${src.str(parts.range)}`);
    const offsetMs = parts.offset
      ? src.literal(child(parts.offset, 'Duration')!, parseDurationMs)
      : this.lateOffset(parts.range, n);
    const out: RangeAggExpr = {
      kind: 'range_agg',
      op,
      log: logExpr(src, parts.sel, parts.pipes),
      rangeMs,
      offsetMs,
    };
    const param = child(n, 'Number');
    if (op === 'quantile_over_time') {
      if (!param) src.fail(opNode, 'parameter required for operation quantile_over_time');
      out.param = src.literal(param, parseNumber);
    } else if (param) {
      src.fail(param, `operation ${op} does not take a parameter`);
    }
    if (parts.unwrap) {
      if (!UNWRAP_OK.has(op)) src.fail(parts.unwrap, `invalid aggregation ${op} with unwrap`);
      out.unwrap = this.unwrap(parts.unwrap);
    } else if (!NO_UNWRAP.has(op)) {
      src.fail(opNode, `invalid aggregation ${op} without unwrap`);
    }
    const g = child(n, 'Grouping');
    if (g) {
      if (!out.unwrap || !GROUPING_OK.has(op))
        src.fail(g, `grouping not allowed for ${op} aggregation`);
      out.grouping = this.grouping(g);
    }
    return out;
  }

  /** The offset written after `| unwrap x [5m]`, blanked for lezer (see LateOffset), or 0. */
  private lateOffset(range: Node, agg: Node): number {
    const src: Src = this.src;
    const o = src.lateOffsets.find(
      (x) =>
        !x.used &&
        x.at >= range.to &&
        x.at < agg.to &&
        src.text.slice(range.to, x.at).trim() === '',
    );
    if (!o) return 0;
    o.used = true;
    try {
      return parseDurationMs(o.dur);
    } catch (err) {
      if (err instanceof LiteralError) src.fail(o.durAt, err.message, err);
      throw err;
    }
  }

  private unwrap(n: Node): Unwrap {
    const inner = child(n, 'UnwrapExpr');
    if (inner) {
      const u = this.unwrap(inner);
      u.postFilters.push(labelFilter(this.src, child(n, 'LabelFilter')!));
      return u;
    }
    const u: Unwrap = { label: this.src.str(child(n, 'Identifier')!), postFilters: [] };
    const conv = child(n, 'ConvOp');
    if (conv) u.conv = this.src.str(conv) as Unwrap['conv'];
    return u;
  }

  private grouping(n: Node): Grouping {
    return {
      without: child(n, 'Without') !== undefined,
      labels: collect(n, 'Identifier').map((l) => this.src.str(l)),
    };
  }

  private vectorAgg(n: Node): VectorAggExpr {
    const src: Src = this.src;
    const opNode = child(n, 'VectorOp')!;
    const op = src.str(opNode) as VectorAggOp;
    const out: VectorAggExpr = {
      kind: 'vector_agg',
      op,
      expr: this.metric(child(n, 'MetricExpr')!, `${op}()`),
    };
    const param = child(n, 'Number');
    if (op === 'topk' || op === 'bottomk') {
      if (!param) src.fail(opNode, `parameter required for operation ${op}`);
      const k = src.literal(param, parseNumber);
      if (!Number.isInteger(k) || k <= 0) {
        src.fail(
          param,
          `invalid parameter for operation ${op}: k must be an integer greater than 0, got ${src.str(param)}`,
        );
      }
      out.param = k;
    } else if (param) {
      src.fail(param, `operation ${op} does not take a parameter`);
    }
    const gs = n.getChildren('Grouping');
    if (gs.length > 1) src.fail(gs[1], `${op}() takes one by/without clause`);
    if (gs.length === 1) {
      if (op === 'sort' || op === 'sort_desc') src.fail(gs[0], `grouping not allowed for ${op}`);
      out.grouping = this.grouping(gs[0]);
    }
    return out;
  }

  private labelReplace(n: Node): MetricExpr {
    const src: Src = this.src;
    const [dst, replacement, from, regex] = n.getChildren('String');
    const out = {
      kind: 'label_replace' as const,
      expr: this.metric(child(n, 'MetricExpr')!, 'label_replace()'),
      dst: src.string(dst),
      replacement: src.string(replacement),
      src: src.string(from),
      regex: src.string(regex),
    };
    if (!LABEL_NAME.test(out.dst)) {
      src.fail(
        dst,
        `invalid destination label name in label_replace(): ${JSON.stringify(out.dst)}`,
      );
    }
    const bad = regexProblem(out.regex);
    if (bad) src.fail(regex, `label_replace(): ${bad}`);
    return out;
  }

  /** A chain `a op b op c …` re-associated by precedence climbing. */
  private binary(n: Node): MetricExpr {
    const operands: Node[] = [];
    const ops: { op: BinaryOp; node: Node; mod: Node | undefined }[] = [];
    const flatten = (x: Node): void => {
      // Expr > MetricExpr > BinOpExpr continues the chain; MetricExpr > MetricExpr is a
      // parenthesised operand and stays one.
      let inner = x;
      if (inner.name === 'Expr') inner = inner.firstChild ?? inner;
      if (inner.name === 'MetricExpr' && inner.firstChild?.name === 'BinOpExpr') {
        inner = inner.firstChild;
      }
      if (inner.name !== 'BinOpExpr') {
        operands.push(x);
        return;
      }
      const cs = kids(inner);
      const opNode = cs.find((c) => BIN_OPS[c.name] !== undefined)!;
      flatten(cs[0]);
      ops.push({ op: BIN_OPS[opNode.name], node: opNode, mod: child(inner, 'BinOpModifier') });
      flatten(cs[cs.length - 1]);
    };
    flatten(n);
    const values = operands.map((o) => this.metric(o, 'a binary operation'));
    let i = 0;
    const climb = (minPrec: number): MetricExpr => {
      let left = values[i];
      while (i < ops.length && PRECEDENCE[ops[i].op] >= minPrec) {
        const o = ops[i++];
        const prec = PRECEDENCE[o.op];
        const right = climb(o.op === '^' ? prec : prec + 1);
        left = this.makeBinary(o.op, o.node, o.mod, left, right);
      }
      return left;
    };
    return climb(0);
  }

  private makeBinary(
    op: BinaryOp,
    opNode: Node,
    mod: Node | undefined,
    left: MetricExpr,
    right: MetricExpr,
  ): BinaryExpr {
    const src: Src = this.src;
    const out: BinaryExpr = { kind: 'binary', op, bool: false, left, right };
    const scalars = isScalar(left) && isScalar(right);
    if (mod) {
      out.bool = child(mod, 'Bool') !== undefined;
      const oi = child(mod, 'OnOrIgnoringModifier');
      if (oi) {
        const side = child(mod, 'GroupLeft') ?? child(mod, 'GroupRight');
        const groupLabels = mod.getChildren('GroupingLabels')[0];
        const m: VectorMatching = {
          on: child(oi, 'On') !== undefined,
          labels: collect(oi, 'LabelName').map((l) => src.str(l)),
          card: !side ? 'one-to-one' : side.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many',
          include: groupLabels ? collect(groupLabels, 'LabelName').map((l) => src.str(l)) : [],
        };
        if (isScalar(left) || isScalar(right)) {
          src.fail(oi, 'vector matching only allowed between vectors');
        }
        if (SET_OPS.has(op) && m.card !== 'one-to-one') {
          src.fail(side!, `no grouping allowed for "${op}" operation`);
        }
        out.matching = m;
      }
    }
    if (out.bool && !COMPARISON.has(op)) {
      src.fail(mod!, 'bool modifier can only be used on comparison operators');
    }
    if (scalars && COMPARISON.has(op) && !out.bool) {
      src.fail(opNode, 'comparisons between scalars must use BOOL modifier');
    }
    if (SET_OPS.has(op) && (isScalar(left) || isScalar(right))) {
      src.fail(opNode, `set operator "${op}" not allowed in binary scalar expression`);
    }
    return out;
  }
}

function isScalar(e: MetricExpr): boolean {
  return e.kind === 'number' || (e.kind === 'binary' && isScalar(e.left) && isScalar(e.right));
}
