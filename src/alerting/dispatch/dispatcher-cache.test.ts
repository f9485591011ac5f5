import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels, type Alert, type TenantId } from '../../model/index.js';
import { parseAlertmanagerConfig } from '../config/parse.js';
import { AckStore } from '../notify/ack.js';
import { FakeScheduler } from '../notify/clock.js';
import { Notifier } from '../notify/notifier.js';
import { RecordingChannel, tempState } from '../notify/testing-doubles.js';
import type { AlertProvider, StoredAlert } from '../types.js';
import { Dispatcher } from './dispatcher.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const S = 1000;

const yaml = (groupBy: string) => `
route:
  receiver: team
  group_by: [${groupBy}]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: team
`;

/** A provider whose alerts carry the fingerprints the test gives them. */
class ScriptedProvider implements AlertProvider {
  readonly #alerts = new Map<string, StoredAlert>();
  readonly #subs = new Set<(t: TenantId, a: readonly StoredAlert[]) => void>();

  push(now: number, ...items: [string, Record<string, string>][]): void {
    const out = items.map(([fp, labels]): StoredAlert => {
      const alert: Alert = {
        labels: Labels.fromObject(labels),
        annotations: {},
        startsAt: T0,
        endsAt: now + 3_600_000,
        generatorURL: '',
      };
      return { tenant: DEFAULT_TENANT, fingerprint: fp, alert, updatedAt: now };
    });
    for (const s of out) this.#alerts.set(s.fingerprint, s);
    for (const f of this.#subs) f(DEFAULT_TENANT, out);
  }

  put(): Promise<StoredAlert[]> {
    return Promise.resolve([]);
  }
  get(_t: TenantId, fp: string): StoredAlert | undefined {
    return this.#alerts.get(fp);
  }
  list(): StoredAlert[] {
    return [...this.#alerts.values()];
  }
  subscribe(fn: (t: TenantId, a: readonly StoredAlert[]) => void): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(groupBy = 'alertname') {
  const st = tempState();
  const sched = new FakeScheduler(T0);
  const team = new RecordingChannel('team/webhook[0]');
  const notifier = new Notifier({ sql: st.store.sql, scheduler: sched, channelsFor: () => [team] });
  const provider = new ScriptedProvider();
  const signed: string[] = [];
  const d = new Dispatcher({
    tenant: DEFAULT_TENANT,
    config: parseAlertmanagerConfig(yaml(groupBy), { baseDir: '/' }).config,
    provider,
    notifier,
    acks: new AckStore(st.store.sql, () => sched.now()),
    sql: st.store.sql,
    scheduler: sched,
    externalURL: 'http://argus',
    ackURL: (key, fps) => {
      signed.push(key);
      return `http://argus/ack/${fps.join(',')}`;
    },
  });
  notifier.start();
  await d.start();
  cleanups.push(async () => {
    d.stop();
    await notifier.stop();
    await st.cleanup();
  });
  return { sched, team, provider, d, signed };
}

describe('Dispatcher caches', () => {
  it('signs the ack link only for notifications that are queued', async () => {
    const { sched, team, provider, signed } = await setup();
    provider.push(sched.now(), ['f1', { alertname: 'Disk' }]);
    await sched.advance(1 * S);
    assert.equal(team.sent.length, 1);
    assert.equal(team.sent[0].ackURL, 'http://argus/ack/f1');
    await sched.advance(10 * S);
    assert.equal(team.sent.length, 1, 'nothing changed: deduplicated');
    assert.deepEqual(signed, ['{}:{alertname="Disk"}'], 'no link signed for dropped flushes');
    provider.push(sched.now(), ['f2', { alertname: 'Disk', instance: 'b' }]);
    await sched.advance(1 * S);
    assert.equal(team.sent.length, 2);
    // Alerts with an instance label sort first (Alertmanager's order).
    assert.equal(team.sent[1].ackURL, 'http://argus/ack/f2,f1');
    assert.equal(signed.length, 2);
  });

  it('routes by the labels, not by the fingerprint alone (a hash may collide)', async () => {
    const { sched, provider, d } = await setup();
    provider.push(sched.now(), ['same', { alertname: 'A' }]);
    provider.push(sched.now(), ['same', { alertname: 'B' }]);
    assert.deepEqual(
      d.groups().map((g) => g.groupKey),
      ['{}:{alertname="A"}', '{}:{alertname="B"}'],
    );
  });

  it('keeps grouping right past the cache size and across reloads', async () => {
    const { sched, team, provider, d } = await setup();
    const items = Array.from({ length: 1500 }, (_, i): [string, Record<string, string>] => [
      `fp${i}`,
      { alertname: `A${i % 3}`, instance: `i${i}` },
    ]);
    provider.push(sched.now(), ...items);
    provider.push(sched.now(), ...items.slice(0, 10));
    assert.deepEqual(
      d.groups().map((g) => [g.groupKey, g.alerts.length]),
      [
        ['{}:{alertname="A0"}', 500],
        ['{}:{alertname="A1"}', 500],
        ['{}:{alertname="A2"}', 500],
      ],
    );
    d.reload(parseAlertmanagerConfig(yaml('instance'), { baseDir: '/' }).config);
    assert.equal(d.groups().length, 1500);
    assert.equal(d.groups()[0].groupKey, '{}:{instance="i0"}');
    await sched.advance(1 * S);
    // 1500 deliveries, 32 at a time: let the worker finish (bounded).
    for (let i = 0; i < 50 && team.sent.length < 1500; i++) await sched.advance(0);
    assert.equal(team.sent.length, 1500);
    assert.equal(new Set(team.sent.map((n) => n.groupKey)).size, 1500);
  });
});
