/**
 * The type checker: Prometheus's `checkAST` rules and messages, run over the whole AST after
 * conversion, plus valueTypeOf.
 */
import type { Expr, ValueType } from '../ast.js';
import { PromQLParseError } from '../errors.js';
import { FUNCTION_SIGNATURES } from '../functions/signatures.js';

/** What an expression evaluates to. */
export function valueTypeOf(e: Expr): ValueType {
  switch (e.type) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
    case 'AggregateExpr':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'Call':
      return FUNCTION_SIGNATURES.get(e.func)?.returns ?? 'vector';
    case 'BinaryExpr':
      return valueTypeOf(e.lhs) === 'scalar' && valueTypeOf(e.rhs) === 'scalar'
        ? 'scalar'
        : 'vector';
    case 'UnaryExpr':
    case 'ParenExpr':
      return valueTypeOf(e.expr);
  }
}

/** Prometheus's DocumentedType: the words its messages use. */
export function documentedType(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

const COMPARISON = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);

function fail(e: Expr, reason: string): never {
  throw new PromQLParseError(e.pos, reason);
}

function expectType(e: Expr, want: ValueType, context: string): void {
  const got = valueTypeOf(e);
  if (got !== want) {
    fail(e, `expected type ${documentedType(want)} in ${context}, got ${documentedType(got)}`);
  }
}

/** Throws PromQLParseError for the first rule `e` breaks, checking children first as Prometheus does. */
export function checkAst(e: Expr, experimental: boolean): void {
  switch (e.type) {
    case 'NumberLiteral':
    case 'StringLiteral':
      return;
    case 'ParenExpr':
      return checkAst(e.expr, experimental);
    case 'VectorSelector': {
      if (e.name !== '') {
        for (const m of e.matchers.slice(1)) {
          if (m.name === '__name__') {
            fail(
              e,
              `metric name must not be set twice: ${JSON.stringify(e.name)} or ${JSON.stringify(m.value)}`,
            );
          }
        }
        return;
      }
      if (!e.matchers.some((m) => !m.matchesEmpty())) {
        fail(e, 'vector selector must contain at least one non-empty matcher');
      }
      return;
    }
    case 'MatrixSelector':
      return checkAst(e.vector, experimental);
    case 'SubqueryExpr': {
      checkAst(e.expr, experimental);
      const t = valueTypeOf(e.expr);
      if (t !== 'vector') fail(e, `subquery is only allowed on instant vector, got ${t} instead`);
      return;
    }
    case 'UnaryExpr': {
      checkAst(e.expr, experimental);
      const t = valueTypeOf(e.expr);
      if (t !== 'scalar' && t !== 'vector') {
        fail(
          e,
          `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(documentedType(t))}`,
        );
      }
      return;
    }
    case 'AggregateExpr': {
      checkAst(e.expr, experimental);
      if (e.param) {
        checkAst(e.param, experimental);
        expectType(e.param, e.op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter');
      }
      expectType(e.expr, 'vector', 'aggregation expression');
      return;
    }
    case 'Call':
      return checkCall(e, experimental);
    case 'BinaryExpr':
      return checkBinary(e, experimental);
  }
}

function checkCall(e: Extract<Expr, { type: 'Call' }>, experimental: boolean): void {
  const sig = FUNCTION_SIGNATURES.get(e.func);
  if (!sig) fail(e, `unknown function with name ${JSON.stringify(e.func)}`);
  if (sig.experimental && !experimental)
    fail(e, `function ${JSON.stringify(e.func)} is not enabled`);
  // info's second argument is a label selector for info series: it may match everything.
  e.args.forEach((a, i) => {
    if (!(e.func === 'info' && i === 1 && a.type === 'VectorSelector')) checkAst(a, experimental);
  });
  const nargs = sig.args.length;
  const got = e.args.length;
  if (sig.variadic === 0) {
    if (nargs !== got)
      fail(e, `expected ${nargs} argument(s) in call to ${JSON.stringify(e.func)}, got ${got}`);
  } else {
    const min = nargs - 1;
    if (min > got)
      fail(
        e,
        `expected at least ${min} argument(s) in call to ${JSON.stringify(e.func)}, got ${got}`,
      );
    if (sig.variadic > 0 && min + sig.variadic < got) {
      fail(
        e,
        `expected at most ${min + sig.variadic} argument(s) in call to ${JSON.stringify(e.func)}, got ${got}`,
      );
    }
  }
  if (e.func === 'info' && e.args[1] && unwrap(e.args[1]).type !== 'VectorSelector') {
    fail(
      e.args[1],
      `expected label selectors as the second argument to "info" function, got ${unwrap(e.args[1]).type}`,
    );
  }
  e.args.forEach((a, i) => {
    const t = sig.args[Math.min(i, nargs - 1)];
    if (t !== undefined && (i < nargs || sig.variadic !== 0))
      expectType(a, t, `call to function ${JSON.stringify(e.func)}`);
  });
  // Which functions take anchored/smoothed selectors is checked when evaluating (engine), as
  // Prometheus does: its error is an execution error, not a parse error.
}

function unwrap(e: Expr): Expr {
  return e.type === 'ParenExpr' ? unwrap(e.expr) : e;
}

function checkBinary(e: Extract<Expr, { type: 'BinaryExpr' }>, experimental: boolean): void {
  checkAst(e.lhs, experimental);
  checkAst(e.rhs, experimental);
  const lt = valueTypeOf(e.lhs);
  const rt = valueTypeOf(e.rhs);
  const isCmp = COMPARISON.has(e.op);
  const isSet = SET_OPS.has(e.op);
  if (e.returnBool && !isCmp) fail(e, 'bool modifier can only be used on comparison operators');
  if (isCmp && !e.returnBool && lt === 'scalar' && rt === 'scalar') {
    fail(e, 'comparisons between scalars must use BOOL modifier');
  }
  const vm = e.matching;
  if (vm && vm.on) {
    for (const l of vm.labels) {
      if (vm.include.includes(l))
        fail(e, `label ${JSON.stringify(l)} must not occur in ON and GROUP clause at once`);
    }
  }
  if (lt !== 'scalar' && lt !== 'vector')
    fail(e.lhs, 'binary expression must contain only scalar and instant vector types');
  if (rt !== 'scalar' && rt !== 'vector')
    fail(e.rhs, 'binary expression must contain only scalar and instant vector types');
  if (isSet && vm) {
    if (vm.card === 'one-to-many' || vm.card === 'many-to-one')
      fail(e, `no grouping allowed for ${JSON.stringify(e.op)} operation`);
    if (vm.fillLeft !== null || vm.fillRight !== null)
      fail(e, `fill modifiers not allowed for ${JSON.stringify(e.op)} operation`);
  }
  if ((lt === 'scalar' || rt === 'scalar') && isSet) {
    fail(e, `set operator ${JSON.stringify(e.op)} not allowed in binary scalar expression`);
  }
}
