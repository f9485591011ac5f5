import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultLogsStoreConfig, logsStoreConfigSchema, outOfOrderWindowMs } from './config.js';

describe('logs.store config', () => {
  it('has the documented defaults', () => {
    const c = defaultLogsStoreConfig();
    assert.deepEqual(c, {
      chunk_target_size: 2 ** 20,
      max_chunk_age: 3_600_000,
      chunk_idle_period: 300_000,
      reject_future: 600_000,
      reject_old: 7 * 24 * 3_600_000,
      wal: { fsync: 'batch' },
      retention_interval: 600_000,
      compaction_interval: 300_000,
    });
    assert.equal(outOfOrderWindowMs(c), 1_800_000);
  });

  it('parses units and rejects unknown keys', () => {
    const c = logsStoreConfigSchema.parse({
      chunk_target_size: '256KiB',
      max_chunk_age: '2h',
      out_of_order_window: '5m',
      wal: { fsync: 'none' },
    });
    assert.equal(c.chunk_target_size, 256 * 1024);
    assert.equal(outOfOrderWindowMs(c), 300_000);
    assert.equal(c.wal.fsync, 'none');
    assert.equal(logsStoreConfigSchema.safeParse({ chunk_size: 1 }).success, false);
    assert.equal(logsStoreConfigSchema.safeParse({ wal: { fsync: 'sometimes' } }).success, false);
  });
});
