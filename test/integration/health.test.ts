import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createTcp, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  adminFetch,
  eventually,
  runArgus,
  startArgus,
  tempDir,
  type ArgusProcess,
} from './helpers.js';

/** A web app whose answer the test switches: `failing` paths answer 500. */
class App {
  readonly server: Server = createHttp((req, res) => {
    const bad = [...this.failing].some((p) => req.url?.startsWith(p));
    res.statusCode = bad ? 500 : 200;
    res.end(bad ? 'broken' : 'ok');
  });
  failing = new Set<string>();
  url = '';
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
}

interface Notification {
  status: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

async function hookServer(): Promise<{ url: string; server: Server; got: Notification[] }> {
  const got: Notification[] = [];
  const server = createHttp((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      got.push(JSON.parse(raw) as Notification);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server, got };
}

/** A TCP "database" the test opens and closes. */
async function tcpPort(): Promise<{ port: number; open(): Promise<void>; close(): Promise<void> }> {
  let srv: TcpServer | undefined;
  const probe = createTcp();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const open = async (): Promise<void> => {
    srv = createTcp((s) => s.end());
    await new Promise<void>((r) => srv!.listen(port, '127.0.0.1', r));
  };
  await open();
  return {
    port,
    open,
    close: () =>
      new Promise<void>((r) => {
        if (!srv) return r();
        srv.close(() => r());
        srv = undefined;
      }),
  };
}

const json = async <T>(r: Response): Promise<T> => ((await r.json()) as { data: T }).data;

describe('health checks and services in the server', () => {
  const N = 12;
  let app: App;
  let hook: Awaited<ReturnType<typeof hookServer>>;
  let db: Awaited<ReturnType<typeof tcpPort>>;
  let argus: ArgusProcess;
  let api: string;

  before(async () => {
    app = await new App().start();
    hook = await hookServer();
    db = await tcpPort();
    const dir = await tempDir();
    const services = Array.from(
      { length: N },
      (_, i) => `  - name: svc-${i}
    checks: [svc-${i}-http]
    depends_on: [database]
    public: ${i === 0}
    description: "Service <b>${i}</b>"`,
    ).join('\n');
    const checks = Array.from(
      { length: N },
      (_, i) => `  - name: svc-${i}-http
    kind: http
    url: ${app.url}/svc/${i}
    interval: 1s
    failure_threshold: 1`,
    ).join('\n');
    const cfg = path.join(dir, 'argus.yml');
    await writeFile(
      cfg,
      `collect: { host: { enabled: false }, self: { enabled: false } }
rules: { builtin: false }
health:
  status_page: { title: "Acme status" }
alertmanager:
  route:
    receiver: hook
    group_by: [alertname]
    # No group_wait: root-cause suppression itself must keep dependents' alerts back.
    group_wait: 0s
    group_interval: 1s
    repeat_interval: 1h
  receivers:
    - name: hook
      webhook_configs:
        - url: "${hook.url}"
checks:
  - name: db
    kind: tcp
    host: 127.0.0.1
    port: ${db.port}
    interval: 1s
    failure_threshold: 1
  - name: nightly
    kind: heartbeat
    period: 2s
    grace: 1s
    interval: 1s
${checks}
services:
  - name: database
    checks: [db]
    public: true
${services}
  - name: internal-only
    description: not for the public
`,
    );
    argus = await startArgus({ args: ['--config', cfg] });
    api = `${argus.url}/api/argus/v1`;
    await eventually('every check up', 30_000, async () => {
      const h = await json<{ counts: { up: number } }>(await adminFetch(`${api}/health`));
      return h.counts.up === N + 1 ? h : undefined;
    });
  });

  after(async () => {
    await argus?.stop();
    app?.server.close();
    hook?.server.close();
    await db?.close();
  });

  it('a database outage behind 12 failing services is ONE alert naming what it impacts', async () => {
    await db.close();
    for (let i = 0; i < N; i++) app.failing.add(`/svc/${i}`);
    const h = await eventually('the root cause', 30_000, async () => {
      const v = await json<{
        status: string;
        root_causes: string[];
        services: { name: string; status: string; impacted_by: string[] }[];
      }>(await adminFetch(`${api}/health`));
      const downSvcs = v.services.filter((s) => s.name.startsWith('svc-') && s.status === 'down');
      return downSvcs.length === N && v.root_causes.includes('database') ? v : undefined;
    });
    assert.equal(h.status, 'down');
    assert.deepEqual(h.root_causes, ['database']);
    for (const s of h.services.filter((x) => x.name.startsWith('svc-')))
      assert.deepEqual(s.impacted_by, ['database'], s.name);
    await eventually('the notification', 20_000, async () =>
      hook.got.length > 0 ? true : undefined,
    );
    // Give the pipeline time to send anything else it would (group_interval 1s).
    await new Promise((r) => setTimeout(r, 3000));
    // (The heartbeat, never pinged, alerts on its own: it is no service's.)
    const alerts = hook.got.flatMap((n) =>
      n.alerts.filter((a) => a.status === 'firing' && a.labels.check !== 'nightly'),
    );
    assert.deepEqual([...new Set(alerts.map((a) => a.labels.check))], ['db']);
    const alert = alerts[0];
    assert.equal(alert.labels.alertname, 'CheckDown');
    assert.equal(alert.labels.service, 'database');
    assert.equal(alert.labels.severity, 'critical');
    assert.match(alert.annotations.description, /ECONNREFUSED/);
    assert.equal(alert.annotations.impacted.split(', ').length, N);

    // The database comes back, one service stays broken: now IT is the root cause and alerts.
    const beforeRecovery = hook.got.length;
    await db.open();
    app.failing = new Set(['/svc/3']);
    await eventually('svc-3 alerting on its own', 30_000, async () =>
      hook.got.some((n) =>
        n.alerts.some((a) => a.status === 'firing' && a.labels.check === 'svc-3-http'),
      )
        ? true
        : undefined,
    );
    const now = await json<{ root_causes: string[] }>(await adminFetch(`${api}/health`));
    assert.deepEqual(now.root_causes, ['svc-3']);
    // No recovery storm: the services that recovered with the database never alerted.
    await new Promise((r) => setTimeout(r, 2000));
    const later = hook.got
      .slice(beforeRecovery)
      .flatMap((n) => n.alerts.filter((a) => a.status === 'firing'))
      .map((a) => a.labels.check)
      .filter((c) => c !== 'nightly');
    assert.deepEqual([...new Set(later)], ['svc-3-http']);
    app.failing.clear();
  });

  it('stores blackbox-compatible metrics and keeps the check history with the error', async () => {
    const q = await adminFetch(
      `${argus.url}/api/v1/query?query=${encodeURIComponent('probe_http_status_code{check="svc-1-http"}')}`,
    );
    const r = await json<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
      q,
    );
    assert.equal(r.result.length, 1);
    assert.equal(r.result[0].metric.job, 'argus_checks');
    assert.equal(r.result[0].metric.service, 'svc-1');
    assert.equal(r.result[0].metric.instance, `${app.url}/svc/1`);
    const hist = await json<{ state: string; detail: { error?: string } }[]>(
      await adminFetch(`${api}/checks/svc-1-http/history?from=now-1h`),
    );
    const down = hist.find((e) => e.state === 'down');
    assert.ok(down, JSON.stringify(hist));
    assert.match(down.detail.error ?? '', /500/);
    const results = await json<{ success: boolean; duration_seconds: number }[]>(
      await adminFetch(`${api}/checks/svc-1-http/results?from=now-5m`),
    );
    assert.ok(results.some((p) => p.success) && results.some((p) => !p.success));
  });

  it('a heartbeat is down when pings stop, up again on a ping', async () => {
    const view = await json<{ ping_url: string; state: string }>(
      await adminFetch(`${api}/checks/nightly`),
    );
    const pingUrl = view.ping_url.replace(/^https?:\/\/[^/]+/, argus.url);
    await eventually('the heartbeat down (never pinged)', 20_000, async () => {
      const v = await json<{ state: string }>(await adminFetch(`${api}/checks/nightly`));
      return v.state === 'down' ? true : undefined;
    });
    const res = await fetch(pingUrl, { method: 'POST' }); // no credentials: the token is one
    assert.equal(res.status, 200);
    await eventually('the heartbeat up', 10_000, async () => {
      const v = await json<{ state: string }>(await adminFetch(`${api}/checks/nightly`));
      return v.state === 'up' ? true : undefined;
    });
    assert.equal((await fetch(`${api}/ping/not-a-token`)).status, 404);
  });

  it('checks created through the API may not reach loopback or metadata addresses', async () => {
    const put = await adminFetch(`${api}/checks/sneaky`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ definition: { kind: 'http', url: `${app.url}/svc/0` } }),
    });
    assert.equal(put.status, 400);
    assert.match(
      ((await put.json()) as { error: string }).error,
      /url: cannot connect to "127\.0\.0\.1": .*loopback.*allow it with outbound\.allow/,
    );
    // A name is only resolved when probing: the guard refuses the address it resolves to.
    const named = await adminFetch(`${api}/checks/sneaky`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        definition: { kind: 'tcp', host: 'localhost.', port: 9 },
      }),
    });
    assert.equal(named.status, 400, await named.clone().text());
    const tried = await json<{ success: boolean; error: string }>(
      await adminFetch(`${api}/checks/try`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          definition: { name: 'meta', kind: 'http', url: 'http://169.254.169.254/latest/' },
        }),
      }),
    );
    assert.equal(tried.success, false);
    assert.match(tried.error, /169\.254\.169\.254.*metadata/i);
    // A provisioned check is read-only.
    const ro = await adminFetch(`${api}/checks/db`, { method: 'DELETE' });
    assert.equal(ro.status, 409);
  });

  it('a maintenance window mutes the service and its alerts', async () => {
    const now = Date.now();
    const seen = hook.got.length;
    const add = await adminFetch(`${api}/maintenance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        service: 'svc-5',
        starts_at: now - 1000,
        ends_at: now + 3_600_000,
        comment: 'upgrade',
      }),
    });
    assert.equal(add.status, 201, await add.clone().text());
    app.failing.add('/svc/5');
    await eventually('svc-5 in maintenance with its check down', 20_000, async () => {
      const s = await json<{ status: string; checks: { state: string }[] }>(
        await adminFetch(`${api}/services/svc-5/health`),
      );
      return s.status === 'maintenance' && s.checks[0].state === 'down' ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 2500));
    assert.ok(
      !hook.got
        .slice(seen)
        .some((n) =>
          n.alerts.some((a) => a.status === 'firing' && a.labels.check === 'svc-5-http'),
        ),
      'no alert for a service in maintenance',
    );
    app.failing.delete('/svc/5');
  });

  it('the public status page shows the public services only, escaped, without login', async () => {
    const res = await fetch(`${argus.url}/status`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /Acme status/);
    assert.match(html, /database/);
    assert.match(html, /svc-0/);
    assert.match(html, /Service &lt;b&gt;0&lt;\/b&gt;/);
    assert.doesNotMatch(html, /svc-1\b|internal-only|not for the public/);
    assert.doesNotMatch(html, /<script/i);
    const data = await json<{ services: { name: string }[] }>(await fetch(`${api}/status-page`));
    assert.deepEqual(data.services.map((s) => s.name).sort(), ['database', 'svc-0']);
  });

  it('exposes the engine in /metrics', async () => {
    const m = await (await adminFetch(`${argus.url}/metrics`)).text();
    assert.match(m, new RegExp(`^argus_checks ${N + 2}$`, 'm'));
    assert.match(m, /^argus_check_runs_total [1-9]/m);
    assert.match(m, /^argus_check_scheduling_lag_seconds\{quantile="0\.99"\} /m);
  });
});

describe('argus probe', () => {
  it('runs a definition once: 0 up, 1 down, 2 invalid, with what is wrong', async () => {
    const app = await new App().start();
    try {
      const dir = await tempDir();
      const good = path.join(dir, 'good.yaml');
      await writeFile(good, `name: web\nkind: http\nurl: ${app.url}/\nbody_contains: ok\n`);
      const up = await runArgus(['probe', good]);
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /^web \(http http:\/\/127\.0\.0\.1:\d+\/\): UP in /);
      assert.match(up.stdout, /probe_http_status_code 200/);

      app.failing.add('/');
      const down = await runArgus(['probe', '--json', good]);
      assert.equal(down.code, 1);
      const [r] = JSON.parse(down.stdout) as { success: boolean; error: string }[];
      assert.equal(r.success, false);
      assert.match(r.error, /status 500/);

      const bad = path.join(dir, 'bad.yaml');
      await writeFile(bad, 'name: web\nkind: htp\n');
      const invalid = await runArgus(['probe', bad]);
      assert.equal(invalid.code, 2);
      assert.match(invalid.stderr, /check web: kind: unknown check kind "htp" \(known: dns, grpc/);

      const pq = path.join(dir, 'promql.yaml');
      await writeFile(pq, 'name: errors\nkind: promql\nexpr: up == 0\n');
      const offline = await runArgus(['probe', pq]);
      assert.equal(offline.code, 2);
      assert.match(offline.stderr, /promql checks query a running server's data/);

      // --guard applies the API's rules: loopback is refused.
      app.failing.clear();
      const guarded = await runArgus(['probe', '--guard', good]);
      assert.equal(guarded.code, 1);
      assert.match(guarded.stdout, /error: .*127\.0\.0\.1/);
    } finally {
      app.server.close();
    }
  });
});

describe('services created through the API and the config they use', () => {
  it('a reload may not remove what they use; a check they use may not be deleted', async () => {
    const app = await new App().start();
    const dir = await tempDir();
    const cfg = path.join(dir, 'argus.yml');
    const base = `collect: { host: { enabled: false }, self: { enabled: false } }
rules: { builtin: false }
checks:
  - { name: web, kind: http, url: "${app.url}/", interval: 1s }
`;
    await writeFile(cfg, `${base}services:\n  - { name: api, checks: [web] }\n`);
    const argus = await startArgus({ args: ['--config', cfg] });
    try {
      const api = `${argus.url}/api/argus/v1`;
      const put = (what: string, body: unknown) =>
        adminFetch(`${api}/${what}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      assert.equal(
        (await put('services/front', { definition: { depends_on: ['api'] } })).status,
        200,
      );
      await writeFile(cfg, base);
      const reload = await adminFetch(`${argus.url}/-/reload`, { method: 'POST' });
      assert.equal(reload.status, 400);
      assert.match(
        await reload.text(),
        /services created through the API would break: services\.front\.depends_on: unknown service "api"/,
      );
      // The running config still has `api`: saving another service works.
      assert.equal((await put('services/other', { definition: {} })).status, 200);

      assert.equal(
        (await put('checks/extra', { definition: { kind: 'heartbeat', period: '1h' } })).status,
        200,
      );
      assert.equal(
        (await put('services/uses-extra', { definition: { checks: ['extra'] } })).status,
        200,
      );
      const del = await adminFetch(`${api}/checks/extra`, { method: 'DELETE' });
      assert.equal(del.status, 409);
      assert.match(
        ((await del.json()) as { error: string }).error,
        /cannot delete check "extra": service uses-extra uses it; remove it from it first/,
      );
    } finally {
      await argus.stop();
      app.server.close();
    }
  });
});
