import type { AtModifier, Duration, Expr } from '../ast.js';
import { QueryExecutionError } from '../errors.js';

/** What duration expressions may refer to: the outer query's step and range (ms). */
export interface DurationScope {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

/**
 * Resolves a duration to milliseconds: literals are already ms; experimental duration
 * expressions are evaluated in seconds (`step()`, `range()`, `min_of`, `max_of`, arithmetic).
 */
export function durationMs(d: Duration, scope: DurationScope): number {
  if (typeof d === 'number') return d;
  return Math.round(seconds(d, scope) * 1000);
}

function seconds(e: Expr, scope: DurationScope): number {
  switch (e.type) {
    case 'NumberLiteral':
      return e.value;
    case 'ParenExpr':
      return seconds(e.expr, scope);
    case 'UnaryExpr':
      return e.op === '-' ? -seconds(e.expr, scope) : seconds(e.expr, scope);
    case 'Call': {
      if (e.func === 'step') return scope.stepMs / 1000;
      if (e.func === 'range') return (scope.endMs - scope.startMs) / 1000;
      const xs = e.args.map((a) => seconds(a, scope));
      if (e.func === 'min_of') return Math.min(...xs);
      if (e.func === 'max_of') return Math.max(...xs);
      break;
    }
    case 'BinaryExpr': {
      const a = seconds(e.lhs, scope);
      const b = seconds(e.rhs, scope);
      switch (e.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '%':
          return a % b;
        case '^':
          return Math.pow(a, b);
        default:
          break;
      }
      break;
    }
    default:
      break;
  }
  throw new QueryExecutionError(
    `cannot evaluate duration expression: unsupported ${e.type}${e.type === 'Call' ? ` ${e.func}()` : ''}`,
  );
}

/** The time (ms) an `@` modifier pins evaluation to, or null without one. */
export function atMs(at: AtModifier | null, scope: DurationScope): number | null {
  if (at === null) return null;
  switch (at.kind) {
    case 'time':
      return at.ms;
    case 'start':
      return scope.startMs;
    case 'end':
      return scope.endMs;
    case 'expr':
      return Math.round(seconds(at.expr, scope) * 1000);
  }
}
