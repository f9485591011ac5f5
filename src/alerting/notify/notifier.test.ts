import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { DEFAULT_TENANT } from '../../model/index.js';
import { FakeScheduler } from './clock.js';
import { backoffMs, Notifier } from './notifier.js';
import { listOutbox, listReceipts, pruneOutbox } from './outbox.js';
import { RecordingChannel, tempState } from './testing-doubles.js';
import type { Notification } from './types.js';

const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const child = fileURLToPath(new URL(`./testing-burst-child${ext}`, import.meta.url));

function note(id: string, status: 'firing' | 'resolved' = 'firing'): Notification {
  return {
    id,
    tenant: DEFAULT_TENANT,
    receiver: 'ops',
    groupKey: '{}:{}',
    status,
    alerts: [],
    groupLabels: {},
    commonLabels: { alertname: 'A' },
    commonAnnotations: {},
    externalURL: 'http://argus',
    truncatedAlerts: 0,
    escalationLevel: 0,
    ackUpdate: false,
    evaluatedAt: 0,
  };
}

describe('Notifier', () => {
  it('backs off 1 s, 2 s, 4 s … capped at 5 min, with jitter', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 20].map((a) => backoffMs(a, () => 0.5)),
      [1000, 2000, 4000, 8000, 300_000],
    );
    assert.equal(
      backoffMs(1, () => 0),
      800,
    );
    assert.equal(
      backoffMs(20, () => 0.999),
      300_000,
    );
  });

  it('retries until delivered, storing a receipt per attempt, and reports stats', async () => {
    const st = tempState();
    after(st.cleanup);
    const sched = new FakeScheduler(10_000);
    const ch = new RecordingChannel('ops/webhook[0]');
    ch.answers.push(
      { ok: false, retryable: true, status: 503, error: 'down' },
      { ok: false, retryable: true, status: 429 },
    );
    const seen: string[] = [];
    const n = new Notifier({
      sql: st.store.sql,
      scheduler: sched,
      channelsFor: () => [ch],
      random: () => 0.5,
      stats: {
        sent: (c) => seen.push(`sent ${c}`),
        failed: (c) => seen.push(`failed ${c}`),
        deliveryLatency: (s) => seen.push(`latency ${s}`),
        fallback: () => seen.push('fallback'),
      },
    });
    n.start();
    await n.send(note('x'), '', 10_000 + 3_600_000);
    await sched.advance(0);
    assert.equal(ch.sent.length, 1);
    await sched.advance(999);
    assert.equal(ch.sent.length, 1);
    await sched.advance(1);
    assert.equal(ch.sent.length, 2);
    await sched.advance(2000);
    assert.equal(ch.sent.length, 3);
    await sched.advance(60_000);
    assert.equal(ch.sent.length, 3);
    assert.deepEqual(seen, [
      'failed ops/webhook[0]',
      'failed ops/webhook[0]',
      'sent ops/webhook[0]',
      'latency 13',
    ]);
    const [row] = await st.store.sql.read((r) => listOutbox(r, DEFAULT_TENANT));
    assert.equal(row.state, 'delivered');
    const rc = await st.store.sql.read((r) => listReceipts(r, row.id));
    assert.deepEqual(
      rc.map((r) => [r.attempt, r.ok, r.statusCode, r.error]),
      [
        [1, false, 503, 'down'],
        [2, false, 429, null],
        [3, true, 200, null],
      ],
    );
    await n.stop();
  });

  it('stops on permanent failures and expires rows past their expiry', async () => {
    const st = tempState();
    after(st.cleanup);
    const sched = new FakeScheduler(0);
    const ch = new RecordingChannel('ops/webhook[0]');
    ch.fallbackAnswer = { ok: false, retryable: true, status: 500 };
    ch.answers.push({ ok: false, retryable: false, status: 400, error: 'bad' });
    const n = new Notifier({ sql: st.store.sql, scheduler: sched, channelsFor: () => [ch] });
    n.start();
    await n.send(note('perm'), '', 3_600_000);
    await n.send(note('exp'), '', 5_000);
    await sched.advance(60_000);
    const rows = await st.store.sql.read((r) => listOutbox(r, DEFAULT_TENANT));
    assert.deepEqual(
      rows.map((r) => [r.notificationId, r.state]),
      [
        ['perm', 'failed'],
        ['exp', 'expired'],
      ],
    );
    // Retention: finished rows done before the cut go (with their receipts); pending stay.
    await n.send(note('later'), '', 3_600_000);
    await n.stop();
    const doneAt = await st.store.sql.read(
      (r) => r.get<{ t: number }>('SELECT MAX(done_at) AS t FROM alert_outbox')!.t,
    );
    assert.equal(await pruneOutbox(st.store.sql, doneAt), 1, 'only rows done before the cut');
    assert.equal(await pruneOutbox(st.store.sql, doneAt + 1), 1);
    const left = await st.store.sql.read((r) => listOutbox(r, DEFAULT_TENANT));
    assert.deepEqual(
      left.map((r) => [r.notificationId, r.state]),
      [['later', 'pending']],
    );
    const orphans = await st.store.sql.read(
      (r) => r.get<{ n: number }>('SELECT COUNT(*) AS n FROM alert_receipts')!.n,
    );
    assert.equal(orphans, 0, 'receipts go with their rows');
  });

  it('skips resolved notifications for channels without send_resolved', async () => {
    const st = tempState();
    after(st.cleanup);
    const sched = new FakeScheduler(0);
    const quiet = new RecordingChannel('ops/slack[0]', 'slack', false);
    const loud = new RecordingChannel('ops/webhook[0]');
    const n = new Notifier({
      sql: st.store.sql,
      scheduler: sched,
      channelsFor: () => [quiet, loud],
    });
    n.start();
    await n.send(note('r', 'resolved'), '', 3_600_000);
    await sched.advance(1000);
    assert.equal(quiet.sent.length, 0);
    assert.equal(loud.sent.length, 1);
    await n.stop();
  });

  it('survives SIGKILL mid-burst: every notification arrives, none recorded delivered arrives twice', async () => {
    const st = tempState();
    after(st.cleanup);
    await st.store.close(); // the children own the file; reopened below for the checks
    const arrived = new Map<string, number>();
    let onArrive = (): void => {};
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const { id } = JSON.parse(body) as { id: string };
        arrived.set(id, (arrived.get(id) ?? 0) + 1);
        onArrive();
        setTimeout(() => res.end('ok'), 5);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    after(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const total = 200;

    const run = (count: number, killAfter?: number) =>
      new Promise<string>((resolve, reject) => {
        const p = spawn(
          process.execPath,
          [
            ...process.execArgv.filter((a) => !a.startsWith('--test')),
            child,
            st.file,
            url,
            String(count),
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        if (killAfter !== undefined)
          onArrive = () => {
            if (arrived.size >= killAfter && out.includes('queued')) p.kill('SIGKILL');
          };
        p.on('error', reject);
        p.on('close', (code, signal) => {
          onArrive = () => {};
          if (signal === 'SIGKILL' || code === 0) resolve(out);
          else reject(new Error(`child exited ${code}: ${err}`));
        });
      });

    const first = await run(total, 40);
    assert.ok(!first.includes('done'), 'the child was killed mid-burst');
    const { openSqliteState } = await import('../../state/index.js');
    const check = openSqliteState({ file: st.file });
    const deliveredBefore = (await check.sql.read((r) => listOutbox(r, DEFAULT_TENANT)))
      .filter((r) => r.state === 'delivered')
      .map((r) => r.notificationId);
    await check.close();
    assert.ok(deliveredBefore.length > 0 && deliveredBefore.length < total);
    const before = new Map(arrived);

    const second = await run(0);
    assert.match(second, /done/);
    for (let i = 0; i < total; i++) assert.ok((arrived.get(`n${i}`) ?? 0) >= 1, `n${i} arrived`);
    for (const id of deliveredBefore)
      assert.equal(arrived.get(id), before.get(id), `${id} not re-sent`);
    for (const id of deliveredBefore) assert.equal(arrived.get(id), 1, `${id} arrived once`);
  });
});
