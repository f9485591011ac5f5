/** Test helpers for the parser and printer (imported by tests only). */
import { Matcher } from '../model/index.js';
import type { Expr } from './ast.js';

/**
 * The AST as plain data, each Matcher replaced by its text (`a=~"x"`): Matchers hold compiled
 * functions, which deepEqual compares by reference.
 */
export function plain(e: Expr): unknown {
  return JSON.parse(
    JSON.stringify(e, (_k, v: unknown) => (v instanceof Matcher ? v.toString() : v)),
  );
}
