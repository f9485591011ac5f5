import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterChecks, truncate } from '../../web/src/lib/health/checks-filter.js';
import {
  buildDefinition,
  EMPTY_COMMON,
  kindExample,
  nameProblem,
  parseLabels,
  sortProblems,
  splitDefinition,
} from '../../web/src/lib/health/definition.js';
import { dependentsOf, layers, layoutGraph, NODE_W } from '../../web/src/lib/health/graph.js';
import {
  budgetText,
  durationPoints,
  eventDetailText,
  formatRatio,
  formatSeconds,
  impactText,
  statusClass,
  statusIcon,
  successRatio,
  uptimeBars,
} from '../../web/src/lib/health/status.js';

describe('health status text', () => {
  it('gives every status an icon and a colour class, unknown ones read as unknown', () => {
    for (const s of ['up', 'degraded', 'down', 'unknown', 'maintenance'])
      assert.notEqual(statusIcon(s), '');
    assert.equal(statusClass('down'), 'hs-down');
    assert.equal(statusClass('weird'), 'hs-unknown');
    assert.equal(statusIcon('weird'), '?');
  });

  it('formats ratios without rounding 99.95 % up to 100 %', () => {
    assert.equal(formatRatio(1), '100%');
    assert.equal(formatRatio(0.99959), '99.95%');
    assert.equal(formatRatio(0.5), '50.0%');
    assert.equal(formatRatio(null), '—');
    assert.equal(formatRatio(undefined), '—');
  });

  it('formats seconds at every scale', () => {
    assert.equal(formatSeconds(0.0123), '12 ms');
    assert.equal(formatSeconds(2.5), '2.5 s');
    assert.equal(formatSeconds(200), '3 min 20 s');
    assert.equal(formatSeconds(7500), '2 h 5 min');
    assert.equal(formatSeconds(3 * 86400 + 4 * 3600), '3 d 4 h');
    assert.equal(formatSeconds(-30), '-30 s');
  });

  it('labels uptime bars with the day and percentage; no data is its own level', () => {
    const bars = uptimeBars([
      { day: '2026-11-25', ratio: null },
      { day: '2026-11-26', ratio: 0.9995 },
      { day: '2026-11-27', ratio: 0.97 },
      { day: '2026-11-28', ratio: 0.5 },
    ]);
    assert.deepEqual(
      bars.map((b) => b.level),
      ['none', 'ok', 'warn', 'bad'],
    );
    assert.equal(bars[0].label, '2026-11-25: no data');
    assert.equal(bars[1].label, '2026-11-26: 99.95% up');
  });

  it('words error budgets and impacts', () => {
    assert.equal(budgetText(0.72), '72.0% of the error budget left');
    assert.equal(budgetText(-0.1), 'error budget overspent by 10.0%');
    assert.equal(
      impactText('checkout', 'degraded', ['database']),
      'checkout degraded — impacted by database',
    );
    assert.equal(impactText('db', 'down', []), 'db down');
  });

  it('turns probe results into sorted sparkline points in ms, and a success ratio', () => {
    const r = [
      { at: 2000, success: true, duration_seconds: 0.2 },
      { at: 1000, success: false, duration_seconds: 0.1 },
    ];
    assert.deepEqual(durationPoints(r), [
      [1, 100],
      [2, 200],
    ]);
    assert.equal(successRatio(r), 0.5);
    assert.equal(successRatio([]), null);
  });
});

describe('history event detail', () => {
  it('words errors, check lists and durations', () => {
    assert.equal(
      eventDetailText({
        error: 'status 500',
        checks: [
          { name: 'site', state: 'down' },
          { name: 'db', state: 'up' },
        ],
        impacted_by: [],
        duration: 0.002,
        code: 3,
      }),
      'error: status 500 · checks: site down, db up · took 2 ms · code: 3',
    );
    assert.equal(eventDetailText({ impacted_by: ['db'] }), 'impacted_by: db');
  });
});

describe('dependency graph layout', () => {
  const nodes = [
    { name: 'web', depends_on: ['api'] },
    { name: 'api', depends_on: ['db', 'cache'] },
    { name: 'db', depends_on: [] },
    { name: 'cache', depends_on: ['db'] },
    { name: 'admin', depends_on: ['db', 'ghost'] },
  ];

  it('layers by the longest path from services nothing depends on', () => {
    const l = layers(nodes);
    assert.equal(l.get('web'), 0);
    assert.equal(l.get('admin'), 0);
    assert.equal(l.get('api'), 1);
    assert.equal(l.get('cache'), 2);
    assert.equal(l.get('db'), 3);
  });

  it('places nodes left to right, ordered by name in a layer, edges pointing right', () => {
    const g = layoutGraph(nodes);
    const byName = new Map(g.nodes.map((n) => [n.name, n]));
    assert.equal(byName.get('admin')!.row, 0);
    assert.equal(byName.get('web')!.row, 1);
    for (const e of g.edges) assert.ok(e.x2 > e.x1, `${e.from}→${e.to} points right`);
    // The unknown dependency draws no edge.
    assert.equal(g.edges.filter((e) => e.to === 'ghost').length, 0);
    assert.equal(g.edges.length, 5);
    assert.ok(g.width >= 4 * NODE_W);
    assert.ok(g.height > 0);
  });

  it('survives a cycle and an empty graph', () => {
    const g = layoutGraph([
      { name: 'a', depends_on: ['b'] },
      { name: 'b', depends_on: ['a'] },
    ]);
    assert.equal(g.nodes.length, 2);
    assert.deepEqual(layoutGraph([]), { nodes: [], edges: [], width: 0, height: 0 });
  });

  it('lists dependents', () => {
    assert.deepEqual(dependentsOf(nodes, 'db'), ['admin', 'api', 'cache']);
  });
});

describe('check definitions in the editor', () => {
  it('builds a definition: kind fields merged, empty optional fields left to the server', () => {
    const r = buildDefinition(
      { ...EMPTY_COMMON, name: 'site', labels: 'team=web\n\n env = prod ' },
      { url: 'https://x/' },
    );
    assert.deepEqual(r.problems, {});
    assert.deepEqual(r.definition, {
      url: 'https://x/',
      kind: 'http',
      severity: 'critical',
      labels: { team: 'web', env: 'prod' },
    });
  });

  it('finds problems before asking the server', () => {
    const r = buildDefinition(
      { ...EMPTY_COMMON, failure_threshold: 'two', labels: 'oops' },
      { interval: '5s' },
    );
    assert.equal(r.definition, undefined);
    assert.deepEqual(Object.keys(r.problems).sort(), ['failure_threshold', 'labels', 'spec']);
    assert.deepEqual(buildDefinition(EMPTY_COMMON, ['a']).problems.spec?.length, 1);
    assert.deepEqual(parseLabels('a=b=c').labels, { a: 'b=c' });
  });

  it('splits a saved definition back into the form and the kind fields', () => {
    const s = splitDefinition({
      name: 'c',
      kind: 'tcp',
      interval: '30s',
      failure_threshold: 3,
      labels: { a: 'b' },
      host: 'h',
      port: 1,
    });
    assert.equal(s.common.kind, 'tcp');
    assert.equal(s.common.failure_threshold, '3');
    assert.equal(s.common.labels, 'a=b');
    assert.deepEqual(s.spec, { host: 'h', port: 1 });
  });

  it('sorts the server’s problems by field', () => {
    const p = sortProblems(
      'interval: must be at least 1s; url: expected an http(s) URL; labels.a b: bad name; something odd',
      true,
    );
    assert.deepEqual(p.interval, ['interval: must be at least 1s']);
    assert.deepEqual(p.spec, ['url: expected an http(s) URL']);
    assert.deepEqual(p.labels, ['labels.a b: bad name']);
    assert.deepEqual(p.form, ['something odd']);
    assert.deepEqual(sortProblems('definition.timeout: too long', true).timeout, [
      'definition.timeout: too long',
    ]);
  });

  it('has an example per kind and checks names', () => {
    assert.match(kindExample('http'), /url:/);
    assert.match(kindExample('nope'), /^#/);
    assert.equal(nameProblem('ok-name_1.2'), undefined);
    assert.ok(nameProblem(''));
    assert.ok(nameProblem('no spaces'));
  });
});

describe('checks filter', () => {
  const list = [
    {
      name: 'b',
      kind: 'http',
      target: 'https://b',
      description: '',
      services: ['web'],
      state: 'up',
    },
    {
      name: 'a',
      kind: 'tcp',
      target: 'db:5432',
      description: 'database',
      services: [],
      state: 'down',
    },
  ];
  it('matches every word over the text fields, filters by state, sorts by name', () => {
    assert.deepEqual(
      filterChecks(list, '', 'all').map((c) => c.name),
      ['a', 'b'],
    );
    assert.deepEqual(
      filterChecks(list, 'WEB http', 'all').map((c) => c.name),
      ['b'],
    );
    assert.deepEqual(
      filterChecks(list, '', 'down').map((c) => c.name),
      ['a'],
    );
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('abc', 4), 'abc');
  });
});
