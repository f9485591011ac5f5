import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { TenantId } from '../model/index.js';
import { promBytes, promDuration, retentionText, type RetentionInfo } from './status.js';
import { testApi, type TestApi } from './testing.js';

describe('Prometheus-style retention text', () => {
  const cases: [RetentionInfo, string][] = [
    [{ timeMs: 15 * 86_400_000, sizeBytes: 0 }, '15d'],
    [{ timeMs: 14 * 86_400_000, sizeBytes: 0 }, '2w'],
    [{ timeMs: 365 * 86_400_000, sizeBytes: 0 }, '1y'],
    [{ timeMs: 36 * 3_600_000 + 1500, sizeBytes: 0 }, '1d12h1s500ms'],
    [{ timeMs: 0, sizeBytes: 10 * 2 ** 30 }, '10GiB'],
    [{ timeMs: 15 * 86_400_000, sizeBytes: 10 * 2 ** 30 }, '15d or 10GiB'],
    [{ timeMs: 0, sizeBytes: 0 }, ''],
  ];
  for (const [r, want] of cases)
    it(`${JSON.stringify(r)} -> ${JSON.stringify(want)}`, () =>
      assert.equal(retentionText(r), want));
  it('prints sizes and durations as Go does', () => {
    assert.equal(promBytes(1.5 * 2 ** 30), '1GiB512MiB');
    assert.equal(promBytes(1000), '1000B');
    assert.equal(promBytes(2 ** 10 + 1), '1KiB1B');
    assert.equal(promDuration(0), '0s');
    assert.equal(promDuration(90 * 60_000), '1h30m');
  });
});

describe('status routes with the store figures', () => {
  let api: TestApi;
  let base = '';
  let retention: RetentionInfo = { timeMs: 15 * 86_400_000, sizeBytes: 0 };
  before(async () => {
    api = await testApi({
      storageInfo: {
        retention: () => retention,
        headStats: (t: TenantId) =>
          t === 'default' ? { chunkCount: 7, minTime: 1000, maxTime: 9000 } : undefined,
        corruptionCount: () => 1,
      },
    });
    base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => api.close());
  const get = async (p: string) =>
    (
      (await (await fetch(base + p, { headers: { authorization: api.adminAuth } })).json()) as {
        data: Record<string, unknown>;
      }
    ).data;

  it('runtimeinfo fills storageRetention (read per request) and the runtime fields', async () => {
    const d = await get('/api/v1/status/runtimeinfo');
    assert.equal(d.storageRetention, '15d');
    assert.equal(d.corruptionCount, 1);
    assert.equal(d.hostname, os.hostname());
    assert.ok(Math.abs(Date.parse(String(d.serverTime)) - Date.now()) < 60_000);
    assert.ok(typeof d.goroutineCount === 'number' && d.goroutineCount > 0);
    assert.ok(typeof d.GOMEMLIMIT === 'number' && d.GOMEMLIMIT > 0);
    retention = { timeMs: 30 * 86_400_000, sizeBytes: 512 * 2 ** 20 };
    assert.equal((await get('/api/v1/status/runtimeinfo')).storageRetention, '30d or 512MiB');
  });

  it("tsdb headStats carries the tenant's head chunks and time range", async () => {
    const d = await get('/api/v1/status/tsdb');
    assert.deepEqual(d.headStats, {
      numSeries: 0,
      numLabelPairs: 0,
      chunkCount: 7,
      minTime: 1000,
      maxTime: 9000,
    });
  });
});
