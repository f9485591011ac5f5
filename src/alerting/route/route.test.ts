import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { parseAlertmanagerConfig } from '../config/parse.js';
import { buildRouteTree, groupKey, groupLabels, type Route } from './route.js';

const SIMPLE = '/work/shared/conformance/rules/alertmanager/examples/simple.yml';

function tree(yaml: string): Route {
  return buildRouteTree(parseAlertmanagerConfig(yaml, { baseDir: '/' }).config.route);
}
const L = (o: Record<string, string>) => Labels.fromObject(o);
const receivers = (r: Route, o: Record<string, string>) =>
  r.match(L(o)).map((x) => x.opts.receiver);

describe(
  'route tree: examples/simple.yml',
  { skip: !existsSync(SIMPLE) && 'corpus absent' },
  () => {
    const root = existsSync(SIMPLE)
      ? buildRouteTree(
          parseAlertmanagerConfig(readFileSync(SIMPLE, 'utf8'), { baseDir: '/' }).config.route,
        )
      : undefined;
    const cases: [Record<string, string>, string[]][] = [
      [{ service: 'foo1' }, ['team-X-mails']],
      [{ service: 'baz', severity: 'critical' }, ['team-X-pager']],
      [{ service: 'foo1x', severity: 'critical' }, ['team-X-mails']],
      [{ service: 'files', severity: 'critical' }, ['team-Y-pager']],
      [{ service: 'files', severity: 'warning' }, ['team-Y-mails']],
      [{ service: 'database', owner: 'team-X' }, ['team-X-pager']],
      [{ service: 'database', owner: 'team-Y' }, ['team-Y-pager']],
      [{ service: 'database', owner: 'nobody' }, ['team-DB-pager']],
      [{}, ['team-X-mails']],
    ];
    for (const [labels, want] of cases)
      it(`${JSON.stringify(labels)} -> ${want.join(',')}`, () =>
        assert.deepEqual(receivers(root!, labels), want));

    it('keys and ids', () => {
      const [r] = root!.match(L({ service: 'database', owner: 'team-X' }));
      assert.equal(r.key(), '{}/{service="database"}/{owner="team-X"}');
      assert.equal(r.id(), '{}/{service="database"}/{owner="team-X"}/0');
      assert.equal(root!.key(), '{}');
      assert.equal(root!.id(), '{}');
      assert.deepEqual([...r.opts.groupBy], ['alertname', 'cluster', 'database']);
      assert.equal(r.opts.repeatIntervalMs, 3 * 3_600_000);
    });
  },
);

describe('route tree: Alertmanager route_test.go cases', () => {
  const root = tree(`
route:
  receiver: notify-def
  group_by: [alertname]
  routes:
  - matchers: [owner="team-A"]
    receiver: notify-A
    group_wait: 1m
    routes:
    - matchers: [env="testing"]
      receiver: notify-testing
      group_by: ['...']
    - matchers: [env="production"]
      receiver: notify-productionA
      group_wait: 1m
      continue: true
    - matchers: [env=~"produ.*", job=~".*"]
      receiver: notify-productionB
      group_wait: 30s
      group_interval: 5m
      repeat_interval: 1h
      group_by: [job]
  - matchers: [owner=~"team-(B|C)"]
    group_by: [foo, bar]
    group_wait: 2m
    receiver: notify-BC
  - matchers: [group_by="role"]
    group_by: [role]
    routes:
    - matchers: [env="testing"]
      receiver: notify-testing
      routes:
      - matchers: [wait="long"]
        group_wait: 2m
receivers:
- name: notify-def
- name: notify-A
- name: notify-testing
- name: notify-productionA
- name: notify-productionB
- name: notify-BC
`);
  const cases: [Record<string, string>, string[]][] = [
    [{ owner: 'team-A' }, ['notify-A']],
    [{ owner: 'team-A', env: 'unset' }, ['notify-A']],
    [{ owner: 'team-C' }, ['notify-BC']],
    [{ owner: 'team-A', env: 'testing' }, ['notify-testing']],
    // continue: the first match goes on to the next sibling, which matches too.
    [{ owner: 'team-A', env: 'production' }, ['notify-productionA', 'notify-productionB']],
    [{ group_by: 'role' }, ['notify-def']],
    [{ group_by: 'role', env: 'testing' }, ['notify-testing']],
    [{ group_by: 'role', env: 'testing', wait: 'long' }, ['notify-testing']],
  ];
  for (const [labels, want] of cases)
    it(`${JSON.stringify(labels)} -> ${want.join(',')}`, () =>
      assert.deepEqual(receivers(root, labels), want));

  it('inherits options down the tree', () => {
    const [a] = root.match(L({ owner: 'team-A' }));
    assert.equal(a.opts.groupWaitMs, 60_000);
    assert.equal(a.opts.groupIntervalMs, 5 * 60_000);
    assert.equal(a.opts.repeatIntervalMs, 4 * 3_600_000);
    assert.deepEqual([...a.opts.groupBy], ['alertname']);
    const [t] = root.match(L({ owner: 'team-A', env: 'testing' }));
    assert.equal(t.opts.groupByAll, true);
    assert.equal(t.opts.groupWaitMs, 60_000);
    const [, b] = root.match(L({ owner: 'team-A', env: 'production' }));
    assert.equal(b.opts.repeatIntervalMs, 3_600_000);
    assert.equal(b.key(), '{}/{owner="team-A"}/{env=~"produ.*",job=~".*"}');
    const [w] = root.match(L({ group_by: 'role', env: 'testing', wait: 'long' }));
    assert.equal(w.opts.groupWaitMs, 120_000);
    assert.deepEqual([...w.opts.groupBy], ['role']);
    assert.equal(w.opts.receiver, 'notify-testing');
  });

  it('group keys', () => {
    const [a] = root.match(L({ owner: 'team-A', alertname: 'X', other: 'y' }));
    assert.equal(
      groupKey(a, L({ owner: 'team-A', alertname: 'X', other: 'y' })),
      '{}/{owner="team-A"}:{alertname="X"}',
    );
    const lbl = L({ owner: 'team-A', env: 'testing', b: 'q"t' });
    const [t] = root.match(lbl);
    assert.equal(
      groupKey(t, lbl),
      '{}/{owner="team-A"}/{env="testing"}:{b="q\\"t", env="testing", owner="team-A"}',
    );
    assert.equal(groupLabels(t, lbl), lbl);
    assert.equal(groupKey(root, L({ x: '1' })), '{}:{}');
  });

  it('walk visits every route once, ids unique', () => {
    const ids = [...root.walk()].map((r) => r.id());
    assert.equal(ids.length, 9);
    assert.equal(new Set(ids).size, 9);
  });
});

describe('route tree: Argus extensions', () => {
  const root = tree(`
route:
  receiver: a
  fallback_receiver: fb
  escalation_policy: p
  labels: { team: x, tier: "1" }
  routes:
  - matchers: [x="1"]
    receiver: b
    labels: { tier: "2" }
    mute_time_intervals: [nights]
    routes:
    - matchers: [y="1"]
      receiver: c
      fallback_receiver: b
  - matchers: [x="2"]
    active_time_intervals: [nights]
time_intervals:
- name: nights
  time_intervals: [{ times: [{ start_time: "00:00", end_time: "06:00" }] }]
escalation_policies:
- name: p
  levels: [{ receiver: a }, { receiver: b, delay: 10m }]
receivers: [{ name: a }, { name: b }, { name: c }, { name: fb }]
`);
  it('fallback, escalation and labels inherit; time intervals do not', () => {
    const [b] = root.match(L({ x: '1' }));
    assert.equal(b.opts.fallbackReceiver, 'fb');
    assert.equal(b.opts.escalationPolicy, 'p');
    assert.deepEqual(b.opts.labels, { team: 'x', tier: '2' });
    assert.deepEqual(b.opts.muteTimeIntervals, ['nights']);
    const [c] = root.match(L({ x: '1', y: '1' }));
    assert.equal(c.opts.fallbackReceiver, 'b');
    assert.deepEqual(c.opts.muteTimeIntervals, []);
    const [x2] = root.match(L({ x: '2' }));
    assert.equal(x2.opts.receiver, 'a');
    assert.deepEqual(x2.opts.activeTimeIntervals, ['nights']);
  });
  it('fallback defaults to the root receiver', () => {
    const r = tree('route: { receiver: a }\nreceivers: [{ name: a }]');
    assert.equal(r.opts.fallbackReceiver, 'a');
    assert.equal(r.opts.groupWaitMs, 30_000);
  });
});
