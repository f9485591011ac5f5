import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Matcher, type TenantId } from '../model/index.js';
import { OutboundGuard } from '../net/index.js';
import { openSqliteState, type StateStore } from '../state/index.js';
import { MemStore, readSeries } from '../storage/testing.js';
import type { Appendable } from '../storage/index.js';
import { nopLogger } from '../util/index.js';
import { CheckEngine, CheckNotFoundError, type CheckEngineOptions } from './engine.js';
import type { CheckStateChange, ScheduledCheck } from './status.js';
import { checkHistory } from './state-writer.js';
import { eventually, failed, FakeKind, ok, sleep, testDefinition } from './testing.js';
import type { AnyCheckKind, QuerySample } from './types.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function openState(dir?: string): { state: StateStore; dir: string } {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'argus-checks-'));
  if (!dir) dirs.push(d);
  return { state: openSqliteState({ file: join(d, 'state.db') }), dir: d };
}

function engine(
  kinds: AnyCheckKind[],
  over: Partial<CheckEngineOptions> = {},
): { engine: CheckEngine; store: MemStore; state: StateStore } {
  const store = new MemStore();
  const state = over.state ? (over.state as StateStore) : openState().state;
  const e = new CheckEngine({
    appendable: store,
    state,
    kinds: new Map(kinds.map((k) => [k.name, k])),
    guard: new OutboundGuard({ trusted: true }),
    secrets: { get: (_t, n) => Promise.resolve(`value-of-${n}`) },
    query: () => Promise.resolve([] as QuerySample[]),
    heartbeatKey: Buffer.from('k'.repeat(32)),
    logger: nopLogger,
    ...over,
  });
  return { engine: e, store, state };
}

const sched = (
  over: Parameters<typeof testDefinition>[0],
  more: Partial<ScheduledCheck> = {},
): ScheduledCheck => ({ definition: testDefinition(over), source: 'config', ...more });
const T = 'default' as TenantId;
const series = (s: MemStore, name: string, tenant: TenantId = T) =>
  readSeries(s, [new Matcher('=', '__name__', name)], tenant);

describe('CheckEngine scheduling', () => {
  it('never runs a check again while its probe is still going, and counts the skips', async () => {
    const kind = new FakeKind('fake', async () => {
      await sleep(150);
      return ok();
    });
    const { engine: e } = engine([kind]);
    await e.start();
    e.setChecks(T, [sched({ name: 'slow', interval: 30, timeout: 30_000 })]);
    await eventually(() => e.metrics().skippedTotal >= 3 && kind.calls >= 2, 'skips');
    assert.equal(kind.maxActiveByTarget.get('slow'), 1);
    await e.stop();
  });

  it('caps active probes in flight; passive kinds are not counted', async () => {
    const release: (() => void)[] = [];
    const block = () => new Promise<ReturnType<typeof ok>>((r) => release.push(() => r(ok())));
    const active = new FakeKind('fake', block);
    const passive = new FakeKind('passive', block, true);
    const { engine: e } = engine([active, passive], { concurrency: 2 });
    await e.start();
    const names = ['a', 'b', 'c', 'd', 'e'];
    e.setChecks(T, [
      ...names.map((n) => sched({ name: n, interval: 60_000 })),
      ...['p1', 'p2', 'p3'].map((n) => sched({ name: n, kind: 'passive', interval: 60_000 })),
    ]);
    const runs = [...names, 'p1', 'p2', 'p3'].map((n) => e.runNow(T, n));
    await eventually(() => active.active === 2 && passive.active === 3, 'probes in flight');
    assert.equal(e.metrics().queuedForSlot, 3);
    while (release.length > 0 || active.calls < 5) {
      release.shift()?.();
      await sleep(2);
    }
    await Promise.all(runs);
    assert.equal(active.maxActive, 2);
    assert.equal(active.calls, 5);
    assert.equal(passive.maxActive, 3);
    await e.stop();
  });

  it('reports a probe that ignores its signal as failed at the deadline', async () => {
    let aborted = false;
    const kind = new FakeKind('fake', (_s, ctx) => {
      ctx.signal.addEventListener('abort', () => (aborted = true));
      return new Promise(() => {}); // never settles
    });
    const { engine: e } = engine([kind]);
    await e.start();
    e.setChecks(T, [sched({ name: 'hang', timeout: 40 })]);
    const run = await e.runNow(T, 'hang');
    assert.equal(run.result.success, false);
    assert.match(run.result.error ?? '', /^timeout: no result within 40ms/);
    assert.ok(aborted, 'the signal fired');
    assert.equal(e.metrics().timeoutsTotal, 1);
    await e.stop();
  });

  it('runs scheduled checks at their offsets with small lag, and reschedules changed ones', async () => {
    const kind = new FakeKind();
    const { engine: e } = engine([kind]);
    await e.start();
    const checks = Array.from({ length: 50 }, (_, i) => sched({ name: `c${i}`, interval: 200 }));
    e.setChecks(T, checks);
    await eventually(() => e.metrics().runsTotal >= 150, 'runs');
    const before = e.status(T, 'c1');
    assert.ok(before?.nextRunAt !== undefined && before.nextRunAt > Date.now() - 1000);
    // Same definitions: nothing restarts (the running schedule is kept).
    e.setChecks(T, checks);
    assert.equal(e.statuses(T).length, 50);
    const m = e.metrics();
    assert.equal(m.checks, 50);
    assert.ok(m.schedulingLagP50Ms < 50, `lag p50 ${m.schedulingLagP50Ms}`);
    // Disable one: it stops and has no next run.
    e.setChecks(T, [...checks.slice(1), sched({ name: 'c0', interval: 200, enabled: false })]);
    assert.equal(e.status(T, 'c0')?.nextRunAt, undefined);
    await e.stop();
  });

  it('stop() aborts probes in flight', async () => {
    let sawAbort = false;
    const kind = new FakeKind('fake', (_s, ctx) => {
      ctx.signal.addEventListener('abort', () => (sawAbort = true));
      return new Promise(() => {}); // ignores the signal, never settles
    });
    const { engine: e } = engine([kind]);
    await e.start();
    e.setChecks(T, [sched({ name: 'long', timeout: 60_000 })]);
    const run = e.runNow(T, 'long');
    await eventually(() => kind.active === 1, 'the probe to start');
    await e.stop();
    assert.ok(sawAbort);
    await assert.rejects(run, /the engine stopped/);
    assert.equal(e.runs(T, 'long').length, 0);
  });

  it('runNow of an unknown check is CheckNotFoundError', async () => {
    const { engine: e } = engine([new FakeKind()]);
    await e.start();
    await assert.rejects(e.runNow(T, 'nope'), CheckNotFoundError);
    await e.stop();
  });

  it('gives API checks the API guard and config checks the config guard', async () => {
    const kind = new FakeKind('fake', (s, ctx) => {
      try {
        ctx.guard.assertAllowed(s.target, ctx.tenant);
        return Promise.resolve(ok());
      } catch (err) {
        return Promise.resolve(failed((err as Error).message));
      }
    });
    const { engine: e } = engine([kind], { guard: new OutboundGuard() });
    await e.start();
    e.setChecks(T, [
      sched({ name: 'api', spec: { target: '169.254.169.254' } }, { source: 'api' }),
      sched({ name: 'cfg', spec: { target: '127.0.0.1' } }, { source: 'config' }),
    ]);
    const api = await e.runNow(T, 'api');
    assert.equal(api.result.success, false);
    assert.match(api.result.error ?? '', /169\.254\.169\.254/);
    assert.equal((await e.runNow(T, 'cfg')).result.success, true);
    await e.stop();
  });
});

describe('CheckEngine definitions', () => {
  it('applies setChecks given before start, keeps state across edits, resolves secrets by source', async () => {
    const kind = new FakeKind('fake', async (s, ctx) => {
      try {
        return ok([
          { name: 'probe_secret_length', value: (await ctx.secret(s.password ?? '')).length },
        ]);
      } catch (err) {
        return failed((err as Error).message);
      }
    });
    const { engine: e } = engine([kind]);
    e.setChecks(T, [
      sched({ name: 'api', spec: { target: 'x', password: { secret: 'pw' } } }, { source: 'api' }),
      sched(
        { name: 'file', spec: { target: 'x', password: { file: '/nonexistent' } } },
        { source: 'api' },
      ),
    ]);
    assert.equal(e.status(T, 'api'), undefined);
    await e.start();
    const api = await e.runNow(T, 'api');
    assert.equal(api.result.metrics[0].value, 'value-of-pw'.length);
    const file = await e.runNow(T, 'file');
    assert.match(file.result.error ?? '', /files are for argus.yml checks/);
    assert.equal(e.status(T, 'file')?.state, 'down');
    // An edit (new interval) keeps the state and history and reschedules.
    e.setChecks(T, [
      sched({ name: 'file', interval: 120_000, spec: { target: 'x', password: 'plain' } }),
    ]);
    assert.equal(e.status(T, 'api'), undefined);
    const st = e.status(T, 'file');
    assert.equal(st?.state, 'down');
    assert.equal(st?.source, 'config');
    assert.equal(e.runs(T, 'file').length, 1);
    assert.equal((await e.runNow(T, 'file')).result.success, true);
    assert.equal(e.status(T, 'file')?.state, 'up');
    await e.stop();
    await assert.rejects(e.runNow(T, 'file'), /the engine stopped/);
  });

  it('logs and skips a check of an unknown kind; a throwing listener does not break runs', async () => {
    const logged: string[] = [];
    const log = { ...nopLogger, error: (_o: object, m: string) => logged.push(m) };
    const { engine: e } = engine([new FakeKind()], { logger: log });
    e.onRun(() => {
      throw new Error('listener bug');
    });
    await e.start();
    e.setChecks(T, [sched({ name: 'k', kind: 'gone' }), sched({ name: 'ok' })]);
    assert.deepEqual(
      e.statuses(T).map((s) => s.name),
      ['ok'],
    );
    assert.equal((await e.runNow(T, 'ok')).result.success, true);
    assert.deepEqual(logged, ['unknown check kind', 'a check listener failed']);
    await e.stop();
  });
});

describe('CheckEngine state', () => {
  it('applies flap protection, emits changes, persists them and restores them', async () => {
    let next = ok();
    const kind = new FakeKind('fake', () => Promise.resolve(next));
    const { state, dir } = openState();
    const { engine: e } = engine([kind], { state });
    const changes: CheckStateChange[] = [];
    e.onStateChange((c) => changes.push(c));
    const runs: string[] = [];
    const off = e.onRun((_t, n, r) => runs.push(`${n}:${r.result.success}`));
    await e.start();
    e.setChecks(T, [sched({ name: 'db', failure_threshold: 2, success_threshold: 2 })]);
    next = failed('connection refused');
    await e.runNow(T, 'db');
    assert.equal(e.status(T, 'db')?.state, 'unknown');
    await e.runNow(T, 'db');
    assert.equal(e.status(T, 'db')?.state, 'down');
    off();
    next = ok();
    await e.runNow(T, 'db');
    assert.deepEqual(runs, ['db:false', 'db:false']);
    assert.deepEqual(
      changes.map((c) => [c.from, c.to, c.error]),
      [['unknown', 'down', 'connection refused']],
    );
    const st = e.status(T, 'db');
    assert.equal(st?.consecutiveSuccesses, 1);
    assert.equal(st?.lastError, 'connection refused');
    assert.equal(e.runs(T, 'db').length, 3);
    await e.stop();
    await state.close();

    // A new engine on the same state.db resumes: no new "down" event, counters kept.
    const s2 = openState(dir).state;
    const { engine: e2 } = engine([kind], { state: s2 });
    await e2.start();
    e2.setChecks(T, [sched({ name: 'db', failure_threshold: 2, success_threshold: 2 })]);
    const st2 = e2.status(T, 'db');
    assert.equal(st2?.state, 'down');
    assert.equal(st2?.consecutiveSuccesses, 1);
    assert.equal(st2?.lastError, 'connection refused');
    await e2.runNow(T, 'db');
    assert.equal(e2.status(T, 'db')?.state, 'up');
    await e2.stop();
    const hist = await checkHistory(s2, T, 'db', 0, Date.now() + 1000);
    assert.deepEqual(
      hist.map((h) => [h.state, h.error]),
      [
        ['up', undefined],
        ['down', 'connection refused'],
      ],
    );
    assert.equal(typeof hist[1].duration, 'number');
    // Removing the check deletes its state row; the history stays.
    const { engine: e3 } = engine([kind], { state: s2 });
    await e3.start();
    e3.setChecks(T, [sched({ name: 'db' })]);
    e3.setChecks(T, []);
    assert.equal(e3.status(T, 'db'), undefined);
    await e3.stop();
    const rows = await s2.sql.read((r) => r.all(`SELECT * FROM check_state`));
    assert.equal(rows.length, 0);
    assert.equal((await checkHistory(s2, T, 'db', 0, Date.now() + 1000, 1)).length, 1);
    await s2.close();
  });

  it('batches counter writes instead of one transaction per probe', async () => {
    const kind = new FakeKind();
    const { engine: e, state } = engine([kind], { stateFlushMs: 60_000 });
    await e.start();
    e.setChecks(T, [sched({ name: 'a' }), sched({ name: 'b' })]);
    // unknown -> up for both: the state changes are written at once (coalesced per tick).
    await Promise.all([e.runNow(T, 'a'), e.runNow(T, 'b')]);
    await sleep(20);
    for (let i = 1; i < 10; i++) {
      await Promise.all([e.runNow(T, 'a'), e.runNow(T, 'b')]);
      await sleep(1);
    }
    const afterChanges = e.metrics().stateTransactionsTotal;
    assert.equal(afterChanges, 1);
    await e.stop();
    assert.equal(e.metrics().stateTransactionsTotal, afterChanges + 1);
    const rows = await state.sql.read((r) =>
      r.all<{ name: string; successes: number }>(
        `SELECT name, successes FROM check_state ORDER BY name`,
      ),
    );
    assert.deepEqual(rows, [
      { name: 'a', successes: 10 },
      { name: 'b', successes: 10 },
    ]);
  });
});

describe('CheckEngine metrics', () => {
  it('keeps recent runs without their metrics, and the last run with them', async () => {
    let n = 0;
    const kind = new FakeKind('fake', () => {
      n++;
      const r =
        n === 2 ? failed('status 503') : ok([{ name: 'probe_http_status_code', value: 200 }]);
      return Promise.resolve({ ...r, detail: { status: n } });
    });
    const { engine: e } = engine([kind], { historySize: 2 });
    await e.start();
    e.setChecks(T, [sched({ name: 'web' })]);
    for (let i = 0; i < 3; i++) await e.runNow(T, 'web');
    const runs = e.runs(T, 'web');
    assert.deepEqual(
      runs.map((r) => [r.result.success, r.result.error, r.result.metrics.length, r.result.detail]),
      [
        [false, 'status 503', 0, { status: 2 }],
        [true, undefined, 0, { status: 3 }],
      ],
    );
    assert.deepEqual(e.status(T, 'web')?.lastRun?.result.metrics, [
      { name: 'probe_http_status_code', value: 200 },
    ]);
    await e.stop();
  });

  it('writes probe_* with the check labels, batched, and staleness markers', async () => {
    let extra = true;
    const kind = new FakeKind('fake', () =>
      Promise.resolve(
        ok(extra ? [{ name: 'probe_http_status_code', value: 200, help: 'HTTP status' }] : []),
      ),
    );
    const appenders: string[] = [];
    const mem = new MemStore();
    const counting: Appendable = {
      appender: (t) => {
        appenders.push(t);
        return mem.appender(t);
      },
    };
    const { engine: e } = engine([kind], {
      appendable: counting,
      metadata: mem,
      metricsFlushMs: 60_000,
    });
    await e.start();
    e.setChecks(T, [
      sched(
        { name: 'web', labels: { team: 'core' }, spec: { target: 'http://x/' } },
        { services: ['shop', 'api'] },
      ),
    ]);
    e.setChecks('acme' as TenantId, [sched({ name: 'web' })]);
    await e.runNow(T, 'web');
    await e.runNow('acme' as TenantId, 'web');
    await sleep(2); // a later timestamp
    extra = false;
    await e.runNow(T, 'web');
    await e.stop(); // flushes: one appender per tenant for all of it
    assert.deepEqual(appenders.sort(), ['acme', 'default']);
    const succ = series(mem, 'probe_success');
    assert.equal(succ.length, 1);
    assert.equal(
      succ[0].labels,
      '{__name__="probe_success", check="web", instance="http://x/", job="argus_checks", kind="fake", service="api,shop", team="core"}',
    );
    assert.deepEqual(succ[0].vs, [1, 1]);
    const code = series(mem, 'probe_http_status_code');
    assert.deepEqual(code[0].vs, [200, 'stale']);
    assert.equal(
      mem.getMetadata(T, 'probe_http_status_code').get('probe_http_status_code')?.help,
      'HTTP status',
    );
    assert.equal(mem.getMetadata(T, 'probe_success').get('probe_success')?.type, 'gauge');
    assert.equal(series(mem, 'probe_duration_seconds', 'acme' as TenantId).length, 1);
    assert.equal(e.metrics().samplesAppendedTotal, 9);
  });

  it('marks every series of a removed check stale', async () => {
    const { engine: e, store } = engine([new FakeKind()], { metricsFlushMs: 5 });
    await e.start();
    e.setChecks(T, [sched({ name: 'gone' })]);
    await e.runNow(T, 'gone');
    e.setChecks(T, []);
    await e.stop();
    for (const n of ['probe_success', 'probe_duration_seconds'])
      assert.equal(series(store, n)[0].vs.at(-1), 'stale', n);
  });
});

describe('CheckEngine heartbeats', () => {
  it('keeps a never-pinged late heartbeat down across a restart', async () => {
    const { heartbeatKind } = await import('./heartbeat/index.js');
    const base = Date.now();
    let shift = 0;
    const now = () => base + shift;
    const { state, dir } = openState();
    const def = sched({
      name: 'nightly',
      kind: 'heartbeat',
      spec: { period: 3_600_000, grace: 60_000 },
    });
    const { engine: e1 } = engine([heartbeatKind], { state, now });
    await e1.start();
    e1.setChecks(T, [def]);
    assert.equal((await e1.runNow(T, 'nightly')).result.success, true);
    shift = 2 * 3_600_000;
    await e1.runNow(T, 'nightly');
    assert.equal(e1.status(T, 'nightly')?.state, 'down');
    await e1.stop();
    await state.close();
    const s2 = openState(dir).state;
    const { engine: e2 } = engine([heartbeatKind], { state: s2, now });
    await e2.start();
    e2.setChecks(T, [def]);
    const run = await e2.runNow(T, 'nightly');
    assert.match(run.result.error ?? '', /^late: no ping since the check appeared/);
    assert.equal(e2.status(T, 'nightly')?.state, 'down');
    await e2.stop();
    await s2.close();
  });

  it('keeps a /fail (and its message) across a restart', async () => {
    const { heartbeatKind } = await import('./heartbeat/index.js');
    const { state, dir } = openState();
    const def = sched({
      name: 'job',
      kind: 'heartbeat',
      spec: { period: 3_600_000, grace: 60_000 },
    });
    const { engine: e1 } = engine([heartbeatKind], { state });
    await e1.start();
    e1.setChecks(T, [def]);
    e1.ping(e1.heartbeatToken(T, 'job'), 'success');
    await sleep(2);
    e1.ping(e1.heartbeatToken(T, 'job'), 'fail', 'backup: disk full');
    await eventually(() => e1.status(T, 'job')?.state === 'down', 'down after /fail');
    await e1.stop();
    await state.close();
    const s2 = openState(dir).state;
    const { engine: e2 } = engine([heartbeatKind], { state: s2 });
    await e2.start();
    e2.setChecks(T, [def]);
    const run = await e2.runNow(T, 'job');
    assert.equal(run.result.success, false);
    assert.match(run.result.error ?? '', /backup: disk full/);
    await e2.stop();
    await s2.close();
  });

  it('records pings by token and re-evaluates at once', async () => {
    const { heartbeatKind } = await import('./heartbeat/index.js');
    const { engine: e, state, dir } = { ...engine([heartbeatKind]), dir: '' };
    void dir;
    await e.start();
    const hb = sched({
      name: 'cron',
      kind: 'heartbeat',
      spec: { period: 3_600_000, grace: 60_000 },
    });
    e.setChecks(T, [hb, sched({ name: 'other', kind: 'heartbeat', spec: hb.definition.spec })]);
    const token = e.heartbeatToken(T, 'cron');
    assert.match(token, /^[A-Za-z0-9_-]{22,}$/);
    assert.notEqual(token, e.heartbeatToken(T, 'other'));
    assert.equal(e.ping('nope', 'success'), undefined);
    // Pings in quick succession: one run starts, the next ping re-runs after it.
    e.ping(token, 'start');
    assert.deepEqual(e.ping(token, 'fail', 'disk full'), { tenant: T, check: 'cron' });
    await eventually(() => e.status(T, 'cron')?.state === 'down', 'down after /fail');
    assert.match(e.status(T, 'cron')?.lastError ?? '', /disk full/);
    await sleep(2);
    e.ping(token, 'success');
    await eventually(() => e.status(T, 'cron')?.state === 'up', 'up after a ping');
    await e.stop();
    const row = await state.sql.read((r) =>
      r.get<{ last_ping: number | null }>(`SELECT last_ping FROM check_state WHERE name = 'cron'`),
    );
    assert.equal(typeof row?.last_ping, 'number');
  });
});
