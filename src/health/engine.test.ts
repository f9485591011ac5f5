import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { CheckState, CheckStateChange, CheckStatus } from '../checks/index.js';
import { DEFAULT_TENANT, type Alert, type TenantId } from '../model/index.js';
import { openSqliteState, type StateStore } from '../state/index.js';
import { HealthEngine } from './engine.js';
import { HealthConflictError, HealthNotFoundError } from './errors.js';
import { parseServiceDefinition } from './service-store.js';
import type { CheckStateSource, ServiceEntry } from './types.js';

const T = DEFAULT_TENANT;
const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 10);
const RESEND = 60_000;

/** A check engine stand-in: statuses set by the test, changes emitted like the real one. */
class FakeChecks implements CheckStateSource {
  private readonly map = new Map<string, CheckStatus>();
  private readonly fns = new Set<(c: CheckStateChange) => void>();
  constructor(private readonly now: () => number) {}
  statuses(tenant: TenantId): readonly CheckStatus[] {
    return [...this.map.values()].filter((s) => s.tenant === tenant);
  }
  onStateChange(fn: (c: CheckStateChange) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  set(name: string, state: CheckState, error?: string, tenant: TenantId = T): void {
    const from = this.map.get(`${tenant}/${name}`)?.state ?? 'unknown';
    this.map.set(`${tenant}/${name}`, {
      tenant,
      name,
      kind: 'tcp',
      target: `${name}:1`,
      source: 'config',
      state,
      since: this.now(),
      consecutiveFailures: state === 'down' ? 2 : 0,
      consecutiveSuccesses: state === 'up' ? 1 : 0,
      ...(error ? { lastError: error } : {}),
    });
    for (const fn of this.fns) fn({ tenant, check: name, from, to: state, at: this.now(), error });
  }
  /** Changes run-time fields (last run, next run, failure count) without a state change. */
  patch(name: string, fields: Partial<CheckStatus>): void {
    const cur = this.map.get(`${T}/${name}`);
    if (cur) this.map.set(`${T}/${name}`, { ...cur, ...fields });
  }
  remove(name: string): void {
    this.map.delete(`${T}/${name}`);
  }
}

const svc = (def: Record<string, unknown>, source: 'config' | 'api' = 'config'): ServiceEntry => ({
  definition: parseServiceDefinition(def),
  source,
});
const firing = (sent: Alert[], now: number) => sent.filter((a) => a.endsAt > now);
const resolved = (sent: Alert[], now: number) => sent.filter((a) => a.endsAt <= now);

describe('HealthEngine (fake checks, real state.db)', () => {
  let dir: string;
  let state: StateStore;
  let now: number;
  let checks: FakeChecks;
  let sent: Alert[][];
  let failSink: boolean;
  let engine: HealthEngine;
  const newEngine = () =>
    new HealthEngine({
      checks,
      state,
      alerts: (tenant, alerts) => {
        assert.equal(tenant, T);
        if (failSink) return Promise.reject(new Error('pipeline down'));
        sent.push(alerts);
        return Promise.resolve();
      },
      now: () => now,
      resendMs: RESEND,
      tickMs: 3_600_000,
      externalUrl: 'https://argus.example/',
    });
  const last = () => sent[sent.length - 1] ?? [];
  const evaluate = async () => {
    sent = [];
    await engine.evaluate(T);
    return sent.flat();
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'argus-health-engine-'));
    now = T0;
    state = openSqliteState({ file: path.join(dir, 'state.db'), now: () => now });
    checks = new FakeChecks(() => now);
    sent = [];
    failSink = false;
    engine = newEngine();
    engine.start();
  });
  afterEach(async () => {
    await engine.stop();
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a dependent noticing first waits for the dependency check to confirm or take the blame', async () => {
    engine.setServices(T, [
      svc({ name: 'db', checks: ['db-tcp'] }),
      svc({ name: 'web', checks: ['web-http'], depends_on: ['db'] }),
    ]);
    checks.set('db-tcp', 'up');
    checks.set('web-http', 'up');
    const ran = (at: number) => ({
      at,
      result: { success: true, durationSeconds: 0, metrics: [] },
    });
    checks.patch('db-tcp', { lastRun: ran(now), nextRunAt: now + 30_000 });
    assert.deepEqual(await evaluate(), []);
    // web's check fails before db's next probe: no alert yet (db may be the cause).
    now += 5_000;
    checks.set('web-http', 'down', 'status 502');
    assert.deepEqual(await evaluate(), []);
    // db's probe fails once (under its threshold of 2): still waiting.
    now += 25_000;
    checks.patch('db-tcp', { lastRun: ran(now), consecutiveFailures: 1, nextRunAt: now + 30_000 });
    assert.deepEqual(await evaluate(), []);
    // db is down: web is impacted; the one alert is db's.
    now += 30_000;
    checks.set('db-tcp', 'down', 'connection refused');
    assert.deepEqual(
      firing(await evaluate(), now).map((a) => a.labels.get('check')),
      ['db-tcp'],
    );
    // Another outage where db's check runs fine after web went down: web alerts then.
    now += 60_000;
    checks.set('db-tcp', 'up');
    checks.set('web-http', 'up');
    checks.patch('db-tcp', { lastRun: ran(now), nextRunAt: now + 30_000 });
    await evaluate();
    now += 1_000;
    checks.set('web-http', 'down', 'status 500');
    assert.deepEqual(firing(await evaluate(), now), []);
    now += 30_000;
    checks.patch('db-tcp', { lastRun: ran(now), nextRunAt: now + 30_000 });
    assert.deepEqual(
      firing(await evaluate(), now).map((a) => a.labels.get('check')),
      ['web-http'],
    );
    // A dependency check that never confirms holds a dependent's alert 10 minutes at most.
    now += 60_000;
    checks.set('web-http', 'up');
    await evaluate();
    now += 1_000;
    checks.set('web-http', 'down', 'status 500');
    checks.patch('db-tcp', { nextRunAt: now + 3_600_000 });
    assert.deepEqual(firing(await evaluate(), now), []);
    now += 10 * 60_000;
    assert.deepEqual(
      firing(await evaluate(), now).map((a) => a.labels.get('check')),
      ['web-http'],
    );
  });

  it('no recovery storm: dependents still failing when the root recovers wait for a probe', async () => {
    engine.setServices(T, [
      svc({ name: 'db', checks: ['db-a', 'db-b'] }),
      svc({ name: 'web', checks: ['web-http'], depends_on: ['db'] }),
    ]);
    const ran = (at: number) => ({
      at,
      result: { success: true, durationSeconds: 0, metrics: [] },
    });
    for (const c of ['db-a', 'db-b', 'web-http']) {
      checks.set(c, 'up');
      checks.patch(c, { lastRun: ran(now), nextRunAt: now + 30_000 });
    }
    await evaluate();
    // db-a down (db degraded) and web failing: only db-a alerts.
    now += 1_000;
    checks.set('db-a', 'down', 'refused');
    checks.set('web-http', 'down', 'status 500');
    checks.patch('web-http', { lastRun: ran(now) });
    assert.deepEqual(
      firing(await evaluate(), now).map((a) => a.labels.get('check')),
      ['db-a'],
    );
    // db-a recovers; web has not probed since: no alert for web (and db-a resolves).
    now += 30_000;
    checks.set('db-a', 'up');
    checks.patch('db-a', { lastRun: ran(now), nextRunAt: now + 30_000 });
    checks.patch('db-b', { lastRun: ran(now), nextRunAt: now + 30_000 });
    const after = await evaluate();
    assert.deepEqual(firing(after, now), []);
    assert.deepEqual(
      resolved(after, now).map((a) => a.labels.get('check')),
      ['db-a'],
    );
    // web recovering (a success under success_threshold 2): still nothing.
    now += 5_000;
    checks.patch('web-http', { lastRun: ran(now), consecutiveSuccesses: 1 });
    assert.deepEqual(firing(await evaluate(), now), []);
    // web fails again after db is back: its own problem now, it alerts.
    now += 5_000;
    checks.patch('web-http', { lastRun: ran(now), consecutiveSuccesses: 0 });
    assert.deepEqual(
      firing(await evaluate(), now).map((a) => a.labels.get('check')),
      ['web-http'],
    );
  });

  it('a root-cause outage (db down, 50 dependents failing) yields exactly ONE firing alert', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    engine.setServices(T, [
      svc({ name: 'db', checks: ['db-tcp'], labels: { team: 'dba' } }),
      ...names.map((n) => svc({ name: n, checks: [`${n}-http`], depends_on: ['db'] })),
    ]);
    engine.setChecks(T, [
      { name: 'db-tcp', kind: 'tcp', target: 'db:5432', labels: { tier: '1' } },
    ]);
    checks.set('db-tcp', 'up');
    for (const n of names) checks.set(`${n}-http`, 'up');
    assert.deepEqual(await evaluate(), []);
    assert.equal(engine.health(T).status, 'up');

    now += 1000;
    checks.set('db-tcp', 'down', 'connection refused');
    for (const n of names) checks.set(`${n}-http`, 'down', 'HTTP 502');
    const out = await evaluate();
    assert.equal(out.length, 1);
    const a = out[0];
    assert.deepEqual(a.labels.toObject(), {
      alertname: 'CheckDown',
      check: 'db-tcp',
      instance: 'db:5432',
      kind: 'tcp',
      service: 'db',
      severity: 'critical',
      team: 'dba',
      tier: '1',
    });
    assert.deepEqual(a.annotations, {
      summary: 'db-tcp is down',
      description: 'connection refused',
      impacted: names.join(', '),
    });
    assert.equal(a.generatorURL, 'https://argus.example/health/checks/db-tcp');
    assert.equal(a.startsAt, now);
    assert.equal(a.endsAt, now + 4 * RESEND);

    const h = engine.health(T);
    assert.equal(h.status, 'down');
    assert.deepEqual(h.rootCauses, ['db']);
    const s0 = engine.service(T, 'svc-00')!;
    assert.equal(s0.status, 'down');
    assert.deepEqual(s0.impactedBy, ['db']);
    assert.equal(s0.since, now);
    assert.deepEqual(s0.checks, [{ name: 'svc-00-http', state: 'down' }]);
    assert.equal(engine.service(T, 'nope'), undefined);

    // Nothing new within the resend interval; re-sent after it with a fresh endsAt.
    now += RESEND - 1;
    assert.deepEqual(await evaluate(), []);
    now += 1;
    const again = await evaluate();
    assert.equal(again.length, 1);
    assert.equal(again[0].endsAt, now + 4 * RESEND);
    assert.equal(again[0].startsAt, T0 + 1000);

    // db recovers, its dependents still fail on their own: db's alert resolves once, theirs fire.
    now += 1000;
    checks.set('db-tcp', 'up');
    const after = await evaluate();
    assert.equal(resolved(after, now).length, 1);
    assert.equal(resolved(after, now)[0].labels.get('check'), 'db-tcp');
    assert.equal(resolved(after, now)[0].endsAt, now);
    assert.equal(firing(after, now).length, 50);
    now += 1000;
    assert.deepEqual(await evaluate(), []);
  });

  it('severity precedence, checks in no service, removal resolves, failed sends are retried', async () => {
    engine.setServices(T, [
      svc({ name: 'web', checks: ['a', 'b'], severity: 'page', labels: { team: 'web' } }),
    ]);
    engine.setChecks(T, [
      { name: 'a', kind: 'http', target: 'https://a', severity: 'warning', labels: {} },
      { name: 'b', kind: 'http', target: 'https://b', labels: {} },
    ]);
    checks.set('a', 'down', 'boom');
    checks.set('b', 'down');
    checks.set('lonely', 'down');
    const out = await evaluate();
    const by = new Map(out.map((x) => [x.labels.get('check'), x.labels.toObject()]));
    assert.equal(by.get('a')?.severity, 'warning');
    assert.equal(by.get('b')?.severity, 'page');
    assert.equal(by.get('lonely')?.severity, 'critical');
    assert.equal(by.get('lonely')?.service, undefined);
    assert.equal(by.get('lonely')?.instance, 'lonely:1'); // from the status without setChecks
    assert.equal(by.get('b')?.team, 'web');
    assert.equal(engine.health(T).status, 'down');

    // The pipeline fails: the resolution is retried at the next evaluation.
    now += 1000;
    checks.remove('lonely');
    failSink = true;
    assert.deepEqual(await evaluate(), []);
    failSink = false;
    now += 1000;
    const retried = await evaluate();
    // The firing ones the failed batch held are due again too (none were in it here).
    assert.deepEqual(
      retried.map((x) => [x.labels.get('check'), x.endsAt]),
      [['lonely', now - 1000]],
    );
    now += 1000;
    assert.deepEqual(await evaluate(), []);
  });

  it('maintenance windows mute a service and its checks; config windows are read-only', async () => {
    engine.setServices(T, [
      svc({
        name: 'db',
        checks: ['db-tcp'],
        maintenance: [
          {
            start: new Date(T0 + 10 * H).toISOString(),
            end: new Date(T0 + 11 * H).toISOString(),
            comment: 'monthly',
          },
        ],
      }),
      svc({ name: 'api', checks: ['api-http'], depends_on: ['db'] }, 'api'),
    ]);
    checks.set('db-tcp', 'down', 'refused');
    checks.set('api-http', 'down');
    assert.equal((await evaluate()).length, 1);

    now += 1000;
    sent = [];
    const w = await engine.addMaintenance(
      T,
      { service: 'db', startsAt: now, endsAt: now + H, comment: 'upgrade' },
      'user:alice',
    );
    // addMaintenance evaluated: db's alert resolved (muted); api's stays suppressed by db.
    const muted = sent.flat();
    assert.deepEqual(
      muted.map((x) => [x.labels.get('check'), x.endsAt]),
      [['db-tcp', now]],
    );
    const db = engine.service(T, 'db')!;
    assert.equal(db.status, 'maintenance');
    assert.equal(db.maintenance?.id, w.id);
    assert.deepEqual(engine.service(T, 'api')!.impactedBy, ['db']);
    assert.deepEqual(engine.health(T), {
      ...engine.health(T),
      status: 'down',
      rootCauses: [],
    });

    const listed = await engine.listMaintenance(T);
    assert.deepEqual(
      listed.map((x) => [x.id, x.source, x.comment]),
      [
        [w.id, 'api', 'upgrade'],
        [-1, 'config', 'monthly'],
      ],
    );
    assert.deepEqual(
      (await engine.listMaintenance(T, { service: 'api' })).map((x) => x.id),
      [],
    );
    await assert.rejects(engine.deleteMaintenance(T, -1, 'user:alice'), HealthConflictError);
    await assert.rejects(
      engine.addMaintenance(T, { service: 'nope', startsAt: 0, endsAt: 1 }, 'user:alice'),
      HealthNotFoundError,
    );

    // The window ends (deleted here): db's alert fires again.
    now += 1000;
    sent = [];
    await engine.deleteMaintenance(T, w.id, 'user:alice');
    assert.deepEqual(
      firing(sent.flat(), now).map((x) => x.labels.get('check')),
      ['db-tcp'],
    );
    // A config window in force by the clock alone mutes it again at the next evaluation.
    now = T0 + 10 * H + 1;
    const cfg = await evaluate();
    assert.deepEqual(
      resolved(cfg, now).map((x) => x.labels.get('check')),
      ['db-tcp'],
    );
    assert.equal(engine.service(T, 'db')?.maintenance?.id, -1);
    const audit = await state.audit.list({ tenant: T });
    assert.deepEqual(audit.map((e) => e.action).reverse(), [
      'health.maintenance.create',
      'health.maintenance.delete',
    ]);
  });

  it('a service in maintenance mutes its own alerts, not those of other services', async () => {
    engine.setServices(T, [
      svc({ name: 'a', checks: ['shared'] }),
      svc({ name: 'b', checks: ['shared'] }),
    ]);
    checks.set('shared', 'down');
    assert.deepEqual(
      (await evaluate()).map((x) => x.labels.get('service')),
      ['a', 'b'],
    );
    now += 1000;
    sent = [];
    await engine.addMaintenance(T, { service: 'a', startsAt: now, endsAt: now + H }, 'user:x');
    assert.deepEqual(
      sent.flat().map((x) => [x.labels.get('service'), x.endsAt === now]),
      [['a', true]],
    );
  });

  it('records service status changes; uptime, history and SLO from health_events; survives a restart', async () => {
    engine.setServices(T, [
      svc({ name: 'db', checks: ['db-tcp'], slo: { target: 99, window: '1d' } }),
    ]);
    now = T0 - 2 * H;
    checks.set('db-tcp', 'up');
    await evaluate();
    now = T0 + 6 * H;
    checks.set('db-tcp', 'down', 'refused');
    await evaluate();
    now = T0 + 9 * H;
    checks.set('db-tcp', 'up');
    await evaluate();
    now = T0 + 22 * H;
    await evaluate(); // no change: no event

    const hist = await engine.history(T, 'service', 'db', 0, now, 10);
    assert.deepEqual(
      hist.map((e) => [e.at, e.state]),
      [
        [T0 + 9 * H, 'up'],
        [T0 + 6 * H, 'down'],
        [T0 - 2 * H, 'up'],
      ],
    );
    assert.deepEqual(hist[1].detail, {
      impactedBy: [],
      checks: [{ name: 'db-tcp', state: 'down' }],
    });
    assert.equal((await engine.history(T, 'service', 'db', 0, now, 1)).length, 1);

    const up = await engine.uptime(T, 'service', 'db', T0 + 22 * H);
    assert.equal(up.windows['24h'], 21 / 24); // 3 h down of 24 h known
    assert.equal(up.daily[89].downSeconds, 3 * 3600);
    const slo = (await engine.slo(T, 'db', T0 + 22 * H))!;
    assert.equal(slo.availability, 21 / 24);
    assert.ok(Math.abs(slo.errorBudgetSeconds - 864) < 1e-6);
    assert.ok(Math.abs(slo.remainingRatio! - (1 - 10800 / 864)) < 1e-9);
    assert.equal(await engine.slo(T, 'nope'), undefined);

    // Check uptime from the check engine's rows, with its service's maintenance excluded.
    await state.sql.write((tx) => {
      tx.run(
        `INSERT INTO health_events (tenant, subject_kind, subject, at, state, detail)
         VALUES (?, 'check', 'db-tcp', ?, 'up', '{}'), (?, 'check', 'db-tcp', ?, 'down', '{}')`,
        [T, T0, T, T0 + 12 * H],
      );
    });
    now = T0 + 18 * H; // windows start no earlier than when they are added
    await engine.addMaintenance(
      T,
      { service: 'db', startsAt: T0 + 18 * H, endsAt: T0 + 24 * H },
      'user:a',
    );
    now = T0 + 22 * H;
    const cu = await engine.uptime(T, 'check', 'db-tcp', T0 + 24 * H);
    assert.equal(cu.windows['24h'], 12 / 18);
    assert.equal(cu.daily[89].maintenanceSeconds, 0); // today (T0 + 1 d) has just started
    assert.equal(cu.daily[88].maintenanceSeconds, 6 * 3600);
    const none = await engine.uptime(T, 'check', 'unknown-check', T0);
    assert.equal(none.windows['90d'], null);

    // A new engine on the same state.db keeps `since` and writes no duplicate event.
    await engine.stop();
    engine = newEngine();
    engine.setServices(T, [svc({ name: 'db', checks: ['db-tcp'] })]);
    await engine.evaluate(T);
    const after = await engine.history(T, 'service', 'db', 0, now, 100);
    assert.equal(after.length, 4); // + the maintenance state the window caused
    assert.equal(engine.health(T).services[0].status, 'maintenance');
    assert.equal(engine.health(T).services[0].since, T0 + 18 * H);
  });

  it('health of an unknown tenant; state changes trigger evaluations by themselves', async () => {
    assert.deepEqual(engine.health('other' as TenantId), {
      status: 'unknown',
      services: [],
      rootCauses: [],
    });
    engine.setServices(T, [svc({ name: 'db', checks: ['db-tcp'] })]);
    await engine.evaluate(T);
    sent = [];
    checks.set('db-tcp', 'down');
    // The change listener queued an evaluation; wait for it (bounded) without calling evaluate.
    for (let i = 0; i < 100 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(last().length, 1);
  });
});
