import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { Gauge } from 'prom-client';
import { errorChain } from '../util/index.js';
import { DataDirLockedError, readLock } from './lock.js';
import type { Store, StoreOptions } from './wiring.js';
import { createStore } from './wiring.js';
import { ArgusServer, ServerStartError, type ServerOptions } from './server.js';
import { loadArgusConfig, resolveSettings } from './settings.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A fresh temp dir, removed after this file's tests. */
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'argus-server-'));
  dirs.push(d);
  return d;
}

/** A pino logger writing JSON objects into `lines`. */
function recordingLogger(): { logger: ServerOptions['logger']; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  return { logger, lines };
}

async function start(extra: Partial<ServerOptions> & { configText?: string } = {}): Promise<{
  srv: ArgusServer;
  lines: Record<string, unknown>[];
  configFile: string;
  dataDir: string;
}> {
  const dir = await tempDir();
  const configFile = path.join(dir, 'argus.yml');
  await writeFile(configFile, extra.configText ?? '');
  const settings = resolveSettings(
    { config: configFile, listen: '127.0.0.1:0', dataDir: 'data' },
    {},
    dir,
  );
  const config = await loadArgusConfig(settings.source);
  const { logger, lines } = recordingLogger();
  const srv = await ArgusServer.start({
    settings,
    config,
    logger,
    version: '9.9.9',
    env: { ARGUS_ADMIN_PASSWORD: ADMIN_PASSWORD },
    ...extra,
  });
  return { srv, lines, configFile, dataDir: settings.dataDir };
}

const ADMIN_PASSWORD = 'server-test-admin-password';

/** fetch as the first admin (created from ARGUS_ADMIN_PASSWORD at start). */
function authed(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set(
    'authorization',
    `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
  );
  return fetch(url, { ...init, headers });
}

async function waitFor(cond: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A MemTsdb whose open() waits until `release()` (or fails). */
function gatedStore(fail = false): { factory: (o: StoreOptions) => Store; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return {
    release: () => release(),
    factory: (o) => {
      const store = createStore(o);
      const open = store.open.bind(store);
      store.open = async () => {
        await gate;
        if (fail) throw new Error('disk on fire');
        await open();
      };
      return store;
    },
  };
}

describe('ArgusServer', () => {
  it('serves health, readiness and metrics', async () => {
    const gated = gatedStore();
    const { srv, lines, dataDir } = await start({ createStore: gated.factory });
    try {
      assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await readLock(dataDir))?.url, srv.url);
      assert.equal((await authed(`${srv.url}/-/healthy`)).status, 200);
      const notReady = await authed(`${srv.url}/-/ready`);
      assert.equal(notReady.status, 503);
      // Reads while the WAL replays: 503 unavailable, not an empty success.
      const reads = ['series?match[]=up', 'labels', 'label/job/values', 'export?match[]=up'];
      for (const url of reads) {
        const r = await authed(`${srv.url}/api/v1/${url}`);
        assert.equal(r.status, 503, url);
        assert.deepEqual(await r.json(), {
          status: 'error',
          errorType: 'unavailable',
          error: 'cannot query: the store is not ready (WAL replay in progress)',
        });
      }
      gated.release();
      await waitFor(async () => (await authed(`${srv.url}/-/ready`)).status === 200, 'ready');
      for (const url of reads) {
        assert.equal((await authed(`${srv.url}/api/v1/${url}`)).status, 200, url);
      }
      assert.equal((await authed(`${srv.url}/nope`)).status, 404);
      const res = await authed(`${srv.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      for (const want of [
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
        'nodejs_gc_duration_seconds',
        'argus_build_info{version="9.9.9",node_version="' + process.version + '"} 1',
        'argus_http_requests_total{route="/-/healthy",method="GET",code="200"} 1',
        'argus_http_requests_total{route="unmatched",method="GET",code="404"} 1',
        'argus_http_request_duration_seconds_count{route="/-/healthy"} 1',
        'argus_config_last_reload_successful 1',
      ]) {
        assert.ok(text.includes(want), `metrics lack ${want}`);
      }
      assert.match(
        text,
        /^argus_http_requests_total\{route="\/-\/ready",method="GET",code="503"\} [1-9]/m,
      );
      const listening = lines.find((l) => l.msg === 'listening');
      assert.equal(listening?.url, srv.url);
      assert.equal(listening.address, srv.url.replace('http://', ''));
      assert.ok(!lines.some((l) => String(l.msg).includes('stale')), 'no takeover logged');
      assert.ok(lines.some((l) => l.msg === 'store ready'));
    } finally {
      gated.release();
      assert.equal(await srv.shutdown('test'), 0);
    }
    assert.equal(await readLock(dataDir), undefined, 'lock released');
  });

  it('reloads a good config and refuses a bad one', async () => {
    const { srv, lines, configFile } = await start({ configText: 'logging:\n  level: info\n' });
    try {
      await writeFile(configFile, 'storage:\n  tsdb:\n    retention_time: forever\n');
      const bad = await authed(`${srv.url}/-/reload`, { method: 'POST' });
      assert.equal(bad.status, 400);
      assert.equal(
        await bad.text(),
        `${configFile}:3:5: storage.tsdb.retention_time: expected a duration like 30s, 5m, 2h or 15d, got "forever"\n`,
      );
      assert.ok(
        lines.some(
          (l) =>
            l.msg === 'cannot reload config; keeping the running one' &&
            String(l.err).includes('forever'),
        ),
      );
      assert.equal(srv.currentConfig.storage.tsdb.retention_time, 15 * 86_400_000);
      assert.match(
        await (await authed(`${srv.url}/metrics`)).text(),
        /^argus_config_last_reload_successful 0$/m,
      );
      assert.equal((await authed(`${srv.url}/-/healthy`)).status, 200, 'still serving');

      await writeFile(
        configFile,
        'logging:\n  level: debug\n  format: pretty\nstorage:\n  tsdb:\n    retention_time: 30d\n    block_duration: 1h\n    wal:\n      fsync: always\ningest:\n  remote_write:\n    enabled: false\n',
      );
      const good = await authed(`${srv.url}/-/reload`, { method: 'POST' });
      assert.equal(good.status, 200);
      assert.equal(srv.currentConfig.storage.tsdb.retention_time, 30 * 86_400_000);
      assert.equal(srv.currentConfig.ingest.remote_write.enabled, false);
      for (const key of ['logging.format', 'storage.tsdb.wal', 'storage.tsdb.block_duration']) {
        assert.ok(
          lines.some(
            (l) => l.msg === `${key} changes take effect after a restart` && l.key === key,
          ),
          key,
        );
      }
      assert.ok(!lines.some((l) => l.key === 'server.listen'), 'listen unchanged (flag override)');
      assert.ok(lines.some((l) => l.msg === 'config reloaded' && l.level === 30));
      assert.match(
        await (await authed(`${srv.url}/metrics`)).text(),
        /^argus_config_last_reload_successful 1$/m,
      );
      // Serialised reloads: both see the same file and succeed.
      assert.deepEqual(await Promise.all([srv.reload(), srv.reload()]), [undefined, undefined]);
    } finally {
      await srv.shutdown('test');
    }
  });

  it('finishes in-flight requests on shutdown, then refuses new ones', async () => {
    let releaseScrape!: () => void;
    const scrapeGate = new Promise<void>((r) => (releaseScrape = r));
    let scraping!: () => void;
    const scrapeStarted = new Promise<void>((r) => (scraping = r));
    const { srv } = await start({
      // Only the HTTP request may render the registry: the self collector would too.
      configText: 'collect: { self: { enabled: false } }\n',
      createStore: (o) => {
        new Gauge({
          name: 'test_slow',
          help: 'collects slowly',
          registers: [o.registry!],
          async collect() {
            scraping();
            await scrapeGate;
            this.set(1);
          },
        });
        return createStore(o);
      },
    });
    const url = srv.url;
    const inflight = authed(`${url}/metrics`);
    await scrapeStarted;
    const stopped = srv.shutdown('test');
    releaseScrape();
    const res = await inflight;
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^test_slow 1$/m);
    assert.equal(await stopped, 0);
    await assert.rejects(authed(`${url}/-/healthy`));
    assert.equal(await srv.shutdown('again'), 0, 'idempotent');
  });

  it('shuts down with code 1 when the store cannot open', async () => {
    const gated = gatedStore(true);
    const { srv, lines } = await start({ createStore: gated.factory });
    gated.release();
    assert.equal(await srv.done, 1);
    assert.ok(
      lines.some((l) => l.msg === 'cannot open store; shutting down' && l.err === 'disk on fire'),
    );
  });

  it('forces exit code 1 when closing hangs past the timeout', async () => {
    let store!: Store;
    let realClose!: () => Promise<void>;
    const { srv, lines } = await start({
      shutdownTimeoutMs: 50,
      createStore: (o) => {
        store = createStore(o);
        realClose = store.close.bind(store);
        store.close = () => new Promise(() => {});
        return store;
      },
    });
    await waitFor(() => store.isReady, 'ready');
    assert.equal(await srv.shutdown('test'), 1);
    assert.ok(lines.some((l) => l.msg === 'shutdown timed out; forcing exit'));
    await realClose();
  });

  it('reports errors while closing', async () => {
    const { srv, lines } = await start({
      createStore: (o) => {
        const s = createStore(o);
        const close = s.close.bind(s);
        s.close = async () => {
          await close();
          throw new Error('flush failed');
        };
        return s;
      },
    });
    assert.equal(await srv.shutdown('test'), 1);
    assert.ok(lines.some((l) => l.msg === 'error during shutdown' && l.err === 'flush failed'));
  });

  it('logs the real bind address of a wildcard listen, and a stale lock takeover', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    await mkdir(dataDir);
    // A lock left by a process that is gone (kill -9): PID 2^22 + 1 exceeds Linux's pid_max.
    const stale = { pid: 4_194_305, hostname: os.hostname(), start: null, url: 'http://x:1' };
    await writeFile(path.join(dataDir, 'lock'), JSON.stringify(stale));
    const settings = resolveSettings({ listen: ':0', dataDir }, {}, dir);
    const config = await loadArgusConfig(settings.source);
    const { logger, lines } = recordingLogger();
    const srv = await ArgusServer.start({ settings, config, logger, version: 'x' });
    try {
      const port = new URL(srv.url).port;
      assert.equal(srv.url, `http://127.0.0.1:${port}`);
      const listening = lines.find((l) => l.msg === 'listening');
      assert.ok(
        listening?.address === `[::]:${port}` || listening?.address === `0.0.0.0:${port}`,
        `address ${String(listening?.address)}`,
      );
      assert.equal(listening.url, srv.url);
      const took = lines.find((l) => String(l.msg).startsWith('took over a stale data-dir lock'));
      assert.ok(took, 'takeover logged');
      assert.equal(took.level, 40);
      assert.equal(took.stale_pid, stale.pid);
      assert.equal(took.stale_url, stale.url);
      assert.equal(took.data_dir, dataDir);
    } finally {
      await srv.shutdown('test');
    }
  });

  it('refuses a locked data dir and a busy port', async () => {
    const { srv, dataDir } = await start();
    try {
      const settings = resolveSettings({ listen: '127.0.0.1:0', dataDir }, {}, os.tmpdir());
      const config = await loadArgusConfig(settings.source);
      const { logger } = recordingLogger();
      await assert.rejects(
        ArgusServer.start({ settings, config, logger, version: 'x' }),
        DataDirLockedError,
      );

      const port = new URL(srv.url).port;
      const other = path.join(await tempDir(), 'data');
      const busy = resolveSettings(
        { listen: `127.0.0.1:${port}`, dataDir: other },
        {},
        os.tmpdir(),
      );
      await assert.rejects(
        ArgusServer.start({
          settings: busy,
          config: await loadArgusConfig(busy.source),
          logger,
          version: 'x',
        }),
        (err: unknown) =>
          err instanceof ServerStartError &&
          errorChain(err) === `cannot start server: ${errorChain(err.cause)}` &&
          errorChain(err).split('EADDRINUSE').length === 2, // said once
      );
      assert.equal(await readLock(other), undefined, 'lock released after failed start');
    } finally {
      await srv.shutdown('test');
    }
  });
});
