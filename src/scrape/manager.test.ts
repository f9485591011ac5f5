import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matcher, tenantId } from '../model/index.js';
import { MemStore, readSeries } from '../storage/testing.js';
import { nopLogger } from '../util/index.js';
import { testGlobal, testJobs } from './scrape-test-helpers.js';
import { ScrapeManager, scrapeOffset } from './manager.js';

const GLOBAL = testGlobal(100, 100);
const jobs = (...cs: object[]) => testJobs(GLOBAL, ...cs);

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('scrapeOffset', () => {
  it('is stable and inside the interval', () => {
    assert.equal(scrapeOffset('a', 15_000), scrapeOffset('a', 15_000));
    for (const k of ['a', 'b', 'c', 'd']) assert.ok(scrapeOffset(k, 1000) < 1000);
  });
});

describe('ScrapeManager', () => {
  it('scrapes static targets on their interval, reports them, and stales removed ones', async () => {
    const store = new MemStore();
    const fetched: string[] = [];
    const m = new ScrapeManager({
      appendable: store,
      logger: nopLogger,
      fetch: async (url) => {
        fetched.push(url);
        if (url.includes('bad')) throw new Error('connection refused');
        return { body: Buffer.from('hits_total 7\n'), contentType: 'text/plain' };
      },
    });
    try {
      await m.apply(
        jobs({
          job_name: 'app',
          static_configs: [{ targets: ['good:1', 'bad:2'], labels: { env: 'test' } }],
          relabel_configs: [{ source_labels: ['__address__'], regex: 'drop.*', action: 'drop' }],
        }),
      );
      await waitFor(
        () => m.activeTargets().every((t) => t.health !== 'unknown'),
        'both targets scraped',
      );
      const byUrl = Object.fromEntries(m.activeTargets().map((t) => [t.scrapeUrl, t]));
      assert.equal(byUrl['http://good:1/metrics'].health, 'up');
      assert.deepEqual(byUrl['http://good:1/metrics'].labels, {
        env: 'test',
        instance: 'good:1',
        job: 'app',
      });
      assert.equal(byUrl['http://bad:2/metrics'].health, 'down');
      assert.match(byUrl['http://bad:2/metrics'].lastError, /connection refused/);
      const hits = () => readSeries(store, [new Matcher('=', '__name__', 'hits_total')]);
      assert.equal(
        hits()[0].labels,
        '{__name__="hits_total", env="test", instance="good:1", job="app"}',
      );
      // Remove the good target: its series get a stale marker.
      await m.apply(jobs({ job_name: 'app', static_configs: [{ targets: ['bad:2'] }] }));
      await waitFor(() => hits()[0].vs.at(-1) === 'stale', 'a stale marker');
      assert.deepEqual(
        m.activeTargets().map((t) => t.scrapeUrl),
        ['http://bad:2/metrics'],
      );
    } finally {
      await m.stop();
    }
  });

  it('keeps dropped targets for the API and enforces target_limit', async () => {
    const m = new ScrapeManager({
      appendable: new MemStore(),
      logger: nopLogger,
      fetch: async () => ({ body: Buffer.from('x 1\n'), contentType: 'text/plain' }),
    });
    try {
      await m.apply(
        jobs({
          job_name: 'lim',
          target_limit: 1,
          static_configs: [{ targets: ['a:1', 'b:1', 'skip:1'] }],
          relabel_configs: [{ source_labels: ['__address__'], regex: 'skip:.*', action: 'drop' }],
        }),
      );
      await waitFor(() => m.activeTargets().every((t) => t.health !== 'unknown'), 'scrapes');
      assert.deepEqual(
        m.droppedTargets().map((d) => d.discoveredLabels.__address__),
        ['skip:1'],
      );
      for (const t of m.activeTargets()) {
        assert.equal(t.health, 'down');
        assert.equal(t.lastError, 'target_limit exceeded (2 targets, limit 1)');
      }
    } finally {
      await m.stop();
    }
  });

  it('lands jobs in their tenant and filters targets by tenant', async () => {
    const store = new MemStore();
    const m = new ScrapeManager({
      appendable: store,
      logger: nopLogger,
      fetch: async () => ({ body: Buffer.from('y 1\n'), contentType: 'text/plain' }),
    });
    try {
      await m.apply(
        jobs({ job_name: 't', tenant: 'acme', static_configs: [{ targets: ['h:1'] }] }),
      );
      await waitFor(() => m.activeTargets()[0]?.health === 'up', 'a scrape');
      assert.equal(m.activeTargets('default').length, 0);
      assert.equal(m.activeTargets('acme').length, 1);
      assert.equal(
        readSeries(store, [new Matcher('=', '__name__', 'y')], tenantId('acme')).length,
        1,
      );
    } finally {
      await m.stop();
    }
  });
});
