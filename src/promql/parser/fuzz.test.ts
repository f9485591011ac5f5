import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { PromQLParseError } from '../errors.js';
import { corpusEvals } from './testing.js';
import { parseExpr } from './parse.js';

/** A small seeded PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'abcxyz_:{}[]()",\'`=~!<>+-*/%^@#. 0123456789emshdwyoffsetbyon\n\\\uFFFD\uD800';
const SEEDS = [
  'sum by (job) (rate(x{a="b"}[5m] offset 1m))',
  'histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))',
  'a + on(b) group_left(c) d > bool 1',
  'x[5m:1m] @ start() offset -1m',
  'label_replace(x, "a", "$1", "b", "(.*)")',
];

/** The slowest parse so far, printed at the end (recorded, not asserted: no timing assertions). */
const slowest = { ms: 0, query: '' };

/**
 * Parses `q`: it must give an AST or a PromQLParseError whose message starts with
 * `parse error at char N:`, N (1-based) within the input; anything else fails the test.
 */
function parseOrParseError(q: string): void {
  const t0 = performance.now();
  try {
    parseExpr(q, { experimental: true });
  } catch (err) {
    if (!(err instanceof PromQLParseError)) {
      assert.fail(`${JSON.stringify(q.slice(0, 200))} threw ${String(err)}`);
    }
    const m = /^parse error at char (\d+): ./.exec(err.message);
    assert.ok(m, `${JSON.stringify(q.slice(0, 200))}: ${err.message}`);
    const n = Number(m[1]);
    assert.ok(n >= 1 && n <= q.length + 1, `${JSON.stringify(q.slice(0, 200))}: ${err.message}`);
  }
  const ms = performance.now() - t0;
  if (ms > slowest.ms) {
    slowest.ms = ms;
    slowest.query = q.length > 60 ? `${q.slice(0, 60)}… (${q.length} chars)` : q;
  }
}

function mutate(q: string, r: () => number): string {
  let s = q;
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(r() * (s.length + 1));
    const c = ALPHABET[Math.floor(r() * ALPHABET.length)];
    const op = Math.floor(r() * 3);
    if (op === 0) s = s.slice(0, i) + s.slice(i + 1);
    else if (op === 1) s = s.slice(0, i) + c + s.slice(i);
    else if (i + 1 < s.length) s = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  }
  return s;
}

describe('parser fuzzing', () => {
  it('random strings give an AST or a PromQLParseError, in bounded time', () => {
    const r = rng(1);
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(r() * 40);
      let q = '';
      for (let j = 0; j < len; j++) {
        q +=
          r() < 0.05
            ? String.fromCharCode(Math.floor(r() * 0x10000)) // lone surrogates and U+FFFD too
            : ALPHABET[Math.floor(r() * ALPHABET.length)];
      }
      parseOrParseError(q);
    }
  });

  it('mutations of corpus queries give an AST or a PromQLParseError, in bounded time', () => {
    const r = rng(2);
    const queries = [...SEEDS, ...corpusEvals().map((e) => e.query)];
    for (let i = 0; i < 6000; i++) {
      const q = mutate(queries[Math.floor(r() * queries.length)], r);
      parseOrParseError(q);
    }
  });

  it('finishes on pathological regex matchers, also on long patterns and values', () => {
    const e = parseExpr('{a=~"(a*)*b", b=~"(x+x+)+y", c=~"(.*){1,100}z"}');
    assert.equal(e.type, 'VectorSelector');
    if (e.type !== 'VectorSelector') return;
    // Matching a long non-matching value is where backtracking engines blow up (RE2 semantics).
    assert.equal(e.matchers[0].matches('a'.repeat(5000)), false);
    assert.equal(e.matchers[1].matches('x'.repeat(5000)), false);
    const long = 'a'.repeat(20_000);
    parseOrParseError(`{a=~"(a*)*${long}b"}`);
    parseOrParseError(`{a=~"${'(a*)*'.repeat(2000)}b", b="${long}"}`);
    parseOrParseError(`{a=~"${'('.repeat(2000)}a${')*'.repeat(2000)}"}`);
    parseOrParseError(`{a=~"(a*)*b", a!~"${long}"} offset 5m`);
    parseOrParseError(`{a=~"[${long}"}`);
  });

  it('finishes at and past the length and nesting limits', () => {
    const rep = (s: string, n: number): string => s.repeat(n);
    const terms = (n: number, op: string): string =>
      Array.from({ length: n }, (_, i) => `x${i}`).join(` ${op} `);
    for (const n of [999, 1000, 1001, 2799, 2800, 2801, 5000]) {
      parseOrParseError(rep('(', n) + 'x' + rep(')', n));
      parseOrParseError(rep('-', n) + 'x');
      parseOrParseError(rep('abs(', n) + 'x' + rep(')', n));
      parseOrParseError(rep('x^', n) + 'x');
      parseOrParseError(rep('(', n)); // unclosed
      parseOrParseError(rep('{', n) + rep('[', n));
    }
    for (const n of [452, 453, 1000, 5000]) {
      for (const op of ['+', 'or', '*', 'and on (a)', '> bool']) parseOrParseError(terms(n, op));
    }
    parseOrParseError(`sum(${terms(3000, '+')}) by (a)`);
    parseOrParseError(`"${'x'.repeat(1_000_000)}"`);
    parseOrParseError(`x{a="${'\\x'.repeat(10_000)}"}`);
    const r = rng(3);
    const pieces = [
      '(',
      ')',
      '-',
      'x',
      ' + ',
      ' ^ ',
      'abs(',
      'sum by (a) (',
      '[5m]',
      '{a="b"}',
      ',',
    ];
    for (let i = 0; i < 200; i++) {
      let q = '';
      const len = 500 + Math.floor(r() * 3000);
      while (q.length < len) q += pieces[Math.floor(r() * pieces.length)];
      parseOrParseError(q);
    }
  });

  after(() => {
    console.log(`slowest parse: ${slowest.ms.toFixed(1)} ms for ${JSON.stringify(slowest.query)}`);
  });
});
