/**
 * The example apps in examples/ feed a real `argus server` through unchanged client libraries:
 * prom-client (scraped from argus.yml) and the OpenTelemetry JS SDK (OTLP/HTTP protobuf pushed
 * to /v1/metrics with a write-scoped token). Both apps run as child processes; the test drives
 * them over HTTP and waits (bounded) until Argus holds the values they must have reported.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  REPO_ROOT,
  exportSeries,
  runArgus,
  startArgus,
  tempDir,
  type ArgusProcess,
  type ExportedSeries,
} from './helpers.js';

/** A running example app (`node examples/<name>/app.mjs`). */
interface App {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function startApp(name: string, env: Record<string, string>): Promise<App> {
  const script = path.join(REPO_ROOT, 'examples', name, 'app.mjs');
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const app: App = { child, url: '', output: () => out };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const m = /\{"msg":"listening","url":"([^"]+)"\}/.exec(out);
    if (m) return { ...app, url: m[1] };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      assert.fail(`example ${name} did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGTERM (the apps flush and exit 0), SIGKILL after 10 s; resolves with the exit code. */
async function stopApp(app: App | undefined): Promise<number | null> {
  if (app === undefined) return null;
  const { child } = app;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

async function send(url: string, method: string, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await fetch(url, { method });
    await res.text();
    assert.ok(res.status < 500, `${method} ${url}: ${res.status}`);
  }
}

/** The series of `match` once `ready` holds for them (polled, at most 20 s). */
async function waitSeries(
  argus: ArgusProcess,
  match: string,
  ready: (s: ExportedSeries[]) => boolean,
  app?: App,
): Promise<ExportedSeries[]> {
  const deadline = Date.now() + 20_000;
  let last: ExportedSeries[] = [];
  for (;;) {
    last = await exportSeries(argus.url, match);
    if (ready(last)) return last;
    if (Date.now() > deadline) {
      assert.fail(
        `timed out waiting for ${match}; last: ${JSON.stringify(last)}\n${app?.output() ?? ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const latest = (s: ExportedSeries): unknown => s.values.at(-1);

/** Latest value per series, keyed by the given labels joined with ','. */
function byLabels(series: ExportedSeries[], ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(
    series.map((s) => [names.map((n) => s.metric[n] ?? '').join(','), latest(s)]),
  );
}

describe('example apps feed a running server', { timeout: 120_000 }, () => {
  it('scrapes the prom-client app: counter, histogram, labelled gauge and default metrics', async () => {
    let app: App | undefined;
    let argus: ArgusProcess | undefined;
    try {
      app = await startApp('prom-client-app', {});
      const target = new URL(app.url).host;
      const config = path.join(await tempDir(), 'argus.yml');
      await writeFile(
        config,
        [
          'collect: { host: { enabled: false }, self: { enabled: false } }',
          'rules: { builtin: false }',
          'global: { scrape_interval: 1s, scrape_timeout: 1s }',
          'scrape_configs:',
          '  - job_name: shop-web',
          `    static_configs: [{ targets: ["${target}"] }]`,
          '',
        ].join('\n'),
      );
      argus = await startArgus({ args: ['--config', config] });

      await send(`${app.url}/hello`, 'GET', 3);
      await send(`${app.url}/nope`, 'GET');
      await send(`${app.url}/jobs?queue=email`, 'POST', 2);
      await send(`${app.url}/jobs?queue=email`, 'DELETE');
      await send(`${app.url}/jobs?queue=sms`, 'POST');

      const reqs = await waitSeries(
        argus,
        'http_requests_total',
        (s) => byLabels(s, 'method', 'route', 'code')['POST,/jobs,202'] === 3,
        app,
      );
      assert.deepEqual(reqs[0].metric, {
        __name__: 'http_requests_total',
        code: '200',
        instance: target,
        job: 'shop-web',
        method: 'GET',
        route: '/hello',
      });
      assert.deepEqual(byLabels(reqs, 'method', 'route', 'code'), {
        'GET,/hello,200': 3,
        'GET,other,404': 1,
        'POST,/jobs,202': 3,
        'DELETE,/jobs,202': 1,
      });

      const hello = '{job="shop-web",route="/hello"}';
      const buckets = await exportSeries(argus.url, `http_request_duration_seconds_bucket${hello}`);
      assert.deepEqual(
        buckets.map((s) => s.metric.le).sort(),
        ['+Inf', '0.001', '0.005', '0.01', '0.05', '0.1', '0.5', '1'].sort(),
      );
      assert.equal(latest(buckets.find((s) => s.metric.le === '+Inf')!), 3);
      const count = await exportSeries(argus.url, `http_request_duration_seconds_count${hello}`);
      assert.equal(latest(count[0]), 3);
      const sum = await exportSeries(argus.url, `http_request_duration_seconds_sum${hello}`);
      assert.ok(Number(latest(sum[0])) > 0, `sum ${String(latest(sum[0]))}`);

      const queued = await exportSeries(argus.url, 'jobs_queued');
      assert.deepEqual(byLabels(queued, 'queue'), { email: 1, sms: 1 });

      // prom-client's default metrics arrive too, with their types kept as metadata.
      const heap = await waitSeries(
        argus,
        'nodejs_heap_size_total_bytes',
        (x) => x.length > 0,
        app,
      );
      assert.ok(Number(latest(heap[0])) > 0);
      const cpu = await waitSeries(argus, 'process_cpu_seconds_total', (x) => x.length > 0, app);
      assert.equal(cpu[0].metric.job, 'shop-web');
      const up = await waitSeries(argus, 'up{job="shop-web"}', (x) => x.length > 0, app);
      assert.equal(latest(up[0]), 1);
    } finally {
      assert.equal(await stopApp(app), 0, app?.output());
      if (argus) assert.equal((await argus.stop()).code, 0);
    }
  });

  it('receives the OpenTelemetry SDK app over OTLP: counter, histogram, up-down counter, target_info', async () => {
    let app: App | undefined;
    let argus: ArgusProcess | undefined;
    try {
      argus = await startArgus();
      const created = await runArgus([
        'token',
        'create',
        '--user',
        'admin',
        '--scope',
        'write',
        '--name',
        'otel-example',
        '--data-dir',
        argus.dataDir,
      ]);
      assert.equal(created.code, 0, created.stderr);
      app = await startApp('otel-app', {
        ARGUS_URL: argus.url,
        ARGUS_TOKEN: created.stdout.trim(),
        OTEL_SERVICE_NAME: 'checkout',
        OTEL_METRIC_EXPORT_INTERVAL: '300',
      });

      await send(`${app.url}/orders?payment=card`, 'POST', 2);
      await send(`${app.url}/orders?payment=paypal`, 'POST');
      await send(`${app.url}/carts?region=eu`, 'POST', 3);
      await send(`${app.url}/carts?region=eu`, 'DELETE');
      await send(`${app.url}/carts?region=us`, 'POST');

      const orders = await waitSeries(
        argus,
        'shop_orders_total',
        (s) => byLabels(s, 'payment_method').card === 2 && s.length === 2,
        app,
      );
      const instance = orders[0].metric.instance;
      assert.match(instance, /^.+:\d+$/, 'instance = service.instance.id');
      assert.deepEqual(
        { ...orders[0].metric },
        { __name__: 'shop_orders_total', instance, job: 'checkout', payment_method: 'card' },
      );
      assert.deepEqual(byLabels(orders, 'payment_method'), { card: 2, paypal: 1 });

      const carts = await waitSeries(
        argus,
        'shop_carts_active',
        (s) => byLabels(s, 'region').eu === 2 && byLabels(s, 'region').us === 1,
        app,
      );
      assert.deepEqual(byLabels(carts, 'job', 'region'), { 'checkout,eu': 2, 'checkout,us': 1 });

      const card = '{job="checkout",payment_method="card"}';
      const buckets = await exportSeries(argus.url, `shop_order_duration_seconds_bucket${card}`);
      // Real request durations: under load one may take over 1 ms, so the low buckets may
      // hold fewer; the buckets are cumulative and both orders finish within a second.
      const byLe = byLabels(buckets, 'le') as Record<string, number>;
      assert.deepEqual(Object.keys(byLe).sort(), ['+Inf', '0.001', '0.01', '0.1', '1']);
      assert.equal(byLe['1'], 2);
      assert.equal(byLe['+Inf'], 2);
      assert.ok(byLe['0.001'] <= byLe['0.01'] && byLe['0.01'] <= byLe['0.1'], JSON.stringify(byLe));
      const count = await exportSeries(argus.url, `shop_order_duration_seconds_count${card}`);
      assert.equal(latest(count[0]), 2);
      const sum = await exportSeries(argus.url, `shop_order_duration_seconds_sum${card}`);
      assert.ok(Number(latest(sum[0])) >= 0 && Number(latest(sum[0])) < 1);

      // The other resource attributes land on target_info{job,instance}.
      const info = await exportSeries(argus.url, 'target_info{job="checkout"}');
      assert.equal(info[0].metric.instance, instance);
      assert.equal(info[0].metric.deployment_environment_name, 'example');
      assert.equal(info[0].metric.telemetry_sdk_language, 'nodejs');
      assert.equal(latest(info[0]), 1);

      // On SIGTERM the app flushes what it recorded since the last export.
      await send(`${app.url}/orders?payment=card`, 'POST', 5);
      assert.equal(await stopApp(app), 0, app.output());
      const after = await exportSeries(argus.url, `shop_orders_total${card}`);
      assert.equal(latest(after[0]), 7);
    } finally {
      assert.equal(await stopApp(app), 0, app?.output());
      if (argus) assert.equal((await argus.stop()).code, 0);
    }
  });

  it('the OpenTelemetry app reports a refused token on stderr and Argus stores nothing', async () => {
    let app: App | undefined;
    let argus: ArgusProcess | undefined;
    try {
      argus = await startArgus();
      app = await startApp('otel-app', {
        ARGUS_URL: argus.url,
        ARGUS_TOKEN: 'argus_not-a-real-token',
        OTEL_METRIC_EXPORT_INTERVAL: '300',
      });
      await send(`${app.url}/orders`, 'POST');
      const deadline = Date.now() + 20_000;
      while (!/otel error: .*export failed.*Unauthorized/.test(app.output())) {
        if (Date.now() > deadline) assert.fail(`no refused export reported:\n${app.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(await exportSeries(argus.url, '{job="checkout"}'), []);
    } finally {
      assert.equal(await stopApp(app), 0, app?.output());
      if (argus) assert.equal((await argus.stop()).code, 0);
    }
  });
});
