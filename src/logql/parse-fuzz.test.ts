import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Matcher } from '../model/index.js';
import type { BinaryExpr, BinaryOp, LabelFilterExpr, MetricExpr } from './ast.js';
import { LogqlParseError } from './errors.js';
import { parseLogql } from './parse.js';
import { plain } from './parse-testing.js';
import { printLogql } from './print.js';

const GOOD = readFileSync(join(process.cwd(), 'src/logql/testdata/parse/good.txt'), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('=> '));

/** Parses `q`: an AST, or a LogqlParseError positioned inside the input; nothing else. */
function parseOrParseError(q: string): void {
  try {
    parseLogql(q);
  } catch (err) {
    if (!(err instanceof LogqlParseError)) {
      assert.fail(`${JSON.stringify(q.slice(0, 200))} threw ${String(err)}`);
    }
    assert.match(err.message, /^parse error at line \d+, col \d+: ./);
    assert.ok(err.offset >= 0 && err.offset <= q.length, `${JSON.stringify(q)}: ${err.message}`);
  }
}

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ',',
  '|',
  '|=',
  '!=',
  '|~',
  '!~',
  '|>',
  '!>',
  '=',
  '==',
  '=~',
  '>',
  '>=',
  '<',
  '<=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '"',
  '`',
  "'",
  '\\',
  ' ',
  '\n',
  '#',
  'a',
  'app',
  '"x"',
  '5m',
  '1h30m',
  '1KB',
  '0.5',
  '1e3',
  'or',
  'and',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'bool',
  'offset',
  'json',
  'logfmt',
  '--strict',
  'regexp',
  'pattern',
  'unpack',
  'unwrap',
  'duration',
  'bytes',
  'ip',
  'line_format',
  'label_format',
  'drop',
  'keep',
  'decolorize',
  'sum',
  'topk',
  'rate',
  'count_over_time',
  'quantile_over_time',
  'vector',
  'label_replace',
  '\uD800',
  '\u00e9',
];

describe('parseLogql fuzzing', () => {
  it('arbitrary strings give an AST or a LogqlParseError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80, unit: 'binary' }), parseOrParseError), {
      numRuns: 2000,
      seed: 1,
    });
  });

  it('token soups give an AST or a LogqlParseError', () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((t) => t.join(''));
    fc.assert(fc.property(soup, parseOrParseError), { numRuns: 3000, seed: 2 });
  });

  it('mutations of good queries give an AST or a LogqlParseError', () => {
    const edit = fc.record({
      at: fc.nat(),
      del: fc.nat({ max: 3 }),
      ins: fc.constantFrom(...TOKENS, ''),
    });
    const mutated = fc
      .tuple(fc.constantFrom(...GOOD), fc.array(edit, { minLength: 1, maxLength: 3 }))
      .map(([q, edits]) =>
        edits.reduce((s, e) => {
          const i = e.at % (s.length + 1);
          return s.slice(0, i) + e.ins + s.slice(i + e.del);
        }, q),
      );
    fc.assert(fc.property(mutated, parseOrParseError), { numRuns: 4000, seed: 3 });
  });

  it('deep nesting is refused or parsed, never a crash', () => {
    for (const n of [100, 2000, 20000]) {
      parseOrParseError('('.repeat(n) + 'vector(1)' + ')'.repeat(n));
      parseOrParseError('sum('.repeat(n) + 'vector(1)' + ')'.repeat(n));
      parseOrParseError('{a="b"} | x="1"' + ' or x="1"'.repeat(n));
      parseOrParseError('vector(1)' + ' + vector(1)'.repeat(n));
    }
  });
});

const OPS: BinaryOp[] = [
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'and',
  'or',
  'unless',
];

/** Random binary trees over vectors: parse(print(ast)) must give the same tree back. */
const metricArb: fc.Arbitrary<MetricExpr> = fc.letrec<{ e: MetricExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.nat({ max: 9 }).map((v): MetricExpr => ({ kind: 'vector', value: v })),
    fc
      .record({
        op: fc.constantFrom(...OPS),
        bool: fc.boolean(),
        on: fc.option(fc.boolean(), { nil: undefined }),
        left: tie('e'),
        right: tie('e'),
      })
      .map(({ op, bool, on, left, right }): BinaryExpr => {
        const cmp = ['==', '!=', '>', '>=', '<', '<='].includes(op);
        const b: BinaryExpr = { kind: 'binary', op, bool: cmp && bool, left, right };
        if (on !== undefined) b.matching = { on, labels: ['a'], card: 'one-to-one', include: [] };
        return b;
      }),
  ),
})).e;

const leafFilter = fc.constantFrom<LabelFilterExpr>(
  { kind: 'string', matcher: new Matcher('=', 'a', 'x') },
  { kind: 'number', name: 'n', op: '>=', value: 5 },
  { kind: 'duration', name: 'd', op: '<', seconds: 1.5 },
  { kind: 'bytes', name: 'b', op: '>', bytes: 2048 },
  { kind: 'ip', name: 'addr', negate: true, range: '10.0.0.0/8' },
);
const filterArb: fc.Arbitrary<LabelFilterExpr> = fc.letrec<{ f: LabelFilterExpr }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafFilter,
    fc
      .record({
        kind: fc.constantFrom('and' as const, 'or' as const),
        left: tie('f'),
        right: tie('f'),
      })
      .map((x): LabelFilterExpr => x),
  ),
})).f;

describe('printLogql', () => {
  it('prints random binary trees so that they parse back equal', () => {
    fc.assert(
      fc.property(metricArb, (ast) => {
        assert.deepEqual(plain(parseLogql(printLogql(ast))), plain(ast));
      }),
      { numRuns: 1000, seed: 4 },
    );
  });

  it('prints random label filter trees so that they parse back equal', () => {
    fc.assert(
      fc.property(filterArb, (expr) => {
        const ast = {
          kind: 'log' as const,
          matchers: [new Matcher('=', 'app', 'x')],
          pipeline: [{ kind: 'label_filter' as const, expr }],
        };
        assert.deepEqual(plain(parseLogql(printLogql(ast))), plain(ast));
      }),
      { numRuns: 1000, seed: 5 },
    );
  });

  it('quotes any string so that it parses back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const ast = {
          kind: 'log' as const,
          matchers: [new Matcher('=', 'app', 'x')],
          pipeline: [{ kind: 'line_filter' as const, op: '|=' as const, values: [s] }],
        };
        const back = parseLogql(printLogql(ast));
        assert.deepEqual(plain(back), plain(ast));
      }),
      { numRuns: 1000, seed: 6 },
    );
  });
});
