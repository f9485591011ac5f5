import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr } from '../ast.js';
import { parseExpr } from './index.js';

/** The AST as a fully parenthesized string; selectors show their `@`/`offset`. */
function shape(e: Expr): string {
  switch (e.type) {
    case 'BinaryExpr': {
      const on = e.matching?.on ? ` on(${e.matching.labels.join(',')})` : '';
      const group =
        e.matching?.card === 'many-to-one' ? ` group_left(${e.matching.include.join(',')})` : '';
      return `(${shape(e.lhs)} ${e.op}${on}${group} ${shape(e.rhs)})`;
    }
    case 'UnaryExpr':
      return `(${e.op}${shape(e.expr)})`;
    case 'ParenExpr':
      return `[${shape(e.expr)}]`;
    case 'VectorSelector':
      return (
        e.name +
        (e.at?.kind === 'time' ? `@${e.at.ms}` : '') +
        (typeof e.offset === 'number' && e.offset !== 0 ? `~${e.offset}` : '')
      );
    case 'NumberLiteral':
      return String(e.value);
    default:
      return e.type;
  }
}

const OPS = ['^', '*', '/', '%', 'atan2', '+', '-', '==', '!=', '<', '>=', 'and', 'unless', 'or'];
const MODS: ReadonlyArray<readonly [string, string]> = [
  [' @ 60', '@60000'],
  [' offset 1m', '~60000'],
];

describe('operator precedence around postfix @ and offset', () => {
  it('keeps the precedence of every operator pair after a modifier on any operand', () => {
    // The plain query (no modifier) is what lezer gets right; the modifier must not change it.
    for (const [mod, mark] of MODS) {
      for (const o1 of OPS) {
        for (const o2 of OPS) {
          for (const neg of ['', '-']) {
            const plain = `${neg}a ${o1} b ${o2} c`;
            const want = shape(parseExpr(plain)).replace(/\b([abc])\b/g, `$1${mark}`);
            const q = `${neg}a${mod} ${o1} b${mod} ${o2} c${mod}`;
            assert.equal(shape(parseExpr(q)), want, q);
          }
        }
      }
    }
  });

  it('binds a later operation to the modified operand, with its matching', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['a @ 60 + on(d) group_left(f) b @ 60 * 0', '(a@60000 + on(d) group_left(f) (b@60000 * 0))'],
      ['a offset 1m + b offset 1m * c', '(a~60000 + (b~60000 * c))'],
      ['a @ 1 or b @ 2 + c @ 3 * d - e', '(a@1000 or ((b@2000 + (c@3000 * d)) - e))'],
      ['-a @ 1 ^ 2', '(-(a@1000 ^ 2))'],
      ['-a @ 1 * 2', '((-a@1000) * 2)'],
      ['a @ 1 ^ b @ 2 ^ c', '(a@1000 ^ (b@2000 ^ c))'],
      ['(a + b @ 1) * c', '([(a + b@1000)] * c)'],
      ['a + b @ 1 offset 1m * c', '(a + (b@1000~60000 * c))'],
    ];
    for (const [q, want] of cases) assert.equal(shape(parseExpr(q)), want, q);
  });

  it('places the whole operation at the source range of its operands', () => {
    const e = parseExpr('a @ 60 + b @ 60 * 0');
    assert.ok(e.type === 'BinaryExpr' && e.rhs.type === 'BinaryExpr');
    assert.deepEqual(e.pos, { start: 0, end: 19 });
    assert.deepEqual(e.rhs.pos, { start: 9, end: 19 });
  });

  it('still checks vector matching against the real operands', () => {
    // `on(d)` belongs to `*` between a vector and a scalar: refused, as in Prometheus.
    assert.throws(() => parseExpr('a @ 60 + b @ 60 * on(d) 2'), /vector matching only allowed/);
  });
});
