/**
 * astToJson: the tree `/api/v1/parse_query` returns, in the shape of Prometheus's
 * web/api/v1/translate_ast.go (type names, millisecond durations, `timestamp`/`startOrEnd`).
 */
import type { Matcher } from '../../model/index.js';
import type { AtModifier, Duration, Expr } from '../ast.js';
import { FUNCTION_SIGNATURES } from '../functions/signatures.js';
import { formatExpr, formatNumber } from './format.js';

export type AstJson = { readonly [key: string]: AstJsonValue };
export type AstJsonValue = string | number | boolean | null | AstJson | readonly AstJsonValue[];

function matchers(ms: readonly Matcher[]): AstJson[] {
  return ms.map((m) => ({ name: m.name, value: m.value, type: m.type }));
}

// Duration expressions have no millisecond value before evaluation; they travel as text.
function ms(d: Duration): number | string {
  return typeof d === 'number' ? d : formatExpr(d);
}

function atFields(at: AtModifier | null): {
  timestamp: number | string | null;
  startOrEnd: string | null;
} {
  if (!at) return { timestamp: null, startOrEnd: null };
  if (at.kind === 'time') return { timestamp: at.ms, startOrEnd: null };
  if (at.kind === 'expr') return { timestamp: formatExpr(at.expr), startOrEnd: null };
  return { timestamp: null, startOrEnd: at.kind };
}

/** The parse_query JSON of `e`. */
export function astToJson(e: Expr): AstJson {
  switch (e.type) {
    case 'AggregateExpr':
      return {
        type: 'aggregation',
        op: e.op,
        expr: astToJson(e.expr),
        param: e.param ? astToJson(e.param) : null,
        grouping: [...e.grouping],
        without: e.without,
      };
    case 'BinaryExpr':
      return {
        type: 'binaryExpr',
        op: e.op,
        lhs: astToJson(e.lhs),
        rhs: astToJson(e.rhs),
        matching: e.matching
          ? {
              card: e.matching.card,
              labels: [...e.matching.labels],
              on: e.matching.on,
              include: [...e.matching.include],
            }
          : null,
        bool: e.returnBool,
      };
    case 'Call': {
      const sig = FUNCTION_SIGNATURES.get(e.func);
      return {
        type: 'call',
        func: {
          name: e.func,
          argTypes: sig ? [...sig.args] : [],
          variadic: sig?.variadic ?? 0,
          returnType: sig?.returns ?? 'vector',
        },
        args: e.args.map(astToJson),
      };
    }
    case 'MatrixSelector': {
      const v = e.vector;
      return {
        type: 'matrixSelector',
        name: v.name,
        range: ms(e.range),
        offset: ms(v.offset),
        matchers: matchers(v.matchers),
        ...atFields(v.at),
      };
    }
    case 'SubqueryExpr':
      return {
        type: 'subquery',
        expr: astToJson(e.expr),
        range: ms(e.range),
        offset: ms(e.offset),
        step: e.step === null ? 0 : ms(e.step),
        ...atFields(e.at),
      };
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: formatNumber(e.value) };
    case 'ParenExpr':
      return { type: 'parenExpr', expr: astToJson(e.expr) };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: e.value };
    case 'UnaryExpr':
      return { type: 'unaryExpr', op: e.op, expr: astToJson(e.expr) };
    case 'VectorSelector':
      return {
        type: 'vectorSelector',
        name: e.name,
        offset: ms(e.offset),
        matchers: matchers(e.matchers),
        ...atFields(e.at),
      };
  }
}
