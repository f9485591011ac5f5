import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PromQLParseError } from '../errors.js';
import { astToJson, formatExpr, parseExpr, prettyExpr } from './index.js';
import { CHAIN_REASON, MAX_NESTING, NESTING_REASON, scan } from './limits.js';
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
  it('names lezer’s cut of long operator chains, at the position lezer stops', () => {
    // Measured: lezer stops about 150 operators after a chain's first 2,000 characters.
    assert.equal(parseExpr(terms(452, '+')).type, 'BinaryExpr');
    const plus = parseError(terms(453, '+'));
    assert.equal(plus.message, `parse error at char 3054: ${CHAIN_REASON}`);
    assert.equal(parseError(terms(1000, '+')).message, plus.message);
    assert.equal(parseExpr(terms(415, 'or')).type, 'BinaryExpr');
    assert.equal(parseError(terms(416, 'or')).message, `parse error at char 3210: ${CHAIN_REASON}`);
    const pad = `${'x'.repeat(3000)} * `;
    assert.equal(parseExpr(pad + terms(150, '*')).type, 'BinaryExpr');
    assert.equal(parseError(pad + terms(151, '*')).reason, CHAIN_REASON);
    // Inside a call too; splitting the chain with parentheses is the way out the message gives.
    assert.equal(parseError(`sum(${terms(600, '+')})`).reason, CHAIN_REASON);
    const split = `(${terms(300, '+')}) + (${terms(300, '+', 300)})`;
    assert.equal(parseExpr(split).type, 'BinaryExpr');
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
    const flat = terms(452, '+');
    for (const [name, q] of [...NESTING.map(([n, ok]) => [n, ok] as const), ['flat', flat]]) {
      const ast = parseExpr(q);
      const text = formatExpr(ast);
      assert.deepEqual(stripPos(parseExpr(text)), stripPos(ast), name);
      assert.ok(JSON.stringify(astToJson(ast)).length > q.length, name);
      const pretty = prettyExpr(ast);
      // Pretty-printing indents each level, which makes a long flat chain too long for lezer.
      if (q !== flat) assert.deepEqual(stripPos(parseExpr(pretty)), stripPos(ast), name);
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
