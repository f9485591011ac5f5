import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import {
  defaultStepMs,
  parseBounds,
  parseDelayFor,
  parseDirection,
  parseLokiDuration,
  parseLokiLimit,
  parseLokiTime,
  parseStepInterval,
  requiredQuery,
} from './params.js';

const q = (s: string) => new URLSearchParams(s);
const NOW_MS = 1_700_000_000_000;
const NOW_NS = 1_700_000_000_000_000_000n;

function fails(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status, 400);
    assert.equal(err.message, message);
    return true;
  });
}

describe('Loki parameters', () => {
  it('reads times as Loki does: short ints are seconds, long ints ns, dotted floats seconds, RFC3339', () => {
    const table: [string, bigint][] = [
      ['1700000000', NOW_NS],
      ['1700000000000000000', NOW_NS],
      ['1700000000.5', NOW_NS + 500_000_000n],
      ['1700000000.1234', NOW_NS + 123_000_000n],
      ['0', 0n],
      ['2023-11-14T22:13:20Z', NOW_NS],
      ['2023-11-14T22:13:20.000000001Z', NOW_NS + 1n],
      ['2023-11-15T00:13:20+02:00', NOW_NS],
    ];
    for (const [s, want] of table) assert.equal(parseLokiTime('start', s), want, s);
    for (const s of ['abc', '2023-11-14', '1e9', '', '99999999999999999999'])
      fails(
        () => parseLokiTime('start', s),
        `invalid start: cannot parse ${JSON.stringify(s)} as a timestamp (want ns like 1700000000000000000, seconds like 1700000000.5, or RFC3339 like 2023-11-14T22:13:20Z)`,
      );
  });

  it('reads durations as float seconds or Prometheus durations', () => {
    assert.equal(parseLokiDuration('step', '15'), 15_000);
    assert.equal(parseLokiDuration('step', '0.5'), 500);
    assert.equal(parseLokiDuration('step', '1m30s'), 90_000);
    fails(
      () => parseLokiDuration('step', 'x'),
      'invalid step: cannot parse "x" to a valid duration',
    );
  });

  it('limit: default 100, positive, at most the max entries limit', () => {
    assert.equal(parseLokiLimit(q(''), 5000), 100);
    assert.equal(parseLokiLimit(q(''), 50), 50);
    assert.equal(parseLokiLimit(q('limit=5000'), 5000), 5000);
    fails(() => parseLokiLimit(q('limit=0'), 5000), 'limit must be a positive value');
    fails(() => parseLokiLimit(q('limit=-3'), 5000), 'limit must be a positive value');
    fails(
      () => parseLokiLimit(q('limit=x'), 5000),
      'invalid limit: cannot parse "x" as an integer',
    );
    fails(
      () => parseLokiLimit(q('limit=5001'), 5000),
      'max entries limit per query exceeded, limit > max_entries_limit (5001 > 5000)',
    );
  });

  it('direction: backward by default, any case', () => {
    assert.equal(parseDirection(q('')), 'backward');
    assert.equal(parseDirection(q('direction=FORWARD')), 'forward');
    fails(
      () => parseDirection(q('direction=up')),
      "invalid direction 'up': want forward or backward",
    );
  });

  it('bounds: end = now, start = end - since (1h default)', () => {
    assert.deepEqual(parseBounds(q(''), NOW_MS), {
      start: NOW_NS - 3_600_000_000_000n,
      end: NOW_NS,
    });
    assert.deepEqual(parseBounds(q('since=5m&end=1700000000'), 0), {
      start: NOW_NS - 300_000_000_000n,
      end: NOW_NS,
    });
    assert.deepEqual(parseBounds(q('start=1699999990&since=5m'), NOW_MS), {
      start: NOW_NS - 10_000_000_000n,
      end: NOW_NS,
    });
    fails(
      () => parseBounds(q('start=1700000001'), NOW_MS),
      'end timestamp must not be before or equal to start time',
    );
    fails(
      () => parseBounds(q('since=-60'), NOW_MS),
      'invalid since: want a duration >= 0, got "-60"',
    );
  });

  it('step: Loki default, positive, at most 11,000 points; interval >= 0', () => {
    const h = 3_600_000_000_000n;
    assert.equal(defaultStepMs(0n, h), 15_000);
    assert.equal(defaultStepMs(0n, 1_000_000n), 1000);
    assert.deepEqual(parseStepInterval(q(''), 0n, h), { stepMs: 15_000, intervalMs: 0 });
    assert.deepEqual(parseStepInterval(q('step=1m&interval=10s'), 0n, h), {
      stepMs: 60_000,
      intervalMs: 10_000,
    });
    fails(
      () => parseStepInterval(q('step=0'), 0n, h),
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
    fails(
      () => parseStepInterval(q('step=0.1'), 0n, h),
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
    fails(() => parseStepInterval(q('interval=-1'), 0n, h), 'interval must be >= 0');
  });

  it('delay_for: 0 to 5 seconds', () => {
    assert.equal(parseDelayFor(q('')), 0);
    assert.equal(parseDelayFor(q('delay_for=5')), 5);
    fails(() => parseDelayFor(q('delay_for=6')), "delay_for can't be greater than 5");
    fails(() => parseDelayFor(q('delay_for=-1')), 'delay_for must be >= 0');
    fails(
      () => parseDelayFor(q('delay_for=1s')),
      'invalid delay_for: cannot parse "1s" as an integer',
    );
  });

  it('query is required', () => {
    assert.equal(requiredQuery(q('query=%7Ba%3D%22b%22%7D')), '{a="b"}');
    fails(() => requiredQuery(q('')), 'query parameter is required (a LogQL expression)');
  });
});
