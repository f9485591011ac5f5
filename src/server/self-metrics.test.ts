import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { DEFAULT_TENANT, Matcher } from '../model/index.js';
import { MemStore, readSeries } from '../storage/testing.js';
import { nopLogger } from '../util/index.js';
import { argusConfigSchema } from './config.js';
import { createRegistry } from './metrics.js';
import { registerDataDirMetrics, SelfCollector } from './self-metrics.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function dataDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'argus-self-'));
  dirs.push(d);
  return d;
}

/** A hand-driven `every`: `fire()` runs the registered tick as the interval would. */
function fakeTimer() {
  const t = {
    fn: undefined as (() => void) | undefined,
    ms: 0,
    cancelled: 0,
    every: (fn: () => void, ms: number) => {
      t.fn = fn;
      t.ms = ms;
      return () => {
        t.cancelled++;
      };
    },
  };
  return t;
}

const cfgOf = (self: object) => argusConfigSchema.parse({ collect: { self } });
const name = (n: string) => new Matcher('=', '__name__', n);

async function setup(self: object = {}) {
  const registry = createRegistry('1.2.3');
  const store = new MemStore();
  const timer = fakeTimer();
  let now = 1_700_000_000_000;
  const c = new SelfCollector({
    registry,
    appendable: store,
    metadata: store,
    logger: nopLogger,
    dataDir: await dataDir(),
    every: timer.every,
    now: () => now,
  });
  await c.apply(cfgOf(self), '127.0.0.1:9470');
  return { c, store, timer, registry, advance: (ms: number) => (now += ms) };
}

describe('SelfCollector', () => {
  it('stores the registry at once with job="argus" and the instance, plus up', async () => {
    const { c, store, timer } = await setup();
    assert.equal(timer.ms, 15_000);
    const info = readSeries(store, [name('argus_build_info')]);
    assert.equal(info.length, 1);
    assert.match(info[0].labels, /instance="127\.0\.0\.1:9470"/);
    assert.match(info[0].labels, /job="argus"/);
    assert.match(info[0].labels, /version="1\.2\.3"/);
    assert.deepEqual(info[0].vs, [1]);
    const up = readSeries(store, [name('up'), new Matcher('=', 'job', 'argus')]);
    assert.deepEqual(
      up.map((s) => [s.labels, s.vs]),
      [['{__name__="up", instance="127.0.0.1:9470", job="argus"}', [1]]],
    );
    // Process metrics and the disk gauges come along; metadata too.
    assert.equal(readSeries(store, [name('process_start_time_seconds')]).length, 1);
    const free = readSeries(store, [name('argus_data_dir_free_bytes')]);
    const size = readSeries(store, [name('argus_data_dir_size_bytes')]);
    assert.ok(Number(free[0].vs[0]) > 0 && Number(free[0].vs[0]) <= Number(size[0].vs[0]));
    assert.equal(
      store.getMetadata(DEFAULT_TENANT, 'argus_build_info').get('argus_build_info')?.type,
      'gauge',
    );
    assert.equal(c.last?.health, 'up');
    await c.stop();
  });

  it('collects on every tick; a vanished series gets a stale marker; stop marks all stale', async () => {
    const { c, store, timer, registry, advance } = await setup({ interval: '5s' });
    assert.equal(timer.ms, 5000);
    const temp = new Counter({ name: 'temp_total', help: 'x', registers: [registry] });
    temp.inc(3);
    advance(5000);
    timer.fn!();
    // The tick is async: wait (bounded) for its append.
    for (let i = 0; i < 100 && readSeries(store, [name('temp_total')]).length === 0; i++)
      await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(readSeries(store, [name('temp_total')])[0].vs, [3]);
    registry.removeSingleMetric('temp_total');
    advance(5000);
    timer.fn!();
    await c.stop(); // waits for the tick in flight
    assert.deepEqual(readSeries(store, [name('temp_total')])[0].vs, [3, 'stale']);
    assert.deepEqual(readSeries(store, [name('up')])[0].vs, [1, 1, 1, 'stale']);
    assert.equal(timer.cancelled, 1);
    assert.equal(c.last, undefined);
    // Stopped: a late tick of the old timer does nothing.
    timer.fn!();
    assert.deepEqual(readSeries(store, [name('up')])[0].vs, [1, 1, 1, 'stale']);
  });

  it('apply: unchanged keeps running, a new instance restarts, disabled stops', async () => {
    const { c, store, timer } = await setup();
    await c.apply(cfgOf({}), '127.0.0.1:9470');
    assert.equal(timer.cancelled, 0);
    await c.apply(cfgOf({}), 'argus.example:9470');
    assert.equal(timer.cancelled, 1);
    const ups = readSeries(store, [name('up')]);
    assert.deepEqual(
      ups.map((s) => [s.labels, s.vs]),
      [
        ['{__name__="up", instance="127.0.0.1:9470", job="argus"}', [1, 'stale']],
        ['{__name__="up", instance="argus.example:9470", job="argus"}', [1]],
      ],
    );
    await c.apply(cfgOf({ enabled: false }), 'argus.example:9470');
    assert.equal(timer.cancelled, 2);
    assert.equal(c.last, undefined);
    assert.deepEqual(readSeries(store, [name('up')])[1].vs, [1, 'stale']);
  });

  it('a failing render is stored as up=0', async () => {
    const registry = new Registry();
    new Counter({
      name: 'broken_total',
      help: 'x',
      registers: [registry],
      collect() {
        throw new Error('boom');
      },
    });
    const store = new MemStore();
    const c = new SelfCollector({
      registry,
      appendable: store,
      logger: nopLogger,
      dataDir: await dataDir(),
      every: fakeTimer().every,
    });
    await c.apply(cfgOf({}), 'h:1');
    assert.equal(c.last?.health, 'down');
    assert.match(c.last?.error ?? '', /boom/);
    assert.deepEqual(readSeries(store, [name('up')])[0].vs, [0]);
    await c.stop();
  });
});

describe('registerDataDirMetrics', () => {
  it('reports the file system of the data dir, once per registry; nothing for a missing dir', async () => {
    const registry = new Registry();
    const d = await dataDir();
    registerDataDirMetrics(registry, d);
    registerDataDirMetrics(registry, d); // no duplicate-registration error
    const text = await registry.metrics();
    const esc = d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(text, new RegExp(`^argus_data_dir_free_bytes\\{path="${esc}"\\} \\d+$`, 'm'));
    assert.match(text, new RegExp(`^argus_data_dir_size_bytes\\{path="${esc}"\\} [1-9]\\d*$`, 'm'));
    const gone = new Registry();
    registerDataDirMetrics(gone, path.join(d, 'missing'));
    const g = await gone.metrics();
    assert.doesNotMatch(g, /^argus_data_dir_(free|size)_bytes\{/m);
  });
});
