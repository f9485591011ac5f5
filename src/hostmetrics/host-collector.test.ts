import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_TENANT, Matcher, tenantId } from '../model/index.js';
import { type Appendable, UnknownSeriesRefError } from '../storage/index.js';
import { MemStore, readSeries } from '../storage/testing.js';
import { COLLECTORS } from './collectors.js';
import { hostConfigSchema } from './config.js';
import { add, type Collector, family } from './family.js';
import { fakeStatfs, FIXTURE } from './hostmetrics-test-helpers.js';
import { HostCollector, type HostCollectorOptions } from './host-collector.js';

const eq = (n: string, v: string) => new Matcher('=', n, v);

describe('HostCollector', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'argus-hostmetrics-'));
    await cp(FIXTURE, dir, { recursive: true });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const make = (store: MemStore, extra: Partial<HostCollectorOptions> = {}, cfg: object = {}) =>
    new HostCollector({
      config: hostConfigSchema.parse({ instance: 'host-a:9100', ...cfg }),
      appendable: store,
      metadata: store,
      procPath: path.join(dir, 'proc'),
      sysPath: path.join(dir, 'sys'),
      rootfsPath: path.join(dir, 'rootfs'),
      statfs: fakeStatfs,
      ...extra,
    });

  it('appends every family with job and instance at the tick time, and metadata', async () => {
    const store = new MemStore();
    const hc = make(store);
    const r = await hc.tick(1_000_000);
    assert.ok(r && r.appended > 200, `appended ${r?.appended}`);
    assert.deepEqual(r.failed, []);
    const s = readSeries(store, [eq('__name__', 'node_load1')]);
    assert.deepEqual(s, [
      {
        labels: '{__name__="node_load1", instance="host-a:9100", job="node"}',
        ts: [1_000_000],
        vs: [1.32],
      },
    ]);
    assert.deepEqual(
      store.getMetadata(DEFAULT_TENANT, 'node_cpu_seconds_total').get('node_cpu_seconds_total'),
      {
        type: 'counter',
        help: 'Seconds the CPUs spent in each mode.',
        unit: '',
      },
    );
    const ok = readSeries(store, [eq('__name__', 'node_scrape_collector_success')]);
    assert.equal(ok.length, COLLECTORS.length);
    assert.ok(ok.every((x) => x.vs[0] === 1));
  });

  it('writes stale markers when an interface disappears, and for everything on stop', async () => {
    const store = new MemStore();
    const hc = make(store, {}, { collectors: { cpu: false } });
    let live = 0;
    await hc.tick(1000);
    const devPath = path.join(dir, 'proc/net/dev');
    const orig = await readFile(devPath, 'utf8');
    try {
      await writeFile(
        devPath,
        orig
          .split('\n')
          .filter((l) => !l.includes('ifb1:'))
          .join('\n'),
      );
      const r = await hc.tick(2000);
      assert.equal(r?.stale, 16); // 16 netdev families of ifb1
      live = r.appended;
    } finally {
      await writeFile(devPath, orig);
    }
    const ifb1 = readSeries(store, [
      eq('__name__', 'node_network_receive_bytes_total'),
      eq('device', 'ifb1'),
    ]);
    assert.deepEqual(ifb1[0].ts, [1000, 2000]);
    assert.deepEqual(ifb1[0].vs, [0, 'stale']);
    // Switched-off collectors never wrote anything.
    assert.deepEqual(readSeries(store, [eq('__name__', 'node_cpu_seconds_total')]), []);
    const n = await hc.markAllStale(3000);
    assert.equal(n, live);
    const load = readSeries(store, [eq('__name__', 'node_load1')]);
    assert.deepEqual(load[0].vs, [1.32, 1.32, 'stale']);
  });

  it('follows series that change places, repeat, vanish and come back (cached refs)', async () => {
    const store = new MemStore();
    const ticks = [['a', 'b', 'c'], ['c', 'a'], ['a', 'a', 'b'], ['b']];
    let i = 0;
    const fake: Collector = {
      name: 'fake',
      collect: () => {
        const f = family('x', 'gauge', 'X.');
        for (const id of ticks[i]) add(f, { id, k: 'v' }, i + (id === 'a' ? 0.5 : 0));
        i++;
        return Promise.resolve([f]);
      },
    };
    const hc = make(store, { collectors: [fake] });
    const got = [];
    for (let t = 1; t <= ticks.length; t++) got.push(await hc.tick(t * 1000));
    assert.deepEqual(
      got.map((r) => [r?.appended, r?.stale]),
      // Each tick also writes the fake collector's duration and success series.
      [
        [5, 0],
        [4, 1],
        [4, 1],
        [3, 1],
      ],
    );
    const by = (id: string) =>
      readSeries(store, [eq('__name__', 'x'), eq('id', id), eq('k', 'v')])[0];
    assert.deepEqual(by('a').vs, [0.5, 1.5, 2.5, 'stale']);
    assert.deepEqual(by('b').vs, [0, 'stale', 2, 3]);
    assert.deepEqual(by('c').vs, [0, 1, 'stale']);
  });

  it('re-sends the labels when the store no longer knows a cached series ref', async () => {
    const store = new MemStore();
    let forget = false;
    const forgetful: Appendable = {
      appender(tenant) {
        const app = store.appender(tenant);
        return {
          append(ref, labels, t, v) {
            if (forget && labels === null) throw new UnknownSeriesRefError(`unknown ref ${ref}`);
            return app.append(ref, labels, t, v);
          },
          commit: () => app.commit(),
          rollback: () => app.rollback(),
        };
      },
    };
    const hc = make(store, { appendable: forgetful }, { collectors: { cpu: false } });
    await hc.tick(1000);
    forget = true;
    const r = await hc.tick(2000);
    assert.equal(hc.stats.appendErrors, 0);
    assert.ok(r && r.appended > 100);
    assert.deepEqual(readSeries(store, [eq('__name__', 'node_load1')])[0].vs, [1.32, 1.32]);
  });

  it('after a failed append, the next tick stores everything and marks only stored series', async () => {
    const store = new MemStore();
    let fail = false;
    let tick = 0;
    const failing: Appendable = {
      appender(tenant) {
        const app = store.appender(tenant);
        return {
          append: (ref, labels, t, v) => app.append(ref, labels, t, v),
          commit: () => (fail ? Promise.reject(new Error('disk full')) : app.commit()),
          rollback: () => app.rollback(),
        };
      },
    };
    const fake: Collector = {
      name: 'fake',
      collect: () => {
        const f = family('y', 'gauge', 'Y.');
        add(f, { id: 'old' }, 1);
        if (tick === 1) add(f, { id: 'new' }, 2); // only in the tick that fails
        tick++;
        return Promise.resolve([f]);
      },
    };
    const hc = make(store, { appendable: failing, collectors: [fake] });
    await hc.tick(1000);
    fail = true;
    assert.equal((await hc.tick(2000))?.appended, 0);
    fail = false;
    const r = await hc.tick(3000);
    assert.equal(r?.stale, 0); // "new" was never stored: no marker for it
    assert.deepEqual(readSeries(store, [eq('__name__', 'y'), eq('id', 'old')])[0].vs, [1, 1]);
    assert.deepEqual(readSeries(store, [eq('__name__', 'y'), eq('id', 'new')]), []);
  });

  it('a failing collector is reported and logged; the others keep working', async () => {
    const store = new MemStore();
    const warned: object[] = [];
    const boom: Collector = {
      name: 'boom',
      collect: () => Promise.reject(new Error('cannot read /proc/boom: EIO')),
    };
    const logger = { debug() {}, info() {}, error() {}, warn: (o: object) => void warned.push(o) };
    const hc = make(store, { collectors: [boom, ...COLLECTORS], logger, tenant: tenantId('acme') });
    const r = await hc.tick(5000);
    assert.deepEqual(r?.failed, ['boom']);
    assert.equal(hc.stats.collectorErrors.get('boom'), 1);
    assert.deepEqual(warned, [{ collector: 'boom', err: 'cannot read /proc/boom: EIO' }]);
    const acme = tenantId('acme');
    assert.deepEqual(
      readSeries(
        store,
        [eq('__name__', 'node_scrape_collector_success'), eq('collector', 'boom')],
        acme,
      )[0].vs,
      [0],
    );
    assert.equal(readSeries(store, [eq('__name__', 'node_load5')], acme)[0].vs[0], 1.46);
    assert.deepEqual(readSeries(store, [eq('__name__', 'node_load5')]), []); // not the default tenant
  });

  it('never runs two ticks at once; timestamps never go backwards', async () => {
    const store = new MemStore();
    const hc = make(store, {}, { collectors: { cpu: false, diskstats: false } });
    const [a, b] = await Promise.all([hc.tick(10_000), hc.tick(10_000)]);
    assert.ok(a);
    assert.equal(b, undefined);
    assert.equal(hc.stats.overruns, 1);
    const c = await hc.tick(9_000); // a clock step back: moved just past the last tick
    assert.equal(c?.t, 10_001);
  });

  it('an append error rolls the batch back, is counted, and the next tick works', async () => {
    const store = new MemStore({ maxSeriesPerTenant: 10 });
    const errors: object[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (o: object) => void errors.push(o) };
    const hc = make(store, { logger });
    const r = await hc.tick(1000);
    assert.equal(r?.appended, 0);
    assert.equal(hc.stats.appendErrors, 1);
    assert.equal(errors.length, 1);
    assert.deepEqual(readSeries(store, [eq('__name__', 'node_load1')]), []);
  });

  it('run() ticks until aborted, then marks every series stale', async () => {
    const store = new MemStore();
    const hc = make(store, {}, { interval: '1s', collectors: { cpu: false } });
    const ac = new AbortController();
    const done = hc.run(ac.signal);
    // Bounded wait for the first tick to land.
    for (let i = 0; i < 200 && hc.stats.ticks === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await done;
    const load = readSeries(store, [eq('__name__', 'node_load1')]);
    assert.equal(load[0].vs.at(-1), 'stale');
    assert.ok(load[0].vs.length >= 2);
  });

  it('instance defaults to the host name; collector labels named job/instance are renamed', async () => {
    const store = new MemStore();
    const odd: Collector = {
      name: 'odd',
      collect: () =>
        Promise.resolve([
          { name: 'x', type: 'gauge', help: 'h', samples: [{ labels: { job: 'j' }, value: 1 }] },
        ]),
    };
    const hc = new HostCollector({
      config: hostConfigSchema.parse({ job: 'host' }),
      appendable: store,
      collectors: [odd],
    });
    await hc.tick(1);
    const [x] = readSeries(store, [eq('__name__', 'x')]);
    assert.match(x.labels, /exported_job="j", instance="[^"]+", job="host"/);
  });
});
