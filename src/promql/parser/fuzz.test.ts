import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

const ALPHABET = 'abcxyz_:{}[]()",\'`=~!<>+-*/%^@#. 0123456789emshdwyoffsetbyon\n\\';
const SEEDS = [
  'sum by (job) (rate(x{a="b"}[5m] offset 1m))',
  'histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))',
  'a + on(b) group_left(c) d > bool 1',
  'x[5m:1m] @ start() offset -1m',
  'label_replace(x, "a", "$1", "b", "(.*)")',
];

/** Parses `q`; anything but an AST or a PromQLParseError fails the test. Returns the elapsed ms. */
function parseOrParseError(q: string): number {
  const t0 = performance.now();
  try {
    parseExpr(q, { experimental: true });
  } catch (err) {
    if (!(err instanceof PromQLParseError)) {
      assert.fail(`${JSON.stringify(q)} threw ${String(err)}`);
    }
  }
  return performance.now() - t0;
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
  it('random strings give an AST or a PromQLParseError, each quickly', () => {
    const r = rng(1);
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(r() * 40);
      let q = '';
      for (let j = 0; j < len; j++) {
        q +=
          r() < 0.05
            ? String.fromCharCode(Math.floor(r() * 0x3000))
            : ALPHABET[Math.floor(r() * ALPHABET.length)];
      }
      // Generous bound: a hang or exponential blow-up shows as seconds, normal parses take microseconds.
      assert.ok(parseOrParseError(q) < 2000, `slow parse of ${JSON.stringify(q)}`);
    }
  });

  it('mutations of corpus queries give an AST or a PromQLParseError, each quickly', () => {
    const r = rng(2);
    const queries = [...SEEDS, ...corpusEvals().map((e) => e.query)];
    for (let i = 0; i < 6000; i++) {
      const q = mutate(queries[Math.floor(r() * queries.length)], r);
      assert.ok(parseOrParseError(q) < 2000, `slow parse of ${JSON.stringify(q)}`);
    }
  });

  it('parses pathological regex matchers in linear time (RE2 semantics)', () => {
    const t0 = performance.now();
    const e = parseExpr('{a=~"(a*)*b", b=~"(x+x+)+y", c=~"(.*){1,100}z"}');
    assert.equal(e.type, 'VectorSelector');
    if (e.type !== 'VectorSelector') return;
    // Matching a long non-matching value is where backtracking engines blow up.
    assert.equal(e.matchers[0].matches('a'.repeat(5000)), false);
    assert.equal(e.matchers[1].matches('x'.repeat(5000)), false);
    assert.ok(performance.now() - t0 < 2000);
  });

  it('parses deeply nested and very long queries without a stack overflow', () => {
    assert.equal(parseOrParseError('('.repeat(500) + 'x' + ')'.repeat(500)) < 5000, true);
    assert.equal(
      parseOrParseError(Array.from({ length: 2000 }, (_, i) => `m${i}`).join(' + ')) < 5000,
      true,
    );
  });
});
