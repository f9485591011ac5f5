/** Test helpers for the parser: ASTs compared without positions. */
import { Matcher } from '../../model/index.js';

/** A deep copy of an AST without `pos` fields, matchers as plain `{type, name, value}`. */
export function stripPos(v: unknown): unknown {
  if (v instanceof Matcher) return { type: v.type, name: v.name, value: v.value };
  if (Array.isArray(v)) return v.map(stripPos);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'pos') out[k] = stripPos(x);
    return out;
  }
  return v;
}
