/**
 * parseExpr: runs the official lezer PromQL grammar and converts its concrete tree into the AST
 * of ast.ts, then type-checks it (check.ts). The grammar is deliberately loose (`offset`, `@` and
 * `[range]` follow any expression); the placement rules live here, with Prometheus's messages.
 */
import type { PartialParse } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { Matcher, InvalidMatcherError, METRIC_NAME, type MatchType } from '../../model/index.js';
import type {
  AggregateOp,
  AtModifier,
  BinaryOp,
  Duration,
  Expr,
  MatrixSelector,
  NumberLiteral,
  PosRange,
  SubqueryExpr,
  VectorMatching,
  VectorSelector,
} from '../ast.js';
import { PromQLParseError } from '../errors.js';
import { checkAst, valueTypeOf } from './check.js';
import {
  LiteralError,
  isDurationText,
  parseDurationMs,
  parseNumber,
  unquoteString,
} from './literals.js';
import {
  CHAIN_REASON,
  MAX_TREE_DEPTH,
  NESTING_REASON,
  PRECEDENCE,
  isChainCut,
  sizeProblem,
  treeDepth,
} from './limits.js';
import { firstSyntaxError, invalidRuneString, replaceInvalidRunes, type Tree } from './syntax.js';

type SNode = Tree['topNode'];

export interface ParseOptions {
  /** Allow Prometheus's experimental functions and syntax (limitk, anchored, fill, duration expressions…). */
  readonly experimental?: boolean;
}

/** Parses and type-checks a PromQL expression; throws PromQLParseError. */
export function parseExpr(text: string, opts: ParseOptions = {}): Expr {
  // lezer reports an empty input as a missing expression at its end; Prometheus names it.
  if (/^(?:\s|#[^\n]*)*$/.test(text)) {
    throw new PromQLParseError({ start: 0, end: text.length }, 'no expression found in input');
  }
  const over = sizeProblem(text);
  if (over) throw new PromQLParseError(over.pos, over.reason);
  // Invalid runes inside strings are refused as Prometheus's lexer does, unless a syntax error
  // comes first; lezer sees `?` in their place.
  const badRune = invalidRuneString(text);
  let src = normalize(replaceInvalidRunes(text));
  // The grammar knows min_of/max_of only inside durations; elsewhere they are scalar functions.
  // Each failing occurrence is lexed as `minute` (same length, so positions hold) and renamed back.
  const renamed = new Map<number, string>();
  let tree = lezerParse(src);
  let syn = firstSyntaxError(src, tree);
  for (let tries = 0; syn && tries < 64; tries++) {
    const m = /\b(min_of|max_of)\s*$/.exec(src.slice(0, syn.pos.start));
    const at = m && src[syn.pos.start] === '(' ? m.index : -1;
    if (at < 0 || renamed.has(at)) break;
    renamed.set(at, m![1]);
    src = src.slice(0, at) + 'minute' + src.slice(at + 6);
    tree = lezerParse(src);
    syn = firstSyntaxError(src, tree);
  }
  if (badRune >= 0 && !(syn && syn.pos.start < badRune)) {
    throw new PromQLParseError({ start: badRune, end: badRune + 1 }, 'invalid UTF-8 rune');
  }
  if (syn) {
    const reason = isChainCut(src, syn.pos.start) ? CHAIN_REASON : syn.reason;
    throw new PromQLParseError(syn.pos, reason);
  }
  const top = children(tree.topNode)[0];
  if (!top) throw new PromQLParseError({ start: 0, end: 0 }, 'no expression found in input');
  const { depth, deepestAt } = treeDepth(tree);
  if (depth > MAX_TREE_DEPTH) {
    throw new PromQLParseError({ start: deepestAt, end: deepestAt + 1 }, NESTING_REASON);
  }
  try {
    const expr = new Converter(src, opts.experimental ?? false, renamed).expr(top);
    checkAst(expr, opts.experimental ?? false);
    return expr;
  } catch (err) {
    // The limits above keep the recursion well inside the stack; this is the last resort.
    if (err instanceof RangeError) {
      throw new PromQLParseError({ start: 0, end: text.length }, NESTING_REASON, { cause: err });
    }
    throw err;
  }
}

/**
 * lezer's parse, without its cut of long left-associative chains: after 300 reductions of 2,000+
 * characters from one start (`x0 + x1 + …` past ~450 terms) it force-closes the chain and reports
 * an error there, to keep trees shallow. The scanner bounds chains (MAX_CHAIN) and treeDepth()
 * the depth, so the counter is reset after each step and the tree is exactly the grammar's. If a
 * later @lezer/lr drops the field, the cut comes back and is reworded (isChainCut). An exception
 * from inside lezer (a bug of the library) becomes a parse error.
 */
function lezerParse(src: string): Tree {
  try {
    const p: PartialParse & { bigReductionCount?: unknown } = parser.startParse(src);
    const resettable = typeof p.bigReductionCount === 'number';
    for (;;) {
      const done = p.advance();
      if (done) return done;
      if (resettable) p.bigReductionCount = 0;
    }
  } catch (err) {
    throw new PromQLParseError(
      { start: 0, end: src.length },
      `the parser failed on this input (${err instanceof Error ? err.message : String(err)})`,
      { cause: err },
    );
  }
}

const BIN_OPS: Readonly<Record<string, BinaryOp>> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Atan2: 'atan2',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Gte: '>=',
  Gtr: '>',
  Lte: '<=',
  Lss: '<',
  Neq: '!=',
  And: 'and',
  Unless: 'unless',
  Or: 'or',
};

/** Whether `a inner b outer c` (no parentheses) reads as `a inner (b outer c)`. */
function bindsLooser(inner: BinaryOp, outer: BinaryOp): boolean {
  const a = PRECEDENCE[inner];
  const b = PRECEDENCE[outer];
  return a < b || (a === b && outer === '^');
}

/** Concrete nodes whose modifier postfix() pushes into the rightmost operand. */
const POSTFIX_NODES = new Set([
  'MatrixSelector',
  'SubqueryExpr',
  'OffsetExpr',
  'StepInvariantExpr',
  'AnchoredExpr',
  'SmoothedExpr',
]);

interface BinaryParts {
  readonly op: BinaryOp;
  readonly returnBool: boolean;
  readonly matching: VectorMatching | null;
  readonly labels: readonly string[];
  readonly fillLeft: number | null;
  readonly fillRight: number | null;
  readonly pos: PosRange;
}

const MATCH_OPS: Readonly<Record<string, MatchType>> = {
  EqlSingle: '=',
  Neq: '!=',
  EqlRegex: '=~',
  NeqRegex: '!~',
};
const PARAM_AGGS = new Set([
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);

function fail(pos: PosRange, reason: string): never {
  throw new PromQLParseError(pos, reason);
}

/** A node's children, without comments (lezer keeps `# …` as LineComment nodes anywhere). */
function children(n: SNode): SNode[] {
  const out: SNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
  return out;
}

class Converter {
  constructor(
    private readonly text: string,
    private readonly experimental: boolean,
    private readonly renamed: ReadonlyMap<number, string>,
  ) {}

  private src(n: SNode): string {
    return this.text.slice(n.from, n.to);
  }

  private pos(n: SNode): PosRange {
    return { start: n.from, end: n.to };
  }

  private need(n: SNode | null | undefined, at: SNode): SNode {
    return n ?? fail(this.pos(at), 'unexpected end of input');
  }

  private requireExperimental(pos: PosRange, what: string): void {
    if (!this.experimental)
      fail(
        pos,
        `${what} is experimental and must be enabled with experimental features (query.experimental: true in argus.yml)`,
      );
  }

  expr(n: SNode): Expr {
    const pos = this.pos(n);
    const kids = children(n);
    switch (n.name) {
      case 'ParenExpr':
        return { type: 'ParenExpr', expr: this.expr(this.need(kids[0], n)), pos };
      case 'NumberDurationLiteral':
        return this.number(n);
      case 'StringLiteral':
        return { type: 'StringLiteral', value: this.string(n), pos };
      case 'VectorSelector':
        return this.vectorSelector(n, kids);
      case 'MatrixSelector':
        return this.postfix(n, kids, (inner) => this.matrixSelector(n, kids, inner));
      case 'SubqueryExpr':
        return this.postfix(n, kids, (inner) => this.subquery(n, kids, inner));
      case 'OffsetExpr':
        return this.postfix(n, kids, (inner) => this.offset(n, kids, inner));
      case 'StepInvariantExpr':
        return this.postfix(n, kids, (inner) => this.at(n, kids, inner));
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        return this.postfix(n, kids, (inner) => this.extended(n, inner));
      case 'FunctionCall': {
        const func = this.renamed.get(n.from) ?? this.src(this.need(kids[0], n));
        const body = children(this.need(kids[1], n));
        return { type: 'Call', func, args: body.map((c) => this.expr(c)), pos };
      }
      case 'AggregateExpr':
        return this.aggregate(n, kids);
      case 'BinaryExpr':
        return this.binary(n, kids);
      case 'UnaryExpr': {
        const op = this.src(kids[0]) === '-' ? '-' : '+';
        const inner = this.expr(this.need(kids[1], n));
        if (inner.type === 'NumberLiteral') return negateLiteral(inner, op, pos);
        return { type: 'UnaryExpr', op, expr: inner, pos };
      }
      default:
        return fail(pos, `unexpected ${JSON.stringify(this.src(n))}`);
    }
  }

  private number(n: SNode): NumberLiteral {
    const raw = this.src(n).replace(/\s+/g, '');
    const sign = raw[0] === '-' || raw[0] === '+' ? raw[0] : '';
    const body = raw.slice(sign.length);
    const v = parseNumber(body);
    if (v === undefined)
      fail(this.pos(n), `bad number or duration syntax: ${JSON.stringify(body)}`);
    if (v === Infinity && !/inf/i.test(body)) {
      fail(this.pos(n), `number out of range: ${JSON.stringify(body)}`);
    }
    const value = sign === '-' ? -v : v;
    const text = isDurationText(body) ? (sign === '-' ? '-' : '') + body : undefined;
    return text === undefined
      ? { type: 'NumberLiteral', value, pos: this.pos(n) }
      : { type: 'NumberLiteral', value, text, pos: this.pos(n) };
  }

  private string(n: SNode): string {
    try {
      return unquoteString(this.src(n));
    } catch (err) {
      if (err instanceof LiteralError) fail(this.pos(n), err.message);
      throw err;
    }
  }

  private vectorSelector(n: SNode, kids: SNode[]): VectorSelector {
    const pos = this.pos(n);
    let name = '';
    const matchers: Matcher[] = [];
    for (const k of kids) {
      if (k.name === 'Identifier') name = this.src(k);
      else if (k.name === 'LabelMatchers') {
        for (const m of children(k)) matchers.push(this.matcher(m));
      }
    }
    if (name !== '') matchers.unshift(new Matcher('=', METRIC_NAME, name));
    return { type: 'VectorSelector', name, matchers, offset: 0, at: null, pos };
  }

  private matcher(m: SNode): Matcher {
    const kids = children(m);
    if (m.name === 'QuotedLabelName') {
      return new Matcher('=', METRIC_NAME, this.string(this.need(kids[0], m)));
    }
    const nameNode = this.need(kids[0], m);
    const label =
      m.name === 'QuotedLabelMatcher'
        ? this.string(this.need(nameNode.firstChild, m))
        : this.src(nameNode);
    const op = MATCH_OPS[this.need(this.need(kids[1], m).firstChild, m).name];
    const valueNode = this.need(kids[2], m);
    if (op === undefined)
      fail(this.pos(m), `unexpected ${JSON.stringify(this.src(kids[1]))} in label matching`);
    const value = this.string(valueNode);
    try {
      return new Matcher(op, label, value);
    } catch (err) {
      if (err instanceof InvalidMatcherError) fail(this.pos(valueNode), err.message);
      throw err;
    }
  }

  /**
   * Postfix modifiers (`[range]`, `[range:step]`, `offset`, `@`, `anchored`) bind to the nearest
   * operand in PromQL; lezer may attach them to a whole unary or binary expression
   * (`-x @ 100`, `a @ 50 + b @ 100`), so they are pushed down to its rightmost operand.
   */
  private postfix(n: SNode, kids: SNode[], apply: (inner: Expr) => Expr): Expr {
    const push = (e: Expr): Expr => {
      const pos = { start: e.pos.start, end: n.to };
      if (e.type === 'UnaryExpr') return { ...e, expr: push(e.expr), pos };
      if (e.type === 'BinaryExpr') return { ...e, rhs: push(e.rhs), pos };
      return apply(e);
    };
    return push(this.expr(this.need(kids[0], n)));
  }

  private matrixSelector(n: SNode, kids: SNode[], inner: Expr): MatrixSelector {
    const range = this.duration(this.need(kids[1], n), true);
    if (inner.type !== 'VectorSelector')
      fail(this.pos(n), 'ranges only allowed for vector selectors');
    if (inner.offset !== 0) fail(this.pos(n), 'no offset modifiers allowed before range');
    if (inner.at) fail(this.pos(n), 'no @ modifiers allowed before range');
    return {
      type: 'MatrixSelector',
      vector: inner,
      range,
      anchored: false,
      smoothed: false,
      pos: this.pos(n),
    };
  }

  private subquery(n: SNode, kids: SNode[], inner: Expr): SubqueryExpr {
    const durs = kids.slice(1).filter((k) => k.name === 'DurationExpr');
    const range = this.duration(this.need(durs[0], n), true);
    const step = durs[1] ? this.duration(durs[1], true) : null;
    return {
      type: 'SubqueryExpr',
      expr: inner,
      range,
      step,
      offset: 0,
      at: null,
      pos: this.pos(n),
    };
  }

  private offset(n: SNode, kids: SNode[], inner: Expr): Expr {
    const d = this.duration(this.need(kids[2], n), false);
    const pos = { start: inner.pos.start, end: n.to };
    const set = (cur: Duration): void => {
      if (cur !== 0) fail(pos, 'offset may not be set multiple times');
    };
    switch (inner.type) {
      case 'VectorSelector':
        set(inner.offset);
        return { ...inner, offset: d, pos };
      case 'MatrixSelector':
        set(inner.vector.offset);
        return { ...inner, vector: { ...inner.vector, offset: d }, pos };
      case 'SubqueryExpr':
        set(inner.offset);
        return { ...inner, offset: d, pos };
      default:
        return fail(
          pos,
          'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
        );
    }
  }

  private at(n: SNode, kids: SNode[], inner: Expr): Expr {
    const arg = this.need(kids[2], n);
    const pos = { start: inner.pos.start, end: n.to };
    let at: AtModifier;
    if (arg.name === 'AtModifierPreprocessors') {
      at = { kind: this.src(arg).toLowerCase() === 'start' ? 'start' : 'end' };
    } else {
      const v = this.number(arg).value;
      if (!Number.isFinite(v))
        fail(this.pos(arg), `timestamp out of bounds for @ modifier: ${goFloat(v)}`);
      at = { kind: 'time', ms: Math.round(v * 1000) };
    }
    const set = (cur: AtModifier | null): void => {
      if (cur) fail(pos, '@ <timestamp> may not be set multiple times');
    };
    switch (inner.type) {
      case 'VectorSelector':
        set(inner.at);
        return { ...inner, at, pos };
      case 'MatrixSelector':
        set(inner.vector.at);
        return { ...inner, vector: { ...inner.vector, at }, pos };
      case 'SubqueryExpr':
        set(inner.at);
        return { ...inner, at, pos };
      default:
        return fail(
          pos,
          '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
        );
    }
  }

  private extended(n: SNode, inner: Expr): Expr {
    const which = n.name === 'AnchoredExpr' ? 'anchored' : 'smoothed';
    this.requireExperimental(this.pos(n), `the ${which} modifier`);
    const pos = { start: inner.pos.start, end: n.to };
    if (inner.type !== 'MatrixSelector' && inner.type !== 'VectorSelector') {
      fail(pos, `${which} modifier can only be used with vector selectors`);
    }
    if (inner.anchored || inner.smoothed)
      fail(pos, 'anchored and smoothed modifiers cannot be combined or repeated');
    return { ...inner, anchored: which === 'anchored', smoothed: which === 'smoothed', pos };
  }

  private aggregate(n: SNode, kids: SNode[]): Expr {
    const pos = this.pos(n);
    const op = this.src(this.need(kids[0], n)).toLowerCase() as AggregateOp;
    if (op === 'limitk' || op === 'limit_ratio') {
      if (!this.experimental)
        fail(
          pos,
          'limitk() and limit_ratio() are experimental and must be enabled with query.experimental: true in argus.yml',
        );
    }
    let grouping: string[] = [];
    let without = false;
    let hasGrouping = false;
    let args: Expr[] = [];
    for (const k of kids.slice(1)) {
      if (k.name === 'AggregateModifier') {
        hasGrouping = true;
        without = this.need(k.firstChild, k).name === 'Without';
        grouping = this.groupingLabels(this.need(k.lastChild, k));
      } else if (k.name === 'FunctionCallBody') {
        args = children(k).map((c) => this.expr(c));
      }
    }
    if (args.length === 0) fail(pos, 'no arguments for aggregate expression provided');
    const want = PARAM_AGGS.has(op) ? 2 : 1;
    if (args.length !== want) {
      fail(
        pos,
        `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
      );
    }
    const param = want === 2 ? args[0] : null;
    return {
      type: 'AggregateExpr',
      op,
      expr: args[want - 1],
      param,
      grouping,
      without,
      hasGrouping,
      pos,
    };
  }

  private groupingLabels(n: SNode): string[] {
    return children(n).map((c) =>
      c.name === 'QuotedLabelName' ? this.string(this.need(c.firstChild, c)) : this.src(c),
    );
  }

  private binary(n: SNode, kids: SNode[]): Expr {
    const pos = this.pos(n);
    const lhsNode = this.need(kids[0], n);
    const opNode = this.need(kids[1], n);
    const rhsNode = this.need(kids.at(-1), n);
    if (opNode.name === 'TrimUpper' || opNode.name === 'TrimLower') {
      fail(
        this.pos(opNode),
        `the native histogram trim operator ${JSON.stringify(this.src(opNode))} is not supported`,
      );
    }
    const op =
      BIN_OPS[opNode.name] ??
      fail(this.pos(opNode), `unexpected ${JSON.stringify(this.src(opNode))}`);
    let returnBool = false;
    let matching: VectorMatching | null = null;
    let fillLeft: number | null = null;
    let fillRight: number | null = null;
    let on = false;
    let labels: string[] = [];
    let include: string[] = [];
    let card: VectorMatching['card'] = 'one-to-one';
    for (const k of kids.slice(2, -1)) {
      if (k.name === 'BoolModifier') returnBool = true;
      else if (k.name === 'MatchingModifierClause') {
        const mk = children(k);
        on = mk[0].name === 'On';
        labels = this.groupingLabels(this.need(mk[1], k));
        const g = mk[2];
        if (g) {
          card = g.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
          if (mk[3]) include = this.groupingLabels(mk[3]);
        }
      } else if (k.name === 'FillModifier') {
        this.requireExperimental(this.pos(k), 'the fill modifier');
        for (const c of children(k)) {
          const v = this.number(this.need(c.lastChild, c)).value;
          if (c.name === 'FillClause' || c.name === 'FillLeftClause') fillLeft = v;
          if (c.name === 'FillClause' || c.name === 'FillRightClause') fillRight = v;
        }
      }
    }
    const isSet = op === 'and' || op === 'or' || op === 'unless';
    matching = {
      card: isSet && card === 'one-to-one' ? 'many-to-many' : card,
      on,
      labels,
      include,
      fillLeft,
      fillRight,
    };
    const rhs = this.expr(rhsNode);
    const parts = { op, returnBool, matching, labels, fillLeft, fillRight, pos };
    return this.reattach(this.expr(lhsNode), lhsNode.name, rhs, parts);
  }

  /**
   * lezer parses postfix modifiers with the lowest precedence, so in `a @ 1 + b @ 1 * c` the
   * `* c` is applied to the whole `a @ 1 + b @ 1` that `@` was pushed into (see postfix()).
   * PromQL binds `* c` to `b @ 1`: while the left operand is a bare (unparenthesized) operation
   * that binds looser than `op`, the operation takes its rightmost operand instead. On trees
   * lezer built without a postfix in between this never fires (lezer got them right).
   */
  private reattach(lhs: Expr, lhsNode: string, rhs: Expr, parts: BinaryParts): Expr {
    const end = parts.pos.end;
    const under = (e: Expr): BinaryParts => ({ ...parts, pos: { start: e.pos.start, end } });
    if (lhs.type === 'BinaryExpr' && bindsLooser(lhs.op, parts.op)) {
      const inner = this.reattach(lhs.rhs, lhsNode, rhs, under(lhs.rhs));
      return { ...lhs, rhs: inner, pos: { start: lhs.pos.start, end } };
    }
    // Unary minus binds like `*` (PromQL: `-a ^ b` is `-(a ^ b)`, `-a * b` is `(-a) * b`).
    if (lhs.type === 'UnaryExpr' && parts.op === '^' && POSTFIX_NODES.has(lhsNode)) {
      const inner = this.reattach(lhs.expr, lhsNode, rhs, under(lhs.expr));
      return { ...lhs, expr: inner, pos: { start: lhs.pos.start, end } };
    }
    return this.binaryOf(lhs, rhs, parts);
  }

  private binaryOf(lhs: Expr, rhs: Expr, parts: BinaryParts): Expr {
    const { op, returnBool, labels, fillLeft, fillRight, pos } = parts;
    let matching = parts.matching;
    if (valueTypeOf(lhs) !== 'vector' || valueTypeOf(rhs) !== 'vector') {
      // Prometheus drops the matching of operations with a scalar side, after refusing clauses.
      if (labels.length > 0) fail(pos, 'vector matching only allowed between instant vectors');
      if (fillLeft !== null || fillRight !== null)
        fail(pos, 'fill modifiers only allowed between instant vectors');
      matching = null;
    }
    // lezer binds a literal's sign tighter than `^`; PromQL reads `-1 ^ 2` as `-(1 ^ 2)`.
    const lhsText = this.text.slice(lhs.pos.start, lhs.pos.end);
    if (op === '^' && lhs.type === 'NumberLiteral' && /^[-+]/.test(lhsText)) {
      const sign = lhsText[0] === '-' ? '-' : '+';
      const unsigned = negateLiteral(lhs, sign, { start: lhs.pos.start + 1, end: lhs.pos.end });
      const inner: Expr = {
        type: 'BinaryExpr',
        op,
        lhs: unsigned,
        rhs,
        returnBool,
        matching,
        pos: { start: unsigned.pos.start, end: pos.end },
      };
      return { type: 'UnaryExpr', op: sign, expr: inner, pos };
    }
    return { type: 'BinaryExpr', op, lhs, rhs, returnBool, matching, pos };
  }

  /** A range/step (`positive`) or offset; literals become ms, anything else an experimental duration expression in seconds. */
  private duration(n: SNode, positive: boolean): Duration {
    const lit = this.durationLiteral(n);
    if (lit !== undefined) {
      if (positive && lit <= 0) fail(this.pos(n), `duration must be greater than 0`);
      return lit;
    }
    this.requireExperimental(this.pos(n), 'the duration expression');
    const e = this.durationExpr(n);
    // A signed literal (`[-5m]`, `[+5m]`) is known now: refuse a non-positive range or step.
    if (positive && e.type === 'NumberLiteral' && !(e.value > 0)) {
      fail(this.pos(n), 'duration must be greater than 0');
    }
    return e;
  }

  /** ms of a plain literal (optionally negated, for offsets), else undefined. */
  private durationLiteral(n: SNode): number | undefined {
    const kids = children(n);
    if (n.name === 'NumberDurationLiteralInDurationContext') return this.literalMs(n);
    if (kids.length === 1 && (n.name === 'DurationExpr' || n.name === 'OffsetDurationExpr')) {
      return kids[0].name === 'NumberDurationLiteralInDurationContext'
        ? this.literalMs(kids[0])
        : undefined;
    }
    if (n.name === 'OffsetDurationExpr' && kids.length === 2 && kids[0].name === 'UnaryOp') {
      const inner = this.durationLiteral(kids[1]);
      if (inner === undefined) return undefined;
      return this.src(kids[0]) === '-' ? -inner : inner;
    }
    return undefined;
  }

  private literalMs(n: SNode): number {
    const t = this.src(n);
    if (isDurationText(t)) {
      return (
        parseDurationMs(t) ??
        fail(this.pos(n), `bad number or duration syntax: ${JSON.stringify(t)}`)
      );
    }
    const v = parseNumber(t);
    if (v === undefined || !Number.isFinite(v))
      fail(this.pos(n), `bad number or duration syntax: ${JSON.stringify(t)}`);
    return Math.round(v * 1000);
  }

  /** A duration expression in seconds, as an Expr of numbers, step()/range()/min_of()/max_of() and arithmetic. */
  private durationExpr(n: SNode): Expr {
    const pos = this.pos(n);
    const kids = children(n);
    if (n.name === 'NumberDurationLiteralInDurationContext') return this.number(n);
    const first = this.need(kids[0], n);
    if (first.name === 'UnaryOp') {
      const inner = this.durationExpr(this.need(kids[1], n));
      const op = this.src(first) === '-' ? '-' : '+';
      if (inner.type === 'NumberLiteral') return negateLiteral(inner, op, pos);
      return { type: 'UnaryExpr', op, expr: inner, pos };
    }
    const fn = {
      DurationStep: 'step',
      DurationRange: 'range',
      DurationMinOf: 'min_of',
      DurationMaxOf: 'max_of',
    }[first.name];
    if (fn !== undefined) {
      return { type: 'Call', func: fn, args: kids.slice(1).map((k) => this.durationExpr(k)), pos };
    }
    if (kids.length === 3 && BIN_OPS[kids[1].name]) {
      return {
        type: 'BinaryExpr',
        op: BIN_OPS[kids[1].name],
        lhs: this.durationExpr(first),
        rhs: this.durationExpr(kids[2]),
        returnBool: false,
        matching: null,
        pos,
      };
    }
    if (kids.length === 1) {
      // `( DurationExpr )`: the parentheses are anonymous tokens around the one child.
      if (this.src(n).startsWith('('))
        return { type: 'ParenExpr', expr: this.durationExpr(first), pos };
      return this.durationExpr(first);
    }
    return fail(pos, `unexpected ${JSON.stringify(this.src(n))} in duration expression`);
  }
}

/**
 * Same-length rewrites the grammar needs to accept what Prometheus accepts: `1.` (a trailing
 * dot) becomes `1 `, and `STEP()`/`Range()`/`MIN_OF(` are lower-cased (Prometheus lexes them
 * case-insensitively). Strings and comments are left alone.
 */
function normalize(text: string): string {
  if (!/\d\.|step|range|min_of|max_of/i.test(text)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' && c !== '`' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '#') {
      const j = text.indexOf('\n', i);
      const end = j < 0 ? text.length : j;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const rest = text.slice(i);
    const num = /^(?:0x[0-9a-fA-F]+|\d[\d_]*(\.)?(?![\w.]))/.exec(rest);
    if (num && !/[\w.]/.test(text[i - 1] ?? '')) {
      out += num[1] ? num[0].slice(0, -1) + ' ' : num[0];
      i += num[0].length;
      continue;
    }
    const kw = /^(?:step|range)(?=\s*\(\s*\))|^(?:min_of|max_of)(?=\s*\()/i.exec(rest);
    if (kw && !/[\w:]/.test(text[i - 1] ?? '')) {
      out += kw[0].toLowerCase();
      i += kw[0].length;
      continue;
    }
    const ident = /^[\w:]+/.exec(rest);
    const tok = ident ? ident[0] : c;
    out += tok;
    i += tok.length;
  }
  return out;
}

function negateLiteral(lit: NumberLiteral, op: '-' | '+', pos: PosRange): NumberLiteral {
  const value = op === '-' ? -lit.value : lit.value;
  if (lit.text === undefined) return { type: 'NumberLiteral', value, pos };
  const text =
    op === '-' ? (lit.text.startsWith('-') ? lit.text.slice(1) : `-${lit.text}`) : lit.text;
  return { type: 'NumberLiteral', value, text, pos };
}

/** Go's %f of a non-finite float. */
function goFloat(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}
