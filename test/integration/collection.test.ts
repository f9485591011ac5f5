/**
 * Metrics collection through a real `argus server`: the host collector with no config at all,
 * and scrape jobs from argus.yml against real HTTP targets (a good one, a garbage one), seen
 * through /api/v1/targets and the stored series.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adminFetch, exportSeries, startArgus, tempDir } from './helpers.js';

async function waitFor<T>(get: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await get().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface TargetsBody {
  data: {
    activeTargets: {
      scrapePool: string;
      health: string;
      lastError: string;
      labels: Record<string, string>;
    }[];
    droppedTargets: { discoveredLabels: Record<string, string> }[];
  };
}

describe('collection in a running server', { timeout: 90_000 }, () => {
  let good: http.Server;
  let bad: http.Server;
  let goodPort = 0;
  let badPort = 0;
  before(async () => {
    good = http.createServer((_q, s) =>
      s
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        .end('# TYPE app_requests_total counter\napp_requests_total{code="200"} 42\n'),
    );
    bad = http.createServer((_q, s) => s.end('this is not { an exposition\n'));
    await new Promise<void>((r) => good.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => bad.listen(0, '127.0.0.1', r));
    goodPort = (good.address() as AddressInfo).port;
    badPort = (bad.address() as AddressInfo).port;
  });
  after(async () => {
    good.closeAllConnections();
    bad.closeAllConnections();
    await new Promise((r) => good.close(r));
    await new Promise((r) => bad.close(r));
  });

  it('shows live host metrics with no configuration at all', async () => {
    const argus = await startArgus({ hostMetrics: true });
    try {
      const cpu = await waitFor(async () => {
        const s = await exportSeries(argus.url, 'node_cpu_seconds_total');
        return s.length > 0 ? s : undefined;
      }, 'node_cpu_seconds_total');
      assert.equal(cpu[0].metric.job, 'node');
      assert.ok(cpu.some((s) => s.metric.mode === 'idle'));
      const mem = await exportSeries(argus.url, 'node_memory_MemTotal_bytes');
      assert.ok(Number(mem[0].values[0]) > 0);
      // The tick counter moves once the tick's append is done: wait for it.
      await waitFor(async () => {
        const own = await (await adminFetch(`${argus.url}/metrics`)).text();
        return /^argus_host_collector_ticks [1-9]/m.test(own) ? true : undefined;
      }, 'argus_host_collector_ticks > 0');
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
  });

  it('scrapes jobs from argus.yml and reports them at /api/v1/targets', async () => {
    const dir = await tempDir();
    const config = path.join(dir, 'argus.yml');
    await writeFile(
      config,
      [
        'collect: { host: { enabled: false }, self: { enabled: false } }',
        'rules: { builtin: false }',
        'global: { scrape_interval: 1s, scrape_timeout: 1s }',
        'scrape_configs:',
        '  - job_name: app',
        `    static_configs: [{ targets: ["127.0.0.1:${goodPort}"], labels: { env: it } }]`,
        '  - job_name: broken',
        `    static_configs: [{ targets: ["127.0.0.1:${badPort}"] }]`,
        '',
      ].join('\n'),
    );
    const argus = await startArgus({ args: ['--config', config] });
    try {
      const targets = await waitFor(async () => {
        const res = await adminFetch(`${argus.url}/api/v1/targets`);
        const body = (await res.json()) as TargetsBody;
        const t = body.data.activeTargets;
        return t.length === 2 && t.every((x) => x.health !== 'unknown') ? t : undefined;
      }, 'both targets scraped');
      const app = targets.find((t) => t.scrapePool === 'app')!;
      assert.equal(app.health, 'up');
      assert.deepEqual(app.labels, { env: 'it', instance: `127.0.0.1:${goodPort}`, job: 'app' });
      const broken = targets.find((t) => t.scrapePool === 'broken')!;
      assert.equal(broken.health, 'down');
      assert.match(broken.lastError, /line 1/);
      const reqs = await exportSeries(argus.url, 'app_requests_total');
      assert.deepEqual(reqs[0].metric, {
        __name__: 'app_requests_total',
        code: '200',
        env: 'it',
        instance: `127.0.0.1:${goodPort}`,
        job: 'app',
      });
      assert.equal(reqs[0].values[0], 42);
      // TYPE/HELP/UNIT per target, as Prometheus's /api/v1/targets/metadata.
      const meta = async (q: string) => {
        const res = await adminFetch(`${argus.url}/api/v1/targets/metadata?${q}`);
        return { status: res.status, body: (await res.json()) as { data: unknown } };
      };
      const appLabels = { env: 'it', instance: `127.0.0.1:${goodPort}`, job: 'app' };
      assert.deepEqual(
        (await meta(`match_target=${encodeURIComponent('{job="app"}')}`)).body.data,
        [{ target: appLabels, metric: 'app_requests_total', type: 'counter', help: '', unit: '' }],
      );
      assert.deepEqual((await meta('metric=app_requests_total')).body.data, [
        { target: appLabels, type: 'counter', help: '', unit: '' },
      ]);
      assert.deepEqual(
        (await meta(`match_target=${encodeURIComponent('{job="x"}')}`)).body.data,
        [],
      );
      // limit as Prometheus: 0 lists nothing, negative is no limit, checked per target.
      assert.deepEqual((await meta('limit=0')).body.data, []);
      assert.equal(((await meta('limit=-1')).body.data as unknown[]).length, 1);
      assert.equal((await meta('limit=x')).status, 400);
      const badSel = await meta('match_target=%7Bjob%3D');
      assert.equal(badSel.status, 400);
      assert.match(JSON.stringify(badSel.body), /invalid parameter \\"match_target\\"/);
      const up = await exportSeries(argus.url, 'up');
      assert.deepEqual(up.map((s) => [s.metric.job, s.values.at(-1)]).sort(), [
        ['app', 1],
        ['broken', 0],
      ]);
      const own = await (await adminFetch(`${argus.url}/metrics`)).text();
      assert.match(own, /^argus_scrape_targets\{tenant="default",job="app",health="up"\} 1$/m);
      assert.match(own, /^argus_scrape_targets\{tenant="default",job="broken",health="down"\} 1$/m);
      // Host collection is off here.
      assert.deepEqual(await exportSeries(argus.url, 'node_cpu_seconds_total'), []);
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
  });
});
