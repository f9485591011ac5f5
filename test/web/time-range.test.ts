import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  autoStep,
  DEFAULT_RANGE,
  describeRange,
  formatDuration,
  fromInputValue,
  niceStep,
  parseDuration,
  quickRange,
  rangeError,
  rangeFromParams,
  rangeToParams,
  resolveRange,
  resolveTime,
  toInputValue,
} from '../../web/src/lib/time-range.js';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0); // ms

describe('durations', () => {
  it('parses Prometheus durations', () => {
    assert.equal(parseDuration('15s'), 15);
    assert.equal(parseDuration('1h30m'), 5400);
    assert.equal(parseDuration('7d'), 604800);
    assert.equal(parseDuration('500ms'), 0.5);
    assert.equal(parseDuration('1w'), 604800);
    assert.equal(parseDuration(''), undefined);
    assert.equal(parseDuration('1.5h'), undefined);
    assert.equal(parseDuration('h'), undefined);
    assert.equal(parseDuration('10x'), undefined);
  });
  it('formats seconds as the shortest duration', () => {
    assert.equal(formatDuration(3600), '1h');
    assert.equal(formatDuration(90), '1m30s');
    assert.equal(formatDuration(15), '15s');
    assert.equal(formatDuration(0.25), '250ms');
    assert.equal(formatDuration(86400 * 8), '1w1d');
  });
});

describe('times', () => {
  it('resolves relative and absolute specs', () => {
    assert.equal(resolveTime('now', NOW), NOW / 1000);
    assert.equal(resolveTime('now-1h', NOW), NOW / 1000 - 3600);
    assert.equal(resolveTime(' now-15m ', NOW), NOW / 1000 - 900);
    assert.equal(resolveTime('2026-11-27T10:00:00Z', NOW), Date.UTC(2026, 10, 27, 10) / 1000);
    assert.equal(resolveTime('2026-11-27T10:00:00+01:00', NOW), Date.UTC(2026, 10, 27, 9) / 1000);
    assert.equal(resolveTime(String(NOW), NOW), NOW / 1000);
    assert.equal(resolveTime('now-', NOW), undefined);
    assert.equal(resolveTime('yesterday', NOW), undefined);
    assert.equal(resolveTime('Nov 27 2026', NOW), undefined);
  });
  it('explains a bad range and falls back to the last hour', () => {
    assert.equal(rangeError(DEFAULT_RANGE, NOW), undefined);
    assert.match(rangeError({ ...DEFAULT_RANGE, from: 'x' }, NOW) ?? '', /start time "x"/);
    assert.match(rangeError({ ...DEFAULT_RANGE, from: 'now', to: 'now-1h' }, NOW) ?? '', /after/);
    assert.deepEqual(resolveRange({ ...DEFAULT_RANGE, to: 'bad' }, NOW), {
      start: NOW / 1000 - 3600,
      end: NOW / 1000,
    });
  });
  it('round-trips datetime-local values in UTC', () => {
    const sec = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;
    assert.equal(toInputValue(sec, 'utc'), '2026-01-02T03:04:05');
    assert.equal(fromInputValue('2026-01-02T03:04:05', 'utc'), '2026-01-02T03:04:05Z');
    assert.equal(fromInputValue('2026-01-02T03:04', 'utc'), '2026-01-02T03:04:00Z');
    assert.equal(fromInputValue('garbage', 'utc'), undefined);
    // Local time round-trips through whatever zone the test machine has.
    const local = fromInputValue(toInputValue(sec, 'local'), 'local');
    assert.equal(resolveTime(local ?? '', NOW), sec);
  });
  it('describes ranges', () => {
    assert.equal(describeRange(quickRange(DEFAULT_RANGE, '6h'), NOW), 'Last 6h');
    const abs = {
      ...DEFAULT_RANGE,
      from: '2026-11-27T10:00:00Z',
      to: '2026-11-27T11:00:00Z',
      tz: 'utc' as const,
    };
    assert.equal(describeRange(abs, NOW), '2026-11-27 10:00:00 UTC → 2026-11-27 11:00:00 UTC');
  });
});

describe('step', () => {
  it('rounds up to a nice step', () => {
    assert.equal(niceStep(1), 1);
    assert.equal(niceStep(16), 20);
    assert.equal(niceStep(61), 120);
    assert.equal(niceStep(4000), 7200);
    assert.equal(niceStep(700000), 9 * 86400);
  });
  it('picks about one point per pixel, at least 15 s, at most 11,000 points', () => {
    assert.equal(autoStep(300, 1000), 15); // 5m: the floor
    assert.equal(autoStep(3600, 1000), 15); // 1h / 1000 px = 3.6 s → 15 s
    assert.equal(autoStep(6 * 3600, 1000), 30); // 21.6 s → 30 s
    assert.equal(autoStep(86400, 1000), 120); // 86.4 s → 2 min
    assert.equal(autoStep(7 * 86400, 1200), 600); // 504 s → 10 min
    assert.equal(autoStep(3600, 1000, 1), 5); // 3.6 s → 5 s without the floor
    // A huge width cannot exceed 11,000 points: range/11000 wins.
    assert.equal(autoStep(30 * 86400, 1e6, 1), 300);
    // Fewer pixels per point → a coarser step.
    assert.equal(autoStep(86400, 1000, 15, 2), 300);
  });
});

describe('URL params', () => {
  it('round-trips a range, leaving defaults out', () => {
    assert.deepEqual(rangeToParams(DEFAULT_RANGE), { from: 'now-1h', to: 'now' });
    const r = { from: '2026-11-27T10:00:00Z', to: 'now', tz: 'utc' as const, step: 60 };
    const p = rangeToParams(r);
    assert.deepEqual(p, { from: r.from, to: 'now', tz: 'utc', step: '1m' });
    assert.deepEqual(rangeFromParams(new URLSearchParams(p), NOW), r);
  });
  it('takes defaults for missing or bad values', () => {
    assert.deepEqual(rangeFromParams(new URLSearchParams(''), NOW), DEFAULT_RANGE);
    assert.deepEqual(
      rangeFromParams(new URLSearchParams('from=now&to=now-1h&step=-5&tz=mars'), NOW),
      DEFAULT_RANGE,
    );
    assert.equal(rangeFromParams(new URLSearchParams('step=30'), NOW).step, 30);
  });
});
