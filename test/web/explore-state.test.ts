import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  errorPosition,
  queryName,
  seriesName,
  stateFromSearch,
  stateToSearch,
} from '../../web/src/pages/explore/state.js';

describe('explore URL state', () => {
  it('round-trips every field', () => {
    const s = {
      queries: ['rate(x[5m])', 'up{job="a b"}'],
      range: { from: 'now-6h', to: 'now', tz: 'utc' as const, step: 30 },
      view: 'table' as const,
      unit: 'bytes' as const,
      stacked: true,
    };
    const search = stateToSearch(s);
    assert.match(search, /view=table/);
    assert.deepEqual(stateFromSearch(search), s);
  });
  it('defaults what is missing or unknown', () => {
    const s = stateFromSearch('?unit=furlongs&view=pie');
    assert.deepEqual(s.queries, ['']);
    assert.equal(s.unit, 'none');
    assert.equal(s.view, 'graph');
    assert.equal(s.stacked, false);
    assert.equal(stateToSearch(s), 'q=&from=now-1h&to=now');
  });
});

describe('names', () => {
  it('names queries and series', () => {
    assert.equal(queryName(0), 'A');
    assert.equal(queryName(2), 'C');
    assert.equal(
      seriesName({ __name__: 'up', job: 'x', instance: 'h:1' }),
      'up{instance="h:1", job="x"}',
    );
    assert.equal(seriesName({ job: 'a"b' }), '{job="a\\"b"}');
    assert.equal(seriesName({}), '{}');
  });
});

describe('errorPosition', () => {
  it('finds the line and column of a parse error', () => {
    assert.deepEqual(errorPosition('sum(rate(x[5m])', 'parse error at char 16: unclosed'), {
      line: 'sum(rate(x[5m])',
      column: 15,
    });
    assert.deepEqual(errorPosition('a +\nb )', 'parse error at char 7: unexpected )'), {
      line: 'b )',
      column: 2,
    });
    assert.equal(errorPosition('x', 'timeout'), undefined);
  });
});
