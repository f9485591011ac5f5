import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  appendLive,
  compareNs,
  facets,
  flattenStreams,
  mergeLines,
  nsToSec,
  secToNs,
  addNs,
  type LokiStream,
} from '../../web/src/lib/logs-lines.js';
import { logsStateFromSearch, logsStateToSearch } from '../../web/src/lib/logs-state.js';

describe('logs-state: URL', () => {
  it('round-trips the state, leaving defaults out', () => {
    const s = logsStateFromSearch(
      'query=%7Ba%3D%22b%22%7D&from=now-6h&to=now&dir=forward&live=1&wrap=0',
    );
    assert.equal(s.query, '{a="b"}');
    assert.equal(s.range.from, 'now-6h');
    assert.equal(s.direction, 'forward');
    assert.equal(s.live, true);
    assert.equal(s.wrap, false);
    assert.deepEqual(logsStateFromSearch(logsStateToSearch(s)), s);
    const d = logsStateFromSearch('');
    assert.equal(d.direction, 'backward');
    assert.equal(d.wrap, true);
    assert.equal(logsStateToSearch(d), 'from=now-1h&to=now');
  });

  it('takes q= (the link of a LogQL alert) as the query, query= winning', () => {
    assert.equal(logsStateFromSearch('q=%7Ba%3D%22b%22%7D').query, '{a="b"}');
    assert.equal(logsStateFromSearch('q=x&query=%7Bc%3D%22d%22%7D').query, '{c="d"}');
  });
});

describe('logs-lines', () => {
  const streams: LokiStream[] = [
    {
      stream: { app: 'a', level: 'error' },
      values: [
        ['1700000000000000002', 'two'],
        ['1700000000000000000', 'zero'],
      ] as [string, string][],
    },
    { stream: { app: 'b' }, values: [['1700000000000000001', 'WARN one']] as [string, string][] },
  ];
  it('compares and converts nanoseconds', () => {
    assert.ok(compareNs('999', '1000') < 0);
    assert.ok(compareNs('1001', '1000') > 0);
    assert.equal(nsToSec('1700000000123456789'), 1700000000.123);
    assert.equal(secToNs(1700000000.5), '1700000000500000000');
    assert.equal(addNs('1700000000000000000', -1), '1699999999999999999');
  });
  it('flattens streams newest first or oldest first, with levels', () => {
    const b = flattenStreams(streams, 'backward');
    assert.deepEqual(
      b.map((l) => l.line),
      ['two', 'WARN one', 'zero'],
    );
    assert.deepEqual(
      b.map((l) => l.level),
      ['error', 'warn', 'error'],
    );
    assert.deepEqual(
      flattenStreams(streams, 'forward').map((l) => l.line),
      ['zero', 'WARN one', 'two'],
    );
  });
  it('merges pages without duplicates, caps live lines', () => {
    const all = flattenStreams(streams, 'backward');
    const merged = mergeLines(all.slice(0, 2), all.slice(1), 'backward');
    assert.deepEqual(
      merged.map((l) => l.line),
      ['two', 'WARN one', 'zero'],
    );
    const live = appendLive(all.slice(0, 1), all.slice(1), 2);
    assert.equal(live.dropped, 1);
    assert.deepEqual(
      live.lines.map((l) => l.line),
      ['two', 'WARN one'],
    );
  });
  it('counts facet values', () => {
    const f = facets(flattenStreams(streams, 'backward'));
    assert.deepEqual(f, [
      {
        name: 'app',
        distinct: 2,
        top: [
          { value: 'a', count: 2 },
          { value: 'b', count: 1 },
        ],
      },
      { name: 'level', distinct: 1, top: [{ value: 'error', count: 2 }] },
    ]);
  });
});
