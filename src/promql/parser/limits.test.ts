import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PromQLParseError } from '../errors.js';
import { astToJson, formatExpr, parseExpr, prettyExpr } from './index.js';
import { parser } from '@prometheus-io/lezer-promql';
import {
  LONG_CHAIN_REASON,
  MAX_CHAIN,
  MAX_NESTING,
  NESTING_REASON,
  isChainCut,
  scan,
} from './limits.js';
import { firstSyntaxError, type SyntaxProblem } from './syntax.js';
import { stripPos } from './testing.js';

const terms = (n: number, op: string, from = 0): string =>
  Array.from({ length: n }, (_, i) => `x${from + i}`).join(` ${op} `);

/** `(((x + x0 … ) + …) + …)`: chains nested by parentheses, deep in the AST but not for lezer. */
function chainGroups(groups: number, per: number): string {
  let q = 'x';
  let k = 0;
  for (let g = 0; g < groups; g++) {
    q = `(${q}`;
    for (let j = 0; j < per; j++) q += ` + x${k++}`;
    q += ')';
  }
  return q;
}

function parseError(q: string): PromQLParseError {
  try {
    parseExpr(q);
  } catch (err) {
    assert.ok(err instanceof PromQLParseError, String(err));
    return err;
  }
  return assert.fail(`${q.slice(0, 80)}… parsed`);
}

const rep = (s: string, n: number): string => s.repeat(n);

// [name, deepest accepted query, the same one level deeper (or a few)]
const NESTING: ReadonlyArray<readonly [string, string, string]> = [
  ['parentheses', rep('(', 1000) + 'x' + rep(')', 1000), rep('(', 1001) + 'x' + rep(')', 1001)],
  ['unary minus', rep('-', 1000) + 'x', rep('-', 1001) + 'x'],
  ['-( )', rep('-(', 500) + 'x' + rep(')', 500), rep('-(', 501) + 'x' + rep(')', 501)],
  ['calls', rep('abs(', 500) + 'x' + rep(')', 500), rep('abs(', 501) + 'x' + rep(')', 501)],
  ['aggregations', rep('sum(', 500) + 'x' + rep(')', 500), rep('sum(', 501) + 'x' + rep(')', 501)],
  [
    'aggregations by',
    rep('sum by (a) (', 500) + 'x' + rep(')', 500),
    // The scanner counts its `(` once, lezer's tree depth (MAX_TREE_DEPTH) refuses it.
    rep('sum by (a) (', 560) + 'x' + rep(')', 560),
  ],
  ['x + (', rep('x+(', 333) + 'x' + rep(')', 333), rep('x+(', 334) + 'x' + rep(')', 334)],
  ['^ (right-associative)', rep('x^', 500) + 'x', rep('x^', 501) + 'x'],
  ['chains nested by parentheses', chainGroups(9, 120), chainGroups(10, 120)],
];

describe('parser limits', () => {
  it('parses long chains past lezer’s cut into exactly the grammar’s tree, positions included', () => {
    // lezer alone stops 150 operators past a chain's first 2,000 characters (453 terms here).
    for (const op of ['+', 'or', '*', 'and', '>']) {
      const q = terms(MAX_CHAIN + 1, op);
      let e = parseExpr(op === '>' ? q.replaceAll(' > ', ' > bool ') : q);
      // A left-associative spine: the n-th node spans from 0 to the end of term n.
      for (let n = MAX_CHAIN; n > 0; n--) {
        assert.equal(e.type, 'BinaryExpr', `${op} ${n}`);
        if (e.type !== 'BinaryExpr') return;
        assert.equal(e.op, op);
        const end =
          (op === '>' ? q.replaceAll(' > ', ' > bool ') : q).indexOf(`x${n}`) + `x${n}`.length;
        assert.deepEqual(e.pos, { start: 0, end });
        assert.equal(e.rhs.type === 'VectorSelector' && e.rhs.name, `x${n}`);
        e = e.lhs;
      }
      assert.equal(e.type === 'VectorSelector' && e.name, 'x0');
    }
    // Long operands, other precedences inside, inside a call.
    const long = Array.from({ length: 800 }, (_, i) => `rate(m{job="j${i}"}[5m]) * 2`).join(' - ');
    const ast = parseExpr(`sum(${long})`);
    assert.equal(formatExpr(ast), `sum(${long})`);
  });

  it('refuses a chain past MAX_CHAIN before parsing, at the first operator too many', () => {
    const q = terms(MAX_CHAIN + 2, '+');
    const err = parseError(q);
    assert.equal(err.reason, LONG_CHAIN_REASON);
    assert.equal(err.pos.start, q.indexOf(` + x${MAX_CHAIN + 1}`) + 1);
    assert.equal(parseError(`sum(${terms(5000, 'or')})`).reason, LONG_CHAIN_REASON);
    // Operands split by commas or parentheses are separate chains.
    assert.equal(parseExpr(`(${terms(900, '+')}) + (${terms(900, '+')})`).type, 'BinaryExpr');
    assert.equal(parseExpr(`label_join(${terms(900, '+')}, "a", ",", "b", "c")`).type, 'Call');
  });

  it('names lezer’s own chain cut, should it come back, and only that', () => {
    const cut = (q: string): SyntaxProblem => firstSyntaxError(q, parser.parse(q))!;
    const plus = terms(453, '+');
    assert.equal(cut(plus).pos.start, 3053);
    assert.equal(isChainCut(plus, cut(plus).pos.start), true);
    const or = terms(416, 'or');
    assert.equal(isChainCut(or, cut(or).pos.start), true);
    const pad = `${'x'.repeat(3000)} * ${terms(151, '*')}`;
    assert.equal(isChainCut(pad, cut(pad).pos.start), true);
    const real = `${'x'.repeat(3000)} + ${terms(100, '+')} + foo bar`;
    assert.equal(isChainCut(real, cut(real).pos.start), false);
    assert.equal(
      isChainCut(`${terms(300, '+')} + }`, cut(`${terms(300, '+')} + }`).pos.start),
      false,
    );
  });

  it('keeps the normal message for a real syntax error in a long query', () => {
    const long = terms(300, '+');
    assert.equal(parseError(`${long} + }`).reason, 'unexpected "}"');
    assert.equal(parseError(`${long} + x300)`).reason, "unexpected right parenthesis ')'");
    const pad = `${'x'.repeat(3000)} + ${terms(100, '+')}`;
    assert.equal(parseError(`${pad} + foo bar`).reason, 'unexpected identifier "bar"');
    assert.equal(parseError(`${rep('(', 900)}x}`).reason, 'unexpected "}"');
  });

  it('refuses nesting past MAX_NESTING up front, for every kind of nesting', () => {
    for (const [name, ok, deeper] of NESTING) {
      assert.doesNotThrow(() => parseExpr(ok), name);
      assert.equal(parseError(deeper).reason, NESTING_REASON, name);
    }
    assert.equal(parseError(rep('(', 3000) + 'x' + rep(')', 3000)).pos.start, MAX_NESTING);
    // lezer would rebuild this one silently with the wrong associativity.
    assert.equal(parseError(rep('x^', 3125) + 'x').reason, NESTING_REASON);
  });

  it('runs every recursive pass at the limits without overflowing the stack', () => {
    const chains = [
      ['flat chain', terms(MAX_CHAIN + 1, '+')],
      ['chain of ^', terms(500, '^')],
      ['mixed chain', terms(MAX_CHAIN + 1, '*').replaceAll(/\* (x\d*[02468]) /g, '+ $1 ')],
    ] as const;
    for (const [name, q] of [...NESTING.map(([n, ok]) => [n, ok] as const), ...chains]) {
      const ast = parseExpr(q);
      const text = formatExpr(ast);
      assert.deepEqual(stripPos(parseExpr(text)), stripPos(ast), name);
      assert.ok(JSON.stringify(astToJson(ast)).length > q.length, name);
      const pretty = prettyExpr(ast);
      assert.deepEqual(stripPos(parseExpr(pretty)), stripPos(ast), name);
    }
  });

  it('scans nesting outside strings and comments', () => {
    assert.equal(scan('x{a="((((((("} # (((((((\n').depth, 1);
    assert.equal(scan("x{a='((', b=`((`}").depth, 1);
    assert.equal(scan('-(-(x))').depth, 4);
    assert.equal(scan('abs(x)').depth, 2);
    assert.equal(scan('a + b + c + d').depth, 2);
    assert.equal(scan('a ^ b ^ c ^ d').depth, 6);
    assert.equal(scan('a + b * c ^ d').depth, 6);
    assert.equal(scan('x offset -5m + 1e-3 - -1').depth, 3);
    assert.equal(scan(rep('(', MAX_NESTING + 1)).overAt, MAX_NESTING);
    assert.equal(scan(rep('(', MAX_NESTING)).overAt, -1);
  });
});
