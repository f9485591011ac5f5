import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogqlParseError } from './errors.js';
import { parseLogql } from './parse.js';
import { plain } from './parse-testing.js';

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
