import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { DEFAULT_TENANT, InvalidTenantError, tenantId } from '../model/index.js';
import {
  InvalidSeriesError,
  LimitExceededError,
  StorageUnavailableError,
  TooOldSampleError,
} from '../storage/index.js';
import { nopLogger } from '../util/index.js';
import { defaultTsdbConfig } from './config.js';
import { Tsdb } from './tsdb.js';
import { HOUR, ls, readAll, tempTsdb } from './tsdb-test-helpers.js';

const T0 = Date.now() - HOUR;

describe('Tsdb limits and lifecycle', () => {
  it('enforces the series budget per tenant, counts rejections, and applies new limits live', async () => {
    const cfg = defaultTsdbConfig();
    const h = await tempTsdb({ limits: { ...cfg.limits, max_series_per_tenant: 3 } });
    try {
      const a = h.db.appender(DEFAULT_TENANT);
      for (let i = 0; i < 3; i++) a.append(0, ls({ __name__: 's', i: String(i) }), T0, 1);
      assert.throws(() => a.append(0, ls({ __name__: 's', i: '3' }), T0, 1), LimitExceededError);
      await a.commit();
      // Existing series still take samples; another tenant has its own budget.
      const b = h.db.appender(DEFAULT_TENANT);
      b.append(0, ls({ __name__: 's', i: '0' }), T0 + 1, 2);
      await b.commit();
      const other = h.db.appender(tenantId('other'));
      for (let i = 0; i < 3; i++) other.append(0, ls({ __name__: 's', i: String(i) }), T0, 1);
      await other.commit();
      assert.equal(h.db.stats().tenants[0].rejected.series_limit, 1);
      h.db.applyConfig({
        ...h.config,
        limits: { ...cfg.limits, max_series_per_tenant: 4, max_labels_per_series: 2 },
      });
      const c = h.db.appender(DEFAULT_TENANT);
      c.append(0, ls({ __name__: 's', i: '3' }), T0, 1);
      assert.throws(
        () => c.append(0, ls({ __name__: 's', i: '4', x: 'y' }), T0, 1),
        InvalidSeriesError,
      );
      await c.commit();
      assert.equal(readAll(h.db).length, 4);
      assert.equal(h.db.stats().tenants[0].rejected.invalid_labels, 1);
    } finally {
      await h.cleanup();
    }
  });

  it('rejects samples too far behind the newest (half a block) as too old', async () => {
    const h = await tempTsdb({ block_duration: 2 * HOUR });
    try {
      const a = h.db.appender(DEFAULT_TENANT);
      a.append(0, ls({ __name__: 'x' }), T0, 1);
      await a.commit();
      const b = h.db.appender(DEFAULT_TENANT);
      assert.throws(() => b.append(0, ls({ __name__: 'y' }), T0 - HOUR - 1, 1), TooOldSampleError);
      b.append(0, ls({ __name__: 'y' }), T0 - HOUR, 1);
      await b.commit();
      assert.equal(h.db.stats().tenants[0].rejected.too_old, 1);
    } finally {
      await h.cleanup();
    }
  });

  it('refuses appends and queries before open and after close, and the reserved tenant name', async () => {
    const h = await tempTsdb();
    try {
      const fresh = new Tsdb({ dir: h.dir, config: h.config, logger: nopLogger });
      assert.equal(fresh.isReady, false);
      assert.throws(() => fresh.appender(DEFAULT_TENANT), StorageUnavailableError);
      assert.throws(
        () => fresh.querier(DEFAULT_TENANT, 0, T0),
        (e: unknown) =>
          e instanceof StorageUnavailableError &&
          e.message === 'cannot query: the store is not ready (WAL replay in progress)',
      );
      await assert.rejects(fresh.snapshot(false), StorageUnavailableError);
      assert.throws(() => h.db.appender('snapshots' as typeof DEFAULT_TENANT), InvalidTenantError);
      const a = h.db.appender(DEFAULT_TENANT);
      a.append(0, ls({ __name__: 'x' }), T0, 1);
      await h.db.close();
      assert.equal(h.db.isReady, false);
      await assert.rejects(a.commit(), StorageUnavailableError);
      assert.throws(() => h.db.appender(DEFAULT_TENANT), StorageUnavailableError);
      assert.throws(() => h.db.querier(DEFAULT_TENANT, 0, T0), /cannot query: the store is closed/);
    } finally {
      await h.cleanup();
    }
  });

  it('registers its metrics and reports values', async () => {
    const registry = new Registry();
    const h = await tempTsdb({}, { registry });
    try {
      const a = h.db.appender(DEFAULT_TENANT);
      a.append(0, ls({ __name__: 'x' }), T0, 1);
      a.append(0, ls({ __name__: 'y' }), T0, 1);
      await a.commit();
      const b = h.db.appender(DEFAULT_TENANT);
      assert.throws(() => b.append(0, ls({ __name__: 'x' }), T0, 2));
      b.rollback();
      const text = await registry.metrics();
      for (const want of [
        'argus_tsdb_head_series{tenant="default"} 2',
        'argus_tsdb_head_samples_appended_total{tenant="default"} 2',
        'argus_tsdb_samples_rejected_total{tenant="default",reason="duplicate"} 1',
        'argus_tsdb_head_chunks{tenant="default"} 2',
        'argus_tsdb_compactions_total 0',
        'argus_tsdb_compactions_failed_total 0',
        'argus_tsdb_blocks_loaded{tenant="default"} 0',
        'argus_tsdb_blocks_quarantined{tenant="default"} 0',
      ]) {
        assert.ok(text.includes(want), `metrics include ${want}`);
      }
      for (const name of [
        'argus_tsdb_wal_size_bytes',
        'argus_tsdb_wal_fsyncs_total',
        'argus_tsdb_wal_write_errors_total',
        'argus_tsdb_wal_replay_duration_seconds',
        'argus_tsdb_open_duration_seconds',
      ]) {
        assert.match(text, new RegExp(`^${name}`, 'm'));
      }
    } finally {
      await h.cleanup();
    }
  });

  it('logs metadata on its own when no commit follows, and replays it', async () => {
    const h = await tempTsdb();
    try {
      h.db.setMetadata(DEFAULT_TENANT, 'up', { type: 'gauge', help: 'Up.', unit: '' });
      h.db.setMetadata(DEFAULT_TENANT, 'up', { type: 'gauge', help: 'Up.', unit: '' });
      await new Promise((r) => setTimeout(r, 20));
      const db2 = await h.reopen();
      assert.deepEqual([...db2.getMetadata(DEFAULT_TENANT).keys()], ['up']);
      assert.equal(db2.getMetadata(DEFAULT_TENANT, 'nope').size, 0);
    } finally {
      await h.cleanup();
    }
  });
});
