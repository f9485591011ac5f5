/**
 * The parser's size limits, found before lezer runs or named when it fails. `@lezer/lr` cuts
 * trees on purpose: once more than 300 left-associative reductions of at least 2,000 characters
 * share a start (`Rec.MaxLeftAssociativeReductionCount`, `Recover.MinBigReduction`) — about 150
 * binary operators past the first 2,000 characters of one chain — and when its stack reaches
 * 8,400 entries (`Rec.CutDepth`, about 2,800 levels of parentheses). Past the first, lezer reports
 * a misleading `unexpected …` at the cut (parse.ts disables that cut; CHAIN_REASON rewords it if
 * a later lezer brings it back); past the second it may even rebuild a right-associative chain
 * (`x^x^…`) without an error. So nesting and chain length are refused up front (MAX_NESTING,
 * MAX_CHAIN: below lezer's cut and within what Argus's recursive passes over the AST can take).
 */
import type { BinaryOp, PosRange } from '../ast.js';
import type { Tree } from './syntax.js';

/** Levels of parentheses, calls, unary and pending binary operators a query may nest. */
export const MAX_NESTING = 1000;
/** Binary operators of one precedence in one operand list (a left-associative chain). */
export const MAX_CHAIN = 1000;
/** lezer tree levels the recursive passes (conversion, checks, printing) may meet. */
export const MAX_TREE_DEPTH = MAX_NESTING + 100;
/** lezer refuses about 150 operators past the first 2,000 characters of a chain; reword from here on. */
const CHAIN_NEAR_LIMIT = 140;
const CHAIN_MIN_CHARS = 2000;

export const NESTING_REASON = `the expression nests more deeply than the parser supports (at most ${MAX_NESTING} levels of parentheses, function calls and operators): split it, e.g. into recording rules`;
export const LONG_CHAIN_REASON = `the expression chains more binary operators than the parser supports (at most ${MAX_CHAIN} in one chain): split the chain with parentheses or into recording rules`;
export const CHAIN_REASON =
  'the expression chains more binary operators than the parser supports (about 150 after the first 2,000 characters of one chain): split the chain with parentheses or into recording rules';

/** PromQL's binary operator precedence (higher binds tighter); `^` alone is right-associative. */
export const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<=': 3,
  '<': 3,
  '>=': 3,
  '>': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
]);

interface Entry {
  /** `(` `[` `{`: an opener; `u`: a prefix operator; `p`: a binary operator waiting for its rhs. */
  readonly kind: 'open' | 'u' | 'p';
  readonly weight: number;
  readonly prec: number;
  /** Openers: where the current chain (operand list after the opener or a comma) starts. */
  chainStart: number;
  /** Openers: binary operators per precedence past CHAIN_MIN_CHARS of the chain. */
  counts: number[];
  /** Openers: binary operators per precedence in the chain. */
  totals: number[];
}

const TOKEN =
  /\s+|#[^\n]*|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`[^`]*`?|[a-zA-Z_:][\w:]*|0[xX][0-9a-fA-F]+|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[\w.]*|==|!=|<=|>=|=~|!~|[\s\S]/y;

/** What the scanner knows at a position: the nesting estimate and the longest chain there. */
export interface ScanState {
  /** Estimated lezer stack depth in levels (weights of open constructs). */
  readonly depth: number;
  /** Where the depth first exceeded MAX_NESTING, else -1. */
  readonly overAt: number;
  /** Binary operators of one precedence past CHAIN_MIN_CHARS in the innermost open chain. */
  readonly chain: number;
  /** Where a chain first got more than MAX_CHAIN operators of one precedence, else -1. */
  readonly chainOverAt: number;
}

/**
 * Scans `text` up to `until` (exclusive), outside strings and comments, with a shunting-yard
 * estimate of nesting (an opener counts 1, a call's `(` 2, a prefix operator 1, a binary operator
 * waiting for its right operand 2) and per-chain operator counts. Linear time, no recursion.
 */
export function scan(text: string, until = text.length): ScanState {
  const top: Entry = { kind: 'open', weight: 0, prec: 0, chainStart: 0, counts: [], totals: [] };
  const stack: Entry[] = [top];
  let depth = 0;
  let maxDepth = 0;
  let overAt = -1;
  let chainOverAt = -1;
  let afterOperand = false;
  let callName = false;
  const push = (e: Entry, at: number): void => {
    stack.push(e);
    depth += e.weight;
    if (depth > maxDepth) maxDepth = depth;
    if (depth > MAX_NESTING && overAt < 0) overAt = at;
  };
  const pop = (): Entry => {
    const e = stack.pop()!;
    depth -= e.weight;
    return e;
  };
  const popWhile = (f: (e: Entry) => boolean): void => {
    while (stack.length > 1 && f(stack[stack.length - 1])) pop();
  };
  const opener = (): Entry => {
    for (let i = stack.length - 1; ; i--) if (stack[i].kind === 'open') return stack[i];
  };
  const operandDone = (): void => {
    popWhile((e) => e.kind === 'u');
    afterOperand = true;
  };
  TOKEN.lastIndex = 0;
  let i = 0;
  while (i < until && i < text.length) {
    TOKEN.lastIndex = i;
    const tok = TOKEN.exec(text)![0];
    const at = i;
    i += tok.length;
    const c = tok[0];
    if (/\s/.test(c) || c === '#') continue;
    const call = callName;
    callName = false;
    const lower = tok.toLowerCase();
    const word = /^[a-zA-Z_:]/.test(c);
    const prec = (PRECEDENCE as Readonly<Record<string, number | undefined>>)[lower];
    if (prec !== undefined && (afterOperand || !word)) {
      if (afterOperand) {
        popWhile((e) => e.kind === 'p' && (prec === 6 ? e.prec > prec : e.prec >= prec));
        push({ kind: 'p', weight: 2, prec, chainStart: 0, counts: [], totals: [] }, at);
        const o = opener();
        if (at >= o.chainStart + CHAIN_MIN_CHARS) o.counts[prec] = (o.counts[prec] ?? 0) + 1;
        o.totals[prec] = (o.totals[prec] ?? 0) + 1;
        if (o.totals[prec] > MAX_CHAIN && chainOverAt < 0) chainOverAt = at;
      } else if (c === '+' || c === '-') {
        push({ kind: 'u', weight: 1, prec: 0, chainStart: 0, counts: [], totals: [] }, at);
      }
      afterOperand = false;
    } else if (c === '(' || c === '[' || c === '{') {
      push(
        { kind: 'open', weight: call ? 2 : 1, prec: 0, chainStart: i, counts: [], totals: [] },
        at,
      );
      afterOperand = false;
    } else if (c === ')' || c === ']' || c === '}') {
      popWhile((e) => e.kind !== 'open');
      if (stack.length > 1) pop();
      operandDone();
    } else if (c === ',') {
      popWhile((e) => e.kind !== 'open');
      const o = opener();
      o.chainStart = i;
      o.counts = [];
      o.totals = [];
      afterOperand = false;
    } else if (word && !KEYWORDS.has(lower)) {
      // A function name or a metric name before `{` is completed by its closing bracket.
      TOKEN.lastIndex = i;
      const next = /\s*(?:#[^\n]*\s*)*/y.exec(text)![0];
      const after = text[i + next.length];
      if (after === '(' || after === '{') {
        afterOperand = false;
        callName = after === '(';
      } else operandDone();
    } else if (c === '"' || c === "'" || c === '`' || /[\d.]/.test(c)) {
      operandDone();
    } else {
      afterOperand = false; // keywords, `@`, `:`, `=`, `=~`, …
    }
  }
  const o = opener();
  const chain = Math.max(0, ...o.counts.filter((n) => n >= 0));
  return { depth: maxDepth, overAt, chain, chainOverAt };
}

/** A nesting or chain length problem of `text` found before parsing, or undefined. */
export function sizeProblem(text: string): { pos: PosRange; reason: string } | undefined {
  const { overAt, chainOverAt } = scan(text);
  if (overAt >= 0 && (chainOverAt < 0 || overAt <= chainOverAt)) {
    return { pos: { start: overAt, end: overAt + 1 }, reason: NESTING_REASON };
  }
  if (chainOverAt >= 0) {
    return { pos: { start: chainOverAt, end: chainOverAt + 1 }, reason: LONG_CHAIN_REASON };
  }
  return undefined;
}

/** Whether lezer's error at `pos` is its left-associative chain cut rather than a real mistake. */
export function isChainCut(text: string, pos: number): boolean {
  return scan(text, pos).chain >= CHAIN_NEAR_LIMIT;
}

/**
 * The depth of lezer's tree, walked with a cursor (no recursion). Chains split by parentheses
 * can build ASTs deeper than any nesting the scanner counts; the recursive passes need a bound.
 */
export function treeDepth(tree: Tree): { depth: number; deepestAt: number } {
  const c = tree.cursor();
  let d = 0;
  let depth = 0;
  let deepestAt = 0;
  for (;;) {
    if (c.firstChild()) {
      d++;
      if (d > depth) {
        depth = d;
        deepestAt = c.from;
      }
      continue;
    }
    for (;;) {
      if (c.nextSibling()) break;
      if (!c.parent()) return { depth, deepestAt };
      d--;
    }
  }
}
