import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostPanels } from '../../web/src/lib/host-panels.js';
import {
  alignPoints,
  buildHosts,
  cardQueries,
  healthByInstance,
  hostMatches,
  promString,
  rateWindow,
  sortHosts,
  stillCollecting,
  type CardAnswers,
  type HostSummary,
} from '../../web/src/lib/overview.js';

describe('overview queries', () => {
  it('escapes label values as PromQL strings', () => {
    assert.equal(promString('a"b\\c\nd'), '"a\\"b\\\\c\\nd"');
    assert.equal(promString('10.0.0.1:9100'), '"10.0.0.1:9100"');
  });

  it('rate windows cover two 1-minute scrapes and two steps', () => {
    assert.equal(rateWindow(30), '120s');
    assert.equal(rateWindow(90), '180s');
    assert.equal(rateWindow(360), '720s');
  });

  it('aggregates every card metric by instance (one query for all hosts)', () => {
    const q = cardQueries('120s');
    for (const expr of Object.values(q)) assert.match(expr, /by \(instance\)/);
    assert.match(q.cpu, /rate\(node_cpu_seconds_total\{mode="idle"\}\[120s\]\)/);
    assert.match(q.netRx, /device!="lo"/);
    assert.match(q.rootfs, /mountpoint="\/"/);
  });

  it('host panels select the instance safely', () => {
    const panels = hostPanels('evil"} or vector(1) #', '120s');
    assert.deepEqual(
      panels.map((p) => p.id),
      ['cpu', 'memory', 'load', 'filesystem', 'disk', 'network'],
    );
    for (const p of panels)
      for (const q of p.queries) assert.ok(q.expr.includes('instance="evil\\"} or vector(1) #"'));
    const cpu = panels[0];
    assert.equal(cpu.stacked, true);
    assert.equal(cpu.unit, 'percentunit');
    assert.equal(cpu.queries[0].legend({ mode: 'user' }), 'user');
    assert.equal(panels[4].queries[1].legend({ device: 'sda' }), 'sda write');
    assert.equal(panels[1].queries[0].legend({}), 'used');
  });
});

describe('overview shaping', () => {
  it('aligns points on the step grid with gaps', () => {
    assert.deepEqual(
      alignPoints(
        [
          [100, '1'],
          [160, '3'],
        ],
        100,
        160,
        30,
      ),
      [
        [100, 1],
        [130, null],
        [160, 3],
      ],
    );
    assert.deepEqual(alignPoints([[100, 'NaN']], 100, 100, 30), [[100, NaN]]);
  });

  it('combines up per instance', () => {
    const h = healthByInstance([
      { metric: { instance: 'a', job: 'x' }, value: 1 },
      { metric: { instance: 'b', job: 'x' }, value: 0 },
      { metric: { instance: 'c', job: 'x' }, value: 1 },
      { metric: { instance: 'c', job: 'y' }, value: 0 },
      { metric: {}, value: 1 },
    ]);
    assert.deepEqual([...h.entries()].sort(), [
      ['a', 'up'],
      ['b', 'down'],
      ['c', 'partial'],
    ]);
  });

  const answers: CardAnswers = {
    range: { start: 0, end: 60, step: 30 },
    metrics: {
      memory: [
        {
          metric: { instance: 'n2:9100' },
          values: [
            [0, '0.5'],
            [60, '0.25'],
          ],
        },
        { metric: { instance: 'local' }, values: [[60, '0.75']] },
      ],
      cpu: [{ metric: { instance: 'n2:9100' }, values: [[30, '0.1']] }],
      load1: [
        { metric: { instance: 'local' }, values: [[60, '0.5']] },
        // A pushed node_load1 alone is not a host.
        { metric: { instance: 'pushed' }, values: [[60, '1']] },
      ],
    },
    up: [{ metric: { instance: 'n2:9100', job: 'node' }, value: 1 }],
    cpus: [{ metric: { instance: 'n2:9100' }, value: 4 }],
    nodenames: [
      { metric: { instance: 'n2:9100', nodename: 'web-2' } },
      { metric: { instance: 'local', nodename: 'local' } },
    ],
  };

  it('builds one summary per instance, sorted, with current values', () => {
    const hosts = buildHosts(answers);
    assert.deepEqual(
      hosts.map((h) => h.instance),
      ['local', 'n2:9100'],
    );
    const [local, n2] = hosts as [HostSummary, HostSummary];
    assert.equal(local.health, 'unknown');
    assert.equal(local.hostname, undefined, 'nodename equal to the instance is not repeated');
    assert.equal(local.metrics.cpu, undefined);
    assert.equal(local.metrics.memory?.current, 0.75);
    assert.deepEqual(local.metrics.memory?.points, [
      [0, null],
      [30, null],
      [60, 0.75],
    ]);
    assert.equal(n2.health, 'up');
    assert.equal(n2.hostname, 'web-2');
    assert.equal(n2.cpus, 4);
    assert.equal(n2.metrics.cpu?.current, 0.1);
    assert.equal(stillCollecting(hosts), true, 'local has no CPU rate yet');
    assert.equal(stillCollecting([n2]), false);
  });

  it('filters and sorts', () => {
    const hosts = buildHosts(answers);
    assert.equal(hostMatches(hosts[1], 'WEB'), true);
    assert.equal(hostMatches(hosts[1], ' '), true);
    assert.equal(hostMatches(hosts[0], 'web'), false);
    assert.deepEqual(
      sortHosts(hosts, 'memory').map((h) => h.instance),
      ['local', 'n2:9100'],
    );
    assert.deepEqual(
      sortHosts(hosts, 'cpu').map((h) => h.instance),
      ['n2:9100', 'local'],
    );
    const down = { ...hosts[1], health: 'down' as const };
    assert.deepEqual(
      sortHosts([hosts[0], down], 'health').map((h) => h.health),
      ['down', 'unknown'],
    );
    assert.deepEqual(
      sortHosts([down, hosts[0]], 'name').map((h) => h.instance),
      ['local', 'n2:9100'],
    );
  });
});
