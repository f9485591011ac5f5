import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogqlParseError } from './errors.js';
import { parseLogql } from './parse.js';
import { plain } from './parse-testing.js';
import { printLogql } from './print.js';

describe('parseLogql', () => {
  it('parses a selector with a line filter chain and a parser', () => {
    assert.deepEqual(
      plain(parseLogql('{app="api", env=~"prod|dev"} |= "a" or "b" != "c" | json')),
      {
        kind: 'log',
        matchers: ['app="api"', 'env=~"prod|dev"'],
        pipeline: [
          { kind: 'line_filter', op: '|=', values: ['a', 'b'] },
          { kind: 'line_filter', op: '!=', values: ['c'] },
          { kind: 'parser', parser: 'json' },
        ],
      },
    );
  });

  it('parses sum by over rate with offset', () => {
    assert.deepEqual(plain(parseLogql('sum by (a) (rate({a="b"}[5m] offset 1h))')), {
      kind: 'vector_agg',
      op: 'sum',
      grouping: { without: false, labels: ['a'] },
      expr: {
        kind: 'range_agg',
        op: 'rate',
        log: { kind: 'log', matchers: ['a="b"'], pipeline: [] },
        rangeMs: 300_000,
        offsetMs: 3_600_000,
      },
    });
  });

  it('refuses a log query inside sum with a position', () => {
    assert.throws(
      () => parseLogql('sum({a="b"})'),
      (err: unknown) =>
        err instanceof LogqlParseError &&
        err.line === 1 &&
        err.col === 12 &&
        err.message ===
          'parse error at line 1, col 12: syntax error: sum() needs a metric expression, got a log query',
    );
  });
});

describe('parseLogql AST shapes', () => {
  const log = (pipeline: unknown[]): unknown => ({ kind: 'log', matchers: ['a="b"'], pipeline });

  const table: [string, unknown][] = [
    [
      '{a="b"} |= ip("10.0.0.0/8") |> "<_> x"',
      log([
        { kind: 'line_filter', op: '|=', values: ['10.0.0.0/8'], ip: true },
        { kind: 'line_filter', op: '|>', values: ['<_> x'] },
      ]),
    ],
    [
      '{a="b"} | logfmt --strict --keep-empty x, y="z" | regexp "(?P<g>.)" | pattern "<p> <_>"',
      log([
        {
          kind: 'parser',
          parser: 'logfmt',
          strict: true,
          keepEmpty: true,
          extract: [
            { label: 'x', path: 'x' },
            { label: 'y', path: 'z' },
          ],
        },
        { kind: 'parser', parser: 'regexp', pattern: '(?P<g>.)' },
        { kind: 'parser', parser: 'pattern', pattern: '<p> <_>' },
      ]),
    ],
    [
      '{a="b"} | x = 1 or d > 1.5s and s <= 1KiB, addr != ip("::1")',
      log([
        {
          kind: 'label_filter',
          expr: {
            kind: 'or',
            left: { kind: 'number', name: 'x', op: '==', value: 1 },
            right: {
              kind: 'and',
              left: {
                kind: 'and',
                left: { kind: 'duration', name: 'd', op: '>', seconds: 1.5 },
                right: { kind: 'bytes', name: 's', op: '<=', bytes: 1024 },
              },
              right: { kind: 'ip', name: 'addr', negate: true, range: '::1' },
            },
          },
        },
      ]),
    ],
    [
      '{a="b"} | label_format x=y, m="{{.a}}" | line_format "{{.m}}" | drop p, q=~"r" | keep k | decolorize',
      log([
        {
          kind: 'label_format',
          items: [
            { dst: 'x', src: 'y' },
            { dst: 'm', template: '{{.a}}' },
          ],
        },
        { kind: 'line_format', template: '{{.m}}' },
        {
          kind: 'drop',
          items: [{ name: 'p' }, { name: 'q', matcher: 'q=~"r"' }],
        },
        { kind: 'keep', items: [{ name: 'k' }] },
        { kind: 'decolorize' },
      ]),
    ],
    [
      'quantile_over_time(0.9, {a="b"}[1m] offset 1d | json | unwrap duration(l) | __error__="") by (p)',
      {
        kind: 'range_agg',
        op: 'quantile_over_time',
        param: 0.9,
        log: log([{ kind: 'parser', parser: 'json' }]),
        unwrap: {
          label: 'l',
          conv: 'duration',
          postFilters: [{ kind: 'string', matcher: '__error__=""' }],
        },
        rangeMs: 60_000,
        offsetMs: 86_400_000,
        grouping: { without: false, labels: ['p'] },
      },
    ],
    [
      'topk without (x) (2, vector(1)) / ignoring (y) group_right (z) vector(2) > bool 0.5',
      {
        kind: 'binary',
        op: '>',
        bool: true,
        left: {
          kind: 'binary',
          op: '/',
          bool: false,
          matching: { on: false, labels: ['y'], card: 'one-to-many', include: ['z'] },
          left: {
            kind: 'vector_agg',
            op: 'topk',
            param: 2,
            grouping: { without: true, labels: ['x'] },
            expr: { kind: 'vector', value: 1 },
          },
          right: { kind: 'vector', value: 2 },
        },
        right: { kind: 'number', value: 0.5 },
      },
    ],
    [
      'label_replace(vector(1), "d", "$1", "s", "(.*)")',
      {
        kind: 'label_replace',
        expr: { kind: 'vector', value: 1 },
        dst: 'd',
        replacement: '$1',
        src: 's',
        regex: '(.*)',
      },
    ],
  ];

  for (const [q, want] of table) {
    it(q, () => assert.deepEqual(plain(parseLogql(q)), want));
  }

  it('reports line and column on multi-line queries', () => {
    const q = 'sum by (a) (\n  rate({a="b"}[5m])\n  |\n)';
    assert.throws(
      () => parseLogql(q),
      (err: unknown) => err instanceof LogqlParseError && err.line === 3 && err.col === 3,
    );
    assert.equal(
      printLogql(parseLogql('sum by (a) (\n  rate({a="b"}[5m]) # c\n)')),
      'sum by (a) (rate({a="b"}[5m]))',
    );
  });

  it('refuses a label formatted twice', () => {
    assert.throws(
      () => parseLogql('{a="b"} | label_format x=y, x="z"'),
      /^LogqlParseError: parse error at line 1, col 29: label_format: label "x" is formatted twice$/,
    );
  });

  it('refuses over-long queries before parsing', () => {
    assert.throws(
      () => parseLogql(`{a="${'x'.repeat(200_000)}"}`),
      /query too long: 200006 characters/,
    );
  });
});
