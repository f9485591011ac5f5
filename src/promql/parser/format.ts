/**
 * Printing an AST back to PromQL the way Prometheus's `String()` does (formatExpr), and its
 * `Pretty(0)` used by `/api/v1/format_query` (prettyExpr). Both re-parse to the same AST.
 */
import type { Matcher } from '../../model/index.js';
import type { AtModifier, Duration, Expr, VectorMatching, VectorSelector } from '../ast.js';
import { formatDurationMs, quoteString } from './literals.js';

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_LINE = 100;

/** Prints `expr` as PromQL on one line. */
export function formatExpr(e: Expr): string {
  switch (e.type) {
    case 'NumberLiteral':
      return e.text ?? formatNumber(e.value);
    case 'StringLiteral':
      return quoteString(e.value);
    case 'ParenExpr':
      return `(${formatExpr(e.expr)})`;
    case 'UnaryExpr':
      return `${e.op}${formatExpr(e.expr)}`;
    case 'Call':
      return `${e.func}(${e.args.map(formatExpr).join(', ')})`;
    case 'VectorSelector': {
      const ext = e.anchored ? ' anchored' : e.smoothed ? ' smoothed' : '';
      return `${selector(e)}${modifiers(e.at, e.offset)}${ext}`;
    }
    case 'MatrixSelector': {
      const v = e.vector;
      const ext = e.anchored ? ' anchored' : e.smoothed ? ' smoothed' : '';
      return `${selector(v)}[${duration(e.range)}]${modifiers(v.at, v.offset)}${ext}`;
    }
    case 'SubqueryExpr':
      return `${formatExpr(e.expr)}${subquerySuffix(e)}`;
    case 'AggregateExpr': {
      const param = e.param ? `${formatExpr(e.param)}, ` : '';
      return `${aggregateHead(e)}(${param}${formatExpr(e.expr)})`;
    }
    case 'BinaryExpr':
      return `${formatExpr(e.lhs)} ${binaryOp(e)} ${formatExpr(e.rhs)}`;
  }
}

/** Prints `expr` as Prometheus's `Pretty(0)`: one line when it fits in 100 characters, else indented. */
export function prettyExpr(e: Expr): string {
  return pretty(e, 0);
}

function indent(level: number): string {
  return '  '.repeat(level);
}

function pretty(e: Expr, level: number): string {
  const flat = formatExpr(e);
  const pad = indent(level);
  if (flat.length <= MAX_LINE) return pad + flat;
  switch (e.type) {
    case 'AggregateExpr': {
      const param = e.param ? `${pretty(e.param, level + 1)},\n` : '';
      return `${pad}${aggregateHead(e)}(\n${param}${pretty(e.expr, level + 1)}\n${pad})`;
    }
    case 'BinaryExpr':
      return `${pretty(e.lhs, level + 1)}\n${pad}${binaryOp(e)}\n${pretty(e.rhs, level + 1)}`;
    case 'Call':
      return `${pad}${e.func}(\n${e.args.map((a) => pretty(a, level + 1)).join(',\n')}\n${pad})`;
    case 'ParenExpr':
      return `${pad}(\n${pretty(e.expr, level + 1)}\n${pad})`;
    case 'SubqueryExpr':
      return `${pretty(e.expr, level)}${subquerySuffix(e)}`;
    case 'UnaryExpr':
      return `${pad}${e.op}${pretty(e.expr, level).trim()}`;
    default:
      return pad + flat;
  }
}

function aggregateHead(e: Extract<Expr, { type: 'AggregateExpr' }>): string {
  if (e.without) return `${e.op} without (${labelList(e.grouping)}) `;
  if (e.hasGrouping || e.grouping.length > 0) return `${e.op} by (${labelList(e.grouping)}) `;
  return e.op;
}

function binaryOp(e: Extract<Expr, { type: 'BinaryExpr' }>): string {
  return `${e.op}${e.returnBool ? ' bool' : ''}${matchingStr(e.matching)}`;
}

function matchingStr(vm: VectorMatching | null): string {
  if (!vm) return '';
  let s = '';
  const grouped = vm.card === 'many-to-one' || vm.card === 'one-to-many';
  if (vm.on || vm.labels.length > 0 || grouped) {
    s = ` ${vm.on ? 'on' : 'ignoring'} (${labelList(vm.labels)})`;
    if (grouped)
      s += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${labelList(vm.include)})`;
  }
  if (vm.fillLeft !== null && vm.fillRight !== null && sameNumber(vm.fillLeft, vm.fillRight)) {
    s += ` fill(${formatNumber(vm.fillLeft)})`;
  } else {
    if (vm.fillLeft !== null) s += ` fill_left(${formatNumber(vm.fillLeft)})`;
    if (vm.fillRight !== null) s += ` fill_right(${formatNumber(vm.fillRight)})`;
  }
  return s;
}

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function subquerySuffix(e: Extract<Expr, { type: 'SubqueryExpr' }>): string {
  const step = e.step === null ? '' : duration(e.step);
  return `[${duration(e.range)}:${step}]${modifiers(e.at, e.offset)}`;
}

function labelName(n: string): string {
  return LEGACY_NAME.test(n) ? n : quoteString(n);
}

function labelList(names: readonly string[]): string {
  return names.map(labelName).join(', ');
}

function matcherStr(m: Matcher): string {
  return `${labelName(m.name)}${m.type}${quoteString(m.value)}`;
}

function selector(v: VectorSelector): string {
  const rest = v.name !== '' ? v.matchers.slice(1) : v.matchers;
  const braces = rest.length > 0 || v.name === '' ? `{${rest.map(matcherStr).join(', ')}}` : '';
  return `${v.name}${braces}`;
}

function modifiers(at: AtModifier | null, offset: Duration): string {
  let s = '';
  if (at) {
    if (at.kind === 'time') s += ` @ ${(at.ms / 1000).toFixed(3)}`;
    else if (at.kind === 'expr') s += ` @ ${formatExpr(at.expr)}`;
    else s += ` @ ${at.kind}()`;
  }
  if (offset !== 0) s += ` offset ${duration(offset)}`;
  return s;
}

function duration(d: Duration): string {
  return typeof d === 'number' ? formatDurationMs(d) : formatExpr(d);
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64) for the values PromQL prints. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  // Go's 'f' format never uses an exponent: place the shortest digits in fixed notation.
  const digits = m[2] + (m[3] ?? '');
  const exp = Number(m[4]);
  if (exp >= 0) return m[1] + digits.padEnd(exp + 1, '0');
  return `${m[1]}0.${'0'.repeat(-exp - 1)}${digits}`;
}
