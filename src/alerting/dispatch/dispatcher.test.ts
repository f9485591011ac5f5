import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels, type Alert } from '../../model/index.js';
import { parseAlertmanagerConfig } from '../config/parse.js';
import { AlertHistory } from '../history/history.js';
import { AckStore } from '../notify/ack.js';
import { FakeScheduler } from '../notify/clock.js';
import { Notifier } from '../notify/notifier.js';
import { listOutbox } from '../notify/outbox.js';
import {
  MemoryProvider,
  RecordingChannel,
  fingerprint,
  tempState,
} from '../notify/testing-doubles.js';
import type { Channel } from '../notify/types.js';
import type { Muter } from '../types.js';
import { Dispatcher } from './dispatcher.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0); // a Monday
const S = 1000;
const M = 60 * S;

const BASE = `
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 1h
receivers:
  - name: team
  - name: boss
  - name: fallback
`;

function alert(name: string, extra: Record<string, string> = {}, startsAt = T0, endsAt = 0): Alert {
  return {
    labels: Labels.fromObject({ alertname: name, ...extra }),
    annotations: { summary: `${name} is bad` },
    startsAt,
    endsAt,
    generatorURL: 'http://argus/graph',
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(yaml = BASE, muters: { kind: 'silence' | 'inhibit'; muter: Muter }[] = []) {
  const st = tempState();
  const sched = new FakeScheduler(T0);
  const chans: Record<string, RecordingChannel[]> = {
    team: [new RecordingChannel('team/webhook[0]', 'webhook', true, true)],
    boss: [new RecordingChannel('boss/webhook[0]')],
    fallback: [new RecordingChannel('fallback/webhook[0]')],
  };
  const channelsFor = (_t: string, r: string): Channel[] => chans[r] ?? [];
  const notifier = new Notifier({
    sql: st.store.sql,
    scheduler: sched,
    channelsFor,
    random: () => 0.5,
  });
  const acks = new AckStore(st.store.sql, () => sched.now());
  const provider = new MemoryProvider();
  const config = parseAlertmanagerConfig(yaml, { baseDir: '/' }).config;
  const d = new Dispatcher({
    tenant: DEFAULT_TENANT,
    config,
    provider,
    notifier,
    acks,
    sql: st.store.sql,
    scheduler: sched,
    muters,
    externalURL: 'http://argus',
  });
  notifier.start();
  await d.start();
  cleanups.push(async () => {
    d.stop();
    await notifier.stop();
    await st.cleanup();
  });
  const put = (...a: Alert[]) => provider.put(DEFAULT_TENANT, a, sched.now());
  return { st, sched, chans, d, put, provider, notifier, history: new AlertHistory(st.store.sql) };
}

describe('Dispatcher timing', () => {
  it('flushes after group_wait, adds alerts at the next group_interval, repeats after repeat_interval', async () => {
    const { sched, chans, put, d } = await setup();
    const team = chans.team[0];
    await put(alert('Disk', { instance: 'b' }));
    await sched.advance(29 * S);
    assert.equal(team.sent.length, 0);
    await sched.advance(1 * S);
    assert.equal(team.sent.length, 1);
    const n = team.sent[0];
    assert.equal(n.status, 'firing');
    assert.equal(n.groupKey, '{}:{alertname="Disk"}');
    assert.deepEqual(n.groupLabels, { alertname: 'Disk' });
    assert.deepEqual(n.commonLabels, { alertname: 'Disk', instance: 'b' });
    assert.equal(n.externalURL, 'http://argus');

    await sched.advance(1 * M);
    await put(alert('Disk', { instance: 'a' }, sched.now()));
    await sched.advance(3 * M);
    assert.equal(team.sent.length, 1, 'a new alert waits for the group interval');
    await sched.advance(1 * M);
    assert.equal(team.sent.length, 2);
    assert.deepEqual(
      team.sent[1].alerts.map((a) => a.labels.instance),
      ['a', 'b'],
    );
    assert.deepEqual(team.sent[1].commonLabels, { alertname: 'Disk' });
    // Nothing changes: no notification until repeat_interval (1h after the last one).
    await sched.advance(55 * M);
    assert.equal(team.sent.length, 2);
    await sched.advance(5 * M);
    assert.equal(team.sent.length, 3);
    assert.equal(d.groups().length, 1);
    assert.equal(d.groups()[0].alerts[0].alertStatus.state, 'active');
  });

  it('continue: sibling routes with the same matchers each get their group and their receiver', async () => {
    const { sched, chans, put, d } = await setup(`
route:
  receiver: fallback
  group_wait: 0s
  routes:
    - { matchers: [team="db"], receiver: team, continue: true }
    - { matchers: [team="db"], receiver: boss }
receivers: [{ name: team }, { name: boss }, { name: fallback }]
`);
    await put(alert('Disk', { team: 'db' }));
    await sched.advance(1 * S);
    assert.equal(chans.team[0].sent.length, 1, 'the first sibling');
    assert.equal(chans.boss[0].sent.length, 1, 'the second sibling too');
    assert.equal(chans.fallback[0].sent.length, 0);
    assert.deepEqual(
      d
        .groups()
        .map((g) => [g.receiver, g.groupKey])
        .sort(),
      [
        ['boss', '{}/{team="db"}/1:{}'],
        ['team', '{}/{team="db"}/0:{}'],
      ],
    );
  });

  it('sends resolved alerts once, then drops them and deletes the empty group', async () => {
    const { sched, chans, put, d, history } = await setup();
    const team = chans.team[0];
    await put(alert('A', { i: '1' }), alert('A', { i: '2' }));
    await sched.advance(30 * S);
    assert.equal(team.sent.length, 1);
    await put(alert('A', { i: '1' }, T0, sched.now()));
    await sched.advance(5 * M);
    assert.equal(team.sent.length, 2);
    assert.deepEqual(
      team.sent[1].alerts.map((a) => a.status),
      ['firing', 'resolved'].sort().reverse(),
    );
    assert.equal(d.groups()[0].alerts.length, 1, 'the resolved alert is dropped after its flush');
    await put(alert('A', { i: '2' }, T0, sched.now()));
    await sched.advance(5 * M);
    assert.equal(team.sent.length, 3);
    assert.equal(team.sent[2].status, 'resolved');
    assert.deepEqual(d.groups(), []);
    await sched.advance(60 * M);
    assert.equal(team.sent.length, 3);
    const h = await history.query(DEFAULT_TENANT, { kind: 'resolved' });
    assert.equal(h.length, 2);
  });

  it('a resolution supersedes an undelivered firing notification: FIRING never arrives after RESOLVED', async () => {
    const { sched, chans, put } = await setup();
    const team = chans.team[0];
    team.fallbackAnswer = { ok: false, retryable: true, status: 500, error: 'down' };
    await put(alert('A'));
    await sched.advance(30 * S); // the firing notification is tried, and keeps failing
    await sched.advance(4 * M);
    const tries = team.sent.length;
    assert.ok(tries >= 3 && team.sent.every((n) => n.status === 'firing'), String(tries));
    await put(alert('A', {}, T0, sched.now())); // resolved; flushed at the next group interval
    await sched.advance(6 * M);
    assert.ok(
      team.sent.slice(tries).some((n) => n.status === 'resolved'),
      'the resolution is tried',
    );
    const before = team.sent.length;
    team.fallbackAnswer = { ok: true, retryable: false, status: 200 }; // the receiver is back
    await sched.advance(10 * M);
    const after = team.sent.slice(before);
    assert.deepEqual(
      after.map((n) => n.status),
      ['resolved'],
      'only the resolution; the stale firing one is retired',
    );
  });

  it('records the resolution of an alert that timed out (never posted again), at its endsAt', async () => {
    const { sched, put, history } = await setup();
    await put(alert('Gone', {}, T0, T0 + 2 * M)); // endsAt in the future: firing until then
    await sched.advance(30 * S);
    await sched.advance(10 * M); // no resend: it resolves by timeout; the next flush sees it
    const h = await history.query(DEFAULT_TENANT, { kind: 'resolved', alertname: 'Gone' });
    assert.deepEqual(
      h.map((e) => e.time),
      [T0 + 2 * M],
    );
  });

  it('filters muted alerts and reports them suppressed', async () => {
    const silenced: Muter = {
      mutedBy: (_t, l) => (l.get('i') === '2' ? ['silence-1'] : []),
    };
    const { sched, chans, put, d, history } = await setup(BASE, [
      { kind: 'silence', muter: silenced },
    ]);
    await put(alert('A', { i: '1' }), alert('A', { i: '2' }));
    assert.equal(d.status(fingerprint(alert('A', { i: '1' })))?.state, 'unprocessed');
    await sched.advance(30 * S);
    assert.deepEqual(
      chans.team[0].sent[0].alerts.map((a) => a.labels.i),
      ['1'],
    );
    const st = d.status(fingerprint(alert('A', { i: '2' })));
    assert.deepEqual(st, {
      state: 'suppressed',
      silencedBy: ['silence-1'],
      inhibitedBy: [],
      receivers: ['team'],
    });
    assert.equal(d.status(fingerprint(alert('A', { i: '1' })))?.state, 'active');
    assert.equal(d.status('0000000000000000'), undefined);
    assert.equal((await history.query(DEFAULT_TENANT, { kind: 'silenced' })).length, 1);
  });

  it('skips groups in a mute time interval and outside active time intervals', async () => {
    const yaml = `
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  routes:
    - matchers: [x="muted"]
      mute_time_intervals: [weekdays]
    - matchers: [x="active"]
      active_time_intervals: [weekend]
    - matchers: [x="open"]
      active_time_intervals: [weekdays]
receivers: [{ name: team }]
time_intervals:
  - name: weekdays
    time_intervals: [{ weekdays: ['monday:friday'] }]
  - name: weekend
    time_intervals: [{ weekdays: ['saturday', 'sunday'] }]
`;
    const { sched, chans, put } = await setup(yaml);
    await put(alert('A', { x: 'muted' }), alert('B', { x: 'active' }), alert('C', { x: 'open' }));
    await sched.advance(30 * M);
    assert.deepEqual(
      chans.team[0].sent.map((n) => n.groupLabels.alertname),
      ['C'],
    );
  });

  it('reload regroups current alerts and keeps the notification log', async () => {
    const { sched, chans, put, d } = await setup();
    await put(alert('A', { team: 'x' }));
    await sched.advance(30 * S);
    assert.equal(chans.team[0].sent.length, 1);
    d.reload(
      parseAlertmanagerConfig(BASE.replace('team\n  group_by', 'team\n  group_by'), {
        baseDir: '/',
      }).config,
    );
    await sched.advance(30 * M);
    assert.equal(chans.team[0].sent.length, 1, 'the nflog still knows it was notified');
    d.reload(
      parseAlertmanagerConfig(BASE.replace('[alertname]', '[alertname, team]'), { baseDir: '/' })
        .config,
    );
    await sched.advance(30 * S);
    assert.equal(chans.team[0].sent.length, 2, 'a new group is a new notification');
    assert.equal(chans.team[0].sent[1].groupKey, '{}:{alertname="A", team="x"}');
  });
});

describe('Dispatcher acknowledgement and escalation', () => {
  const ESC = BASE.replace(
    'receivers:',
    `  escalation_policy: oncall
escalation_policies:
  - name: oncall
    levels:
      - receiver: team
      - receiver: boss
        delay: 15m
    repeat: 1
receivers:`,
  );

  it('escalates through the levels and repeats the policy', async () => {
    const { sched, chans, put } = await setup(
      ESC.replace('repeat_interval: 1h', 'repeat_interval: 24h'),
    );
    await put(alert('A'));
    await sched.advance(30 * S);
    assert.equal(chans.team[0].sent.length, 1);
    await sched.advance(15 * M);
    assert.equal(chans.boss[0].sent.length, 1);
    assert.equal(chans.boss[0].sent[0].escalationLevel, 2);
    // Cycle = 15m + 15m: the second run notifies team at 30m and boss at 45m, then stops.
    await sched.advance(15 * M);
    assert.equal(chans.team[0].sent.length, 2);
    assert.equal(chans.team[0].sent[1].escalationLevel, 1);
    await sched.advance(15 * M);
    assert.equal(chans.boss[0].sent.length, 2);
    await sched.advance(3 * 60 * M);
    assert.equal(chans.boss[0].sent.length, 2);
  });

  it('an ack stops repeats and escalation, sends one ackUpdate, and is stored', async () => {
    const { sched, chans, put, d, st, history } = await setup(ESC);
    await put(alert('A'));
    await sched.advance(30 * S);
    assert.equal(chans.team[0].sent.length, 1);
    const acked = await d.ack({ groupKey: '{}:{alertname="A"}' }, 'user:alice', 'on it');
    assert.deepEqual(acked, [fingerprint(alert('A'))]);
    await sched.advance(1 * S);
    assert.equal(chans.team[0].sent.length, 2);
    assert.equal(chans.team[0].sent[1].ackUpdate, true);
    assert.deepEqual(chans.team[0].sent[1].alerts[0].acknowledged, {
      by: 'user:alice',
      at: T0 + 30 * S,
    });
    assert.equal(chans.boss[0].sent.length, 0, 'boss does not take ack updates');
    await sched.advance(3 * 60 * M);
    assert.equal(chans.boss[0].sent.length, 0, 'no escalation');
    assert.equal(chans.team[0].sent.length, 2, 'no repeat');
    // A second ack of the same episode (the link clicked twice) changes nothing.
    assert.deepEqual(await d.ack({ groupKey: '{}:{alertname="A"}' }, 'ack-link', ''), [
      fingerprint(alert('A')),
    ]);
    await sched.advance(1 * S);
    assert.equal(chans.team[0].sent.length, 2, 'no second ack update');
    const audit = await st.store.audit.list({ action: 'alert.ack' });
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor, 'user:alice');
    assert.equal((await history.query(DEFAULT_TENANT, { kind: 'ack' })).length, 1);
    const [rt] = await history.responseTimes(DEFAULT_TENANT, T0, T0 + 10 * 60 * M);
    assert.equal(rt.alertname, 'A');
    assert.equal(rt.mttaMs, 30 * S);
    assert.equal(rt.mttrMs, null);

    // Unack: repeats resume.
    assert.deepEqual(await d.unack({ fingerprints: [fingerprint(alert('A'))] }, 'user:alice'), [
      fingerprint(alert('A')),
    ]);
    await sched.advance(30 * M);
    assert.equal(chans.team[0].sent.length, 3);
  });

  it('a new firing episode is not covered by an old ack', async () => {
    const { sched, chans, put, d } = await setup();
    await put(alert('A'));
    await sched.advance(30 * S);
    await d.ack({ fingerprints: [fingerprint(alert('A'))] }, 'user:bob', '');
    await put(alert('A', {}, T0, sched.now()));
    await sched.advance(5 * M);
    await put(alert('A', {}, sched.now()));
    await sched.advance(5 * M);
    const last = chans.team[0].sent.at(-1)!;
    assert.equal(last.status, 'firing');
    assert.equal(last.alerts[0].acknowledged, undefined);
  });

  it('sends to the fallback receiver after 3 failures, once', async () => {
    const { sched, chans, put, st } = await setup(
      BASE.replace('receiver: team\n', 'receiver: team\n  fallback_receiver: fallback\n'),
    );
    chans.team[0].fallbackAnswer = {
      ok: false,
      retryable: true,
      status: 503,
      error: 'unavailable',
    };
    await put(alert('A'));
    await sched.advance(30 * S);
    await sched.advance(10 * S);
    assert.ok(chans.team[0].sent.length >= 3);
    assert.equal(chans.fallback[0].sent.length, 1);
    await sched.advance(10 * M);
    assert.equal(chans.fallback[0].sent.length, 1);
    const rows = await st.store.sql.read((r) => listOutbox(r, DEFAULT_TENANT));
    const team = rows.find((r) => r.channel === 'team/webhook[0]')!;
    assert.equal(team.fallbackSent, true);
    assert.equal(team.state, 'pending');
  });

  it('sends alerts of a receiver without implemented integrations to the fallback', async () => {
    const yaml = BASE.replace(
      'receiver: team\n',
      'receiver: nowhere\n  fallback_receiver: fallback\n',
    ).replace('- name: team', '- name: team\n  - name: nowhere');
    const { sched, chans, put } = await setup(yaml);
    await put(alert('A'));
    await sched.advance(30 * S);
    assert.equal(chans.fallback[0].sent.length, 1);
    assert.equal(chans.fallback[0].sent[0].receiver, 'fallback');
  });
});
