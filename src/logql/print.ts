/**
 * printLogql: the canonical text of a LogQL AST (used by /loki/api/v1/format_query and the
 * UI). Parsing the output gives back an equal AST: binary operands and label filters get
 * parentheses exactly where precedence or associativity needs them.
 */
import type { Matcher } from '../model/index.js';
import type {
  BinaryExpr,
  Expr,
  Grouping,
  LabelFilterExpr,
  LogExpr,
  MetricExpr,
  RangeAggExpr,
  Stage,
  VectorAggExpr,
} from './ast.js';
import {
  formatBytes,
  formatDurationMs,
  formatDurationNs,
  formatNumber,
  quote,
} from './parse-literals.js';
import { PRECEDENCE } from './parse-metric.js';

export function printLogql(expr: Expr): string {
  return expr.kind === 'log' ? printLog(expr) : printMetric(expr);
}

function matcher(m: Matcher): string {
  return `${m.name}${m.type}${quote(m.value)}`;
}

function printLog(e: LogExpr): string {
  let out = `{${e.matchers.map(matcher).join(', ')}}`;
  for (const s of e.pipeline) out += ' ' + stage(s);
  return out;
}

function stage(s: Stage): string {
  switch (s.kind) {
    case 'line_filter': {
      const vals = s.values.map((v) => (s.ip ? `ip(${quote(v)})` : quote(v)));
      return `${s.op} ${vals.join(' or ')}`;
    }
    case 'parser': {
      let out = `| ${s.parser}`;
      if (s.strict) out += ' --strict';
      if (s.keepEmpty) out += ' --keep-empty';
      if (s.pattern !== undefined) out += ' ' + quote(s.pattern);
      if (s.extract && s.extract.length > 0) {
        out +=
          ' ' +
          s.extract
            .map((x) => (x.path === x.label ? x.label : `${x.label}=${quote(x.path)}`))
            .join(', ');
      }
      return out;
    }
    case 'label_filter':
      return `| ${labelFilter(s.expr)}`;
    case 'line_format':
      return `| line_format ${quote(s.template)}`;
    case 'label_format':
      return `| label_format ${s.items
        .map((i) =>
          i.src !== undefined ? `${i.dst}=${i.src}` : `${i.dst}=${quote(i.template ?? '')}`,
        )
        .join(', ')}`;
    case 'drop':
    case 'keep':
      return `| ${s.kind} ${s.items.map((i) => (i.matcher ? matcher(i.matcher) : i.name)).join(', ')}`;
    case 'decolorize':
      return '| decolorize';
  }
}

/** and binds tighter than or; both are left-associative. */
export function labelFilter(e: LabelFilterExpr): string {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const wrapLeft = e.kind === 'and' && e.left.kind === 'or';
      const wrapRight = e.right.kind === 'or' || (e.kind === 'and' && e.right.kind === 'and');
      const l = labelFilter(e.left);
      const r = labelFilter(e.right);
      return `${wrapLeft ? `(${l})` : l} ${e.kind} ${wrapRight ? `(${r})` : r}`;
    }
    case 'string':
      return matcher(e.matcher);
    case 'number':
      return `${e.name} ${e.op} ${formatNumber(e.value)}`;
    case 'duration':
      return `${e.name} ${e.op} ${formatDurationNs(Math.round(e.seconds * 1e9))}`;
    case 'bytes':
      return `${e.name} ${e.op} ${formatBytes(e.bytes)}`;
    case 'ip':
      return `${e.name} ${e.negate ? '!=' : '='} ip(${quote(e.range)})`;
  }
}

function grouping(g: Grouping): string {
  return `${g.without ? 'without' : 'by'} (${g.labels.join(', ')})`;
}

function printMetric(e: MetricExpr): string {
  switch (e.kind) {
    case 'range_agg':
      return rangeAgg(e);
    case 'vector_agg':
      return vectorAgg(e);
    case 'binary':
      return binary(e);
    case 'number':
      return formatNumber(e.value);
    case 'vector':
      return `vector(${formatNumber(e.value)})`;
    case 'label_replace':
      return `label_replace(${printMetric(e.expr)}, ${[e.dst, e.replacement, e.src, e.regex]
        .map(quote)
        .join(', ')})`;
  }
}

function rangeAgg(e: RangeAggExpr): string {
  const range = `[${formatDurationMs(e.rangeMs)}]`;
  const offset = e.offsetMs !== 0 ? ` offset ${formatDurationMs(e.offsetMs)}` : '';
  let unwrap = '';
  if (e.unwrap) {
    const u = e.unwrap;
    unwrap = u.conv ? ` | unwrap ${u.conv}(${u.label})` : ` | unwrap ${u.label}`;
    for (const f of u.postFilters) unwrap += ` | ${labelFilter(f)}`;
  }
  const log = printLog(e.log);
  // `{a="b"}[5m]` as Loki writes it; after a pipeline a space keeps the range apart.
  const gap = e.log.pipeline.length === 0 && !unwrap ? '' : ' ';
  const inner = `${log}${unwrap}${gap}${range}${offset}`;
  const param = e.param !== undefined ? `${formatNumber(e.param)}, ` : '';
  const g = e.grouping ? ' ' + grouping(e.grouping) : '';
  return `${e.op}(${param}${inner})${g}`;
}

function vectorAgg(e: VectorAggExpr): string {
  const g = e.grouping ? ' ' + grouping(e.grouping) + ' ' : '';
  const param = e.param !== undefined ? `${formatNumber(e.param)}, ` : '';
  return `${e.op}${g}(${param}${printMetric(e.expr)})`;
}

function binary(e: BinaryExpr): string {
  const prec = PRECEDENCE[e.op];
  const rightAssoc = e.op === '^';
  const side = (x: MetricExpr, isLeft: boolean): string => {
    const s = printMetric(x);
    if (x.kind !== 'binary') return s;
    const p = PRECEDENCE[x.op];
    const wrap = p < prec || (p === prec && (isLeft ? rightAssoc : !rightAssoc));
    return wrap ? `(${s})` : s;
  };
  let op = e.op as string;
  if (e.bool) op += ' bool';
  const m = e.matching;
  if (m) {
    op += ` ${m.on ? 'on' : 'ignoring'} (${m.labels.join(', ')})`;
    if (m.card !== 'one-to-one') {
      op += ` ${m.card === 'many-to-one' ? 'group_left' : 'group_right'} (${m.include.join(', ')})`;
    }
  }
  return `${side(e.left, true)} ${op} ${side(e.right, false)}`;
}
