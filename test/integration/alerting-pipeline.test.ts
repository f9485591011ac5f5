import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { adminFetch, remoteWrite, startArgus, tempDir, type ArgusProcess } from './helpers.js';

interface Hook {
  url: string;
  server: Server;
  /** Every request: its Idempotency-Key (the notification id), signature and JSON body. */
  got: { key: string; signature: string; raw: string; body: WebhookBody }[];
  /** Delay before answering request i (a slow receiver keeps notifications in flight). */
  delayMs: (i: number) => number;
  answered: number;
}

interface WebhookBody {
  status: string;
  groupKey: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

async function hookServer(): Promise<Hook> {
  const hook: Hook = { url: '', server: createServer(), got: [], delayMs: () => 0, answered: 0 };
  hook.server.on('request', (req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      hook.got.push({
        key: String(req.headers['idempotency-key'] ?? ''),
        signature: String(req.headers['x-argus-signature'] ?? ''),
        raw,
        body: JSON.parse(raw) as WebhookBody,
      });
      setTimeout(() => res.end('ok', () => hook.answered++), hook.delayMs(hook.got.length - 1));
    });
  });
  await new Promise<void>((r) => hook.server.listen(0, '127.0.0.1', r));
  hook.url = `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/hook`;
  return hook;
}

async function until(
  ok: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function push(argus: ArgusProcess, series: [string, number][]): Promise<void> {
  const t = Date.now();
  const r = await remoteWrite(
    argus.url,
    series.map(([instance, v]) => ({
      labels: [
        ['__name__', 'demo_value'],
        ['instance', instance],
      ],
      samples: [{ t, v }],
    })),
  );
  assert.equal(r.status, 204, r.body);
}

async function setup(hook: Hook, extraRoute = ''): Promise<string> {
  const dir = await tempDir();
  await writeFile(
    path.join(dir, 'rules.yml'),
    `groups:
  - name: demo
    interval: 1s
    rules:
      - alert: DemoHigh
        expr: demo_value > 5
        labels: { severity: page }
        annotations: { summary: "{{ $labels.instance }} at {{ $value }}" }
`,
  );
  const cfg = path.join(dir, 'argus.yml');
  await writeFile(
    cfg,
    `collect: { host: { enabled: false }, self: { enabled: false } }
rule_files: [rules.yml]
# The Watchdog would be one more notification among the counted ones.
rules: { builtin: false }
alertmanager:
  route:
    receiver: hook
    group_by: [alertname, instance]
    group_wait: 0s
    group_interval: 1s
    repeat_interval: 1h
${extraRoute}
  receivers:
    - name: hook
      webhook_configs:
        - url: "${hook.url}"
          signing_secret: "sign-me"
`,
  );
  return cfg;
}

describe('the notification pipeline in the server', () => {
  it('rule fires → signed Alertmanager webhook; resolves → resolved; a restart sends no duplicate', async () => {
    const hook = await hookServer();
    const cfg = await setup(hook);
    const dataDir = path.join(await tempDir(), 'data');
    let argus = await startArgus({ args: ['--config', cfg], dataDir });
    try {
      await push(argus, [['web-1', 7]]);
      await until(() => hook.got.length >= 1, 'the firing notification');
      const first = hook.got[0];
      assert.equal(first.body.status, 'firing');
      assert.deepEqual(first.body.alerts[0].labels, {
        alertname: 'DemoHigh',
        instance: 'web-1',
        severity: 'page',
      });
      assert.equal(first.body.alerts[0].annotations.summary, 'web-1 at 7');
      const mac = createHmac('sha256', 'sign-me').update(first.raw).digest('hex');
      assert.equal(first.signature, `sha256=${mac}`);
      assert.match(first.key, /^[0-9a-f-]{36}$/);

      // The Alertmanager API view and the metrics agree.
      const metrics = await (await adminFetch(`${argus.url}/metrics`)).text();
      assert.match(metrics, /^argus_notifications_total\{channel="hook\/webhook\[0\]"\} [1-9]/m);
      assert.match(metrics, /^argus_alert_delivery_latency_seconds_count [1-9]/m);

      // A crash and a restart: the rule re-sends the alert, the notification log says it was
      // notified already — nothing new arrives.
      argus.child.kill('SIGKILL');
      await new Promise((r) => argus.child.once('exit', r));
      const before = hook.got.length;
      argus = await startArgus({ args: ['--config', cfg], dataDir });
      await push(argus, [['web-1', 8]]);
      await argus.waitForLog((l) => l.msg === 'rules loaded');
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(hook.got.length, before, 'no duplicate after the restart');

      // Back under the threshold: a resolved notification (send_resolved defaults to true).
      await push(argus, [['web-1', 1]]);
      await until(
        () => hook.got.some((g) => g.body.status === 'resolved'),
        'the resolved notification',
      );
    } finally {
      await argus.stop();
      hook.server.close();
    }
  });

  it('kill -9 in a notification burst: every notification arrives, none recorded delivered arrives twice', async () => {
    const hook = await hookServer();
    // The first ten are answered at once, the rest slowly: the kill lands mid-burst.
    hook.delayMs = (i) => (i < 10 ? 0 : 3000);
    const cfg = await setup(hook);
    const dataDir = path.join(await tempDir(), 'data');
    let argus = await startArgus({ args: ['--config', cfg], dataDir });
    const N = 40;
    try {
      await push(
        argus,
        Array.from({ length: N }, (_, i): [string, number] => [`host-${i}`, 9]),
      );
      await until(() => hook.answered >= 10, 'the first deliveries');
      await new Promise((r) => setTimeout(r, 300)); // their receipts are written
      argus.child.kill('SIGKILL');
      await new Promise((r) => argus.child.once('exit', r));
      // What the killed process recorded as delivered (read from its state database).
      const db = new Database(path.join(dataDir, 'state.db'), { readonly: true });
      const rows = db.prepare(`SELECT notification_id AS id, state FROM alert_outbox`).all() as {
        id: string;
        state: string;
      }[];
      db.close();
      const delivered = new Set(rows.filter((r) => r.state === 'delivered').map((r) => r.id));
      const all = new Set(rows.map((r) => r.id));
      assert.ok(
        delivered.size > 0 && delivered.size < N,
        `mid-burst: ${delivered.size} of ${N} delivered`,
      );

      argus = await startArgus({ args: ['--config', cfg], dataDir });
      await until(
        () => new Set(hook.got.map((g) => g.key)).size >= all.size,
        'every recorded notification after the restart',
        30_000,
      );
      const count = new Map<string, number>();
      for (const g of hook.got) count.set(g.key, (count.get(g.key) ?? 0) + 1);
      for (const id of all) assert.ok((count.get(id) ?? 0) >= 1, `notification ${id} arrived`);
      for (const id of delivered) assert.equal(count.get(id), 1, `delivered ${id} arrived once`);
      // Every alert was notified.
      const hosts = new Set(hook.got.flatMap((g) => g.body.alerts.map((a) => a.labels.instance)));
      assert.equal(hosts.size, N);
    } finally {
      await argus.stop();
      hook.server.close();
    }
  });
});
