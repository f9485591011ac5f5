import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  horizonWarning,
  humanPeriod,
  percentOfRaw,
  retentionSummary,
  type LogsInfo,
} from '../../web/src/lib/logs-retention.js';

const DAY = 86_400_000;
const info = (over: Partial<LogsInfo['retention']> = {}, store: LogsInfo['store'] = null) => ({
  retention: { periodMs: 30 * DAY, streams: [], maxBytes: 0, ...over },
  store,
});

describe('logs-retention', () => {
  it('says periods as people do', () => {
    assert.equal(humanPeriod(30 * DAY), '30 days');
    assert.equal(humanPeriod(DAY), '1 day');
    assert.equal(humanPeriod(12 * 3_600_000), '12 hours');
    assert.equal(humanPeriod(36 * 3_600_000), '36 hours');
    assert.equal(humanPeriod(15 * 60_000), '15 minutes');
    assert.equal(humanPeriod(90_000), '1m30s');
    assert.equal(humanPeriod(0), 'forever');
  });
  it('sums up period, rules, cap and store', () => {
    const s = retentionSummary(
      info(
        { streams: [{ selector: '{env="dev"}', periodMs: 3 * DAY }], maxBytes: 50 * 2 ** 30 },
        { chunks: 10, storedBytes: 1.2 * 2 ** 30, rawBytes: 8.6 * 2 ** 30, headStreams: 3 },
      ),
    );
    assert.deepEqual(s, {
      kept: 'Kept 30 days',
      rules: [{ selector: '{env="dev"}', period: '3 days' }],
      cap: 'size cap 50 GiB (oldest first)',
      store: 'store 1.2 GiB on disk (14% of raw)',
    });
  });
  it('says forever, no cap, and an empty store', () => {
    const s = retentionSummary(
      info({ periodMs: 0 }, { chunks: 0, storedBytes: 0, rawBytes: 0, headStreams: 2 }),
    );
    assert.equal(s.kept, 'Kept forever');
    assert.equal(s.cap, undefined);
    assert.equal(s.store, 'nothing on disk yet');
    assert.equal(retentionSummary(info()).store, undefined);
  });
  it('rounds small shares to a tenth', () => {
    assert.equal(percentOfRaw(83, 1000), '8.3%');
    assert.equal(percentOfRaw(140, 1000), '14%');
  });
  it('warns when the range starts before a horizon', () => {
    const now = 100 * DAY;
    const i = info({ streams: [{ selector: '{env="dev"}', periodMs: 3 * DAY }] });
    assert.equal(horizonWarning(i, now - DAY, now), undefined);
    assert.equal(
      horizonWarning(i, now - 7 * DAY, now),
      'This range starts before the retention horizon: streams matching {env="dev"} keep 3 days.',
    );
    assert.equal(
      horizonWarning(i, now - 31 * DAY, now),
      'This range starts before the retention horizon: logs older than 30 days are deleted; ' +
        'streams matching {env="dev"} keep 3 days.',
    );
    // Forever never warns.
    assert.equal(horizonWarning(info({ periodMs: 0 }), 0, now), undefined);
  });
});
