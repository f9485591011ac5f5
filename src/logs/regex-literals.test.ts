import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { regexLiterals } from './regex-literals.js';

test('regexLiterals: literal runs every match must contain', () => {
  const cases: [string, string[][]][] = [
    ['status=5[0-9]{2}.*timeout', [['status=5'], ['timeout']]],
    ['timeout', [['timeout']]],
    ['error|warn', [['error', 'warn']]],
    ['(error|warn): disk', [['error', 'warn'], [': disk']]],
    ['a(bc)d', [['abcd']]],
    ['ab?c', [['a'], ['c']]],
    ['ab+c', [['ab'], ['bc']]],
    ['ab{3}c', [['abbb'], ['bc']]],
    ['x(yz)?w', [['x'], ['w']]],
    ['x(yz)+w', [['x'], ['yz'], ['w']]],
    ['a[0-9]+b', [['a'], ['b']]],
    ['GET /api/v1\\.0', [['GET /api/v1.0']]],
    ['\\Qa.b\\E+c', [['a.b'], ['bc']]],
    ['tab\\there', [['tab\there']]],
    ['(?s:foo.)bar', [['foo'], ['bar']]],
    ['(?P<x>abc)d', [['abcd']]],
    ['foo\\d+bar', [['foo'], ['bar']]],
    ['[]a]bc', [['bc']]],
    ['😀?x', [['x']]],
    ['aa|', []],
    ['(?i)error', []],
    ['(?i:error) x', [[' x']]],
    ['\\x41bc', []],
    ['a{2', []],
    ['.*', []],
    ['', []],
    ['[abc', []],
  ];
  for (const [re, want] of cases) assert.deepEqual(regexLiterals(re), want, re);
});

/** A regex and a string that matches it. */
interface Sample {
  re: string;
  ex: string;
}

const UNITS = ['a', 'b', 'c', '-', '.', '1', 'x'];
const rep = (min: number, max: number): fc.Arbitrary<[string, number]> =>
  fc.constantFrom<[string, number]>(
    [`{${min},${max}}`, min],
    [`{${min},${max}}`, max],
    [`{${max}}`, max],
  );

/**
 * Random regexes in the subset RE2 reads, over a tiny alphabet, each with a string it matches
 * (built alongside, so most samples exercise a real match).
 */
const sampleArb: fc.Arbitrary<Sample> = fc.letrec<{ re: Sample; atom: Sample; piece: Sample }>(
  (tie) => ({
    atom: fc.oneof(
      { maxDepth: 2, depthIdentifier: 're', withCrossShrink: true },
      fc.constantFrom<Sample>(
        { re: 'a', ex: 'a' },
        { re: 'b', ex: 'b' },
        { re: 'c', ex: 'c' },
        { re: '-', ex: '-' },
        { re: 'ab', ex: 'ab' },
        { re: '\\.', ex: '.' },
        { re: '.', ex: 'x' },
        { re: '.', ex: 'a' },
        { re: '[ab]', ex: 'b' },
        { re: '[^a]', ex: 'c' },
        { re: '\\d', ex: '1' },
        { re: '\\Qa.\\E', ex: 'a.' },
        { re: '^', ex: '' },
        { re: '$', ex: '' },
      ),
      tie('re').map((r) => ({ re: `(${r.re})`, ex: r.ex })),
      tie('re').map((r) => ({ re: `(?:${r.re})`, ex: r.ex })),
      tie('re').map((r) => ({ re: `(?i:${r.re})`, ex: r.ex.toUpperCase() })),
    ),
    piece: fc
      .tuple(
        tie('atom'),
        fc.oneof(
          fc.constant<[string, number]>(['', 1]),
          fc.constantFrom<[string, number]>(['*', 0], ['*', 2], ['+', 1], ['+?', 2], ['?', 0]),
          fc.constantFrom<[string, number]>(['?', 1], ['??', 1]),
          rep(0, 1),
          rep(1, 2),
          rep(2, 3),
        ),
      )
      .map(([a, [q, k]]) =>
        a.re === '^' || a.re === '$' || q === '' ? a : { re: a.re + q, ex: a.ex.repeat(k) },
      ),
    re: fc
      .tuple(
        fc.array(fc.array(tie('piece'), { maxLength: 4 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
      )
      .map(([alts, pick]) => ({
        re: alts.map((ps) => ps.map((p) => p.re).join('')).join('|'),
        ex: alts[pick % alts.length].map((p) => p.ex).join(''),
      })),
  }),
).re;

test('regexLiterals never drops a matching line (random regexes vs RE2JS)', () => {
  let checked = 0;
  const units = fc.constantFrom(...UNITS);
  fc.assert(
    fc.property(
      sampleArb,
      fc.string({ unit: units, maxLength: 6 }),
      fc.string({ unit: units, maxLength: 6 }),
      fc.string({ unit: units }),
      (r, pre, post, other) => {
        const re = RE2JS.compile(r.re);
        // Lines with a planted match (if `^`/`$` inside allow it) and a random line.
        for (const l of [pre + r.ex + post, r.ex, other]) {
          if (!re.matcher(l).find()) continue;
          const groups = regexLiterals(r.re);
          if (groups.length > 0) checked++;
          for (const g of groups)
            assert.ok(
              g.some((lit) => l.includes(lit)),
              `${JSON.stringify(l)} matches /${r.re}/ but contains none of ${JSON.stringify(g)}`,
            );
        }
      },
    ),
    { numRuns: 2000 },
  );
  // Not vacuous: many matching lines were checked against a real requirement.
  assert.ok(checked > 150, `only ${checked} matching lines had literals to check`);
});
