import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, tenantId } from '../model/index.js';
import { BatchTooLargeError, InvalidSeriesError, LimitExceededError } from '../storage/index.js';
import {
  RateBucket,
  TRUNCATION_MARKER,
  checkStreamLabels,
  defaultLogLimits,
  truncateLine,
} from './limits.js';

const M = Buffer.byteLength(TRUNCATION_MARKER);

describe('log limits', () => {
  it('truncates at a UTF-8 character boundary, marker included in the limit', () => {
    assert.equal(truncateLine('short', 10), 'short');
    assert.equal(truncateLine('a'.repeat(30), M + 4), 'aaaa' + TRUNCATION_MARKER);
    // 4-byte characters: never split, so fewer bytes than allowed are kept.
    assert.equal(truncateLine('😀'.repeat(10), M + 7), '😀' + TRUNCATION_MARKER);
    assert.equal(truncateLine('😀'.repeat(10), M + 8), '😀😀' + TRUNCATION_MARKER);
    // A limit below the marker's own size keeps only the marker.
    assert.equal(truncateLine('abcdefghijklmnopqrstuvwxyz', 3), TRUNCATION_MARKER);
  });

  it('checks stream labels', () => {
    const lim = { ...defaultLogLimits(), maxLabelNames: 2, maxLabelValueBytes: 6 };
    checkStreamLabels(Labels.fromObject({ a: 'ééé' }), lim);
    const bad: [Record<string, string>, RegExp][] = [
      [{}, /no labels/],
      [{ a: '1', b: '2', c: '3' }, /3 labels, more than the limit of 2 \(limits.max_log_labels\)/],
      [{ '1a': 'x' }, /invalid label name "1a"/],
      [
        { __name__: 'x', app: 'a' },
        /label name "__name__" is reserved \(names starting with "__" are internal\)/,
      ],
      [{ a: 'éééé' }, /value of label "a" is 8 bytes, more than the limit of 6/],
      [{ a: '\ud800' }, /not valid UTF-8/],
    ];
    for (const [obj, want] of bad)
      assert.throws(
        () => checkStreamLabels(Labels.fromObject(obj), lim),
        (e: unknown) => e instanceof InvalidSeriesError && want.test(e.message),
      );
  });

  it('rate-limits with a token bucket that refills over time', () => {
    const t = tenantId('t');
    const lim = { ...defaultLogLimits(), rateBytes: 100, burstBytes: 150 };
    const b = new RateBucket();
    b.take(t, 150, lim, 0);
    assert.throws(
      () => b.take(t, 1, lim, 0),
      (e: unknown) =>
        e instanceof LimitExceededError &&
        /tenant "t": 1 line bytes exceed the ingestion rate of 100 bytes\/s \(burst 150, 0 available now\)/.test(
          e.message,
        ),
    );
    b.take(t, 50, lim, 500);
    assert.throws(() => b.take(t, 1, lim, 500), LimitExceededError);
    b.take(t, 150, lim, 10_000); // refilled only up to the burst
    assert.throws(() => b.take(t, 1, lim, 10_000), LimitExceededError);
    // Burst 0 = twice the rate; rate 0 = unlimited.
    const b2 = new RateBucket();
    b2.take(t, 200, { ...lim, burstBytes: 0 }, 0);
    b2.take(t, 1e12, { ...lim, rateBytes: 0 }, 0);
  });

  it('refuses a batch larger than the burst as never admissible (413), and says when to retry otherwise', () => {
    const t = tenantId('t');
    const lim = { ...defaultLogLimits(), rateBytes: 100, burstBytes: 150 };
    const b = new RateBucket();
    assert.throws(
      () => b.take(t, 151, lim, 0),
      (e: unknown) =>
        e instanceof BatchTooLargeError &&
        e.message ===
          'cannot ingest logs for tenant "t": a batch of 151 line bytes is larger than the ingestion burst of 150 bytes (limits.log_ingestion_burst); send smaller batches',
    );
    b.take(t, 150, lim, 0); // the refused batch took nothing
    assert.throws(
      () => b.take(t, 50, lim, 0),
      (e: unknown) => e instanceof LimitExceededError && e.retryAfterMs === 500,
    );
  });
});
