import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { toArgusDashboard } from './convert.js';
import { isGrafanaDashboard } from './grafana.js';

const testdata = (name: string): unknown =>
  JSON.parse(
    readFileSync(new URL(`../../../src/dashboards/testdata/${name}`, import.meta.url), 'utf8'),
  );

describe('Grafana import', () => {
  it('detects Grafana JSON (and its API export wrapper), not Argus JSON', () => {
    assert.equal(isGrafanaDashboard(testdata('grafana-node-exporter.json')), true);
    assert.equal(isGrafanaDashboard({ dashboard: { panels: [] }, meta: {} }), true);
    assert.equal(isGrafanaDashboard({ schemaVersion: 1, uid: 'x', title: 'y' }), false);
    assert.equal(isGrafanaDashboard([]), false);
  });

  it('converts a realistic node_exporter dashboard, listing what it dropped', () => {
    const c = toArgusDashboard(testdata('grafana-node-exporter.json'), () => 'generated');
    assert.equal(c.convertedFrom, 'grafana');
    const d = c.dashboard;
    assert.equal(d.uid, 'rYdddlPWk');
    assert.equal(d.title, 'Node Exporter Full');
    assert.deepEqual(d.tags, ['linux', 'node_exporter']);
    assert.deepEqual(d.time, { from: 'now-24h', to: 'now' });
    assert.equal(d.refresh, '1m');
    assert.deepEqual(d.variables, [
      {
        name: 'job',
        label: 'Job',
        query: 'label_values(node_uname_info, job)',
        multi: false,
        includeAll: false,
        current: ['node'],
      },
      {
        name: 'node',
        label: 'Host',
        query: 'label_values(node_uname_info{job="$job"}, instance)',
        multi: true,
        includeAll: true,
        current: ['$__all'],
      },
    ]);
    // Rows flattened (the collapsed row's panels kept), the piechart dropped.
    assert.deepEqual(
      d.panels.map((p) => [p.id, p.type, p.title]),
      [
        [20, 'gauge', 'CPU Busy'],
        [75, 'stat', 'RAM Total'],
        [21, 'bargauge', 'Disk used'],
        [31, 'text', 'Notes'],
        [3, 'timeseries', 'CPU Basic'],
        [78, 'timeseries', 'Network Traffic Basic'],
        [40, 'table', 'Hosts'],
      ],
    );
    const [gauge, stat, bar, text, cpu, net, table] = d.panels;
    assert.deepEqual(gauge.gridPos, { x: 0, y: 1, w: 3, h: 4 });
    assert.deepEqual([gauge.unit, gauge.decimals, gauge.min, gauge.max], ['percent', 1, 0, 100]);
    assert.deepEqual(gauge.thresholds, [
      { value: null, color: '#32ac2d' },
      { value: 85, color: '#ed8128' },
      { value: 95, color: '#f53636' },
    ]);
    assert.deepEqual(stat.thresholds, [
      { value: null, color: 'green' },
      { value: 80, color: 'red' },
    ]);
    assert.deepEqual(stat.options, { graphMode: 'none', orientation: 'horizontal' });
    assert.equal(bar.targets[0].legend, '{{mountpoint}}');
    assert.equal(text.text, '## Notes\n\nSee <a href="javascript:alert(1)">runbook</a>.');
    assert.deepEqual(
      cpu.targets.map((t) => [t.refId, t.legend]),
      [['A', '{{mode}}']],
    );
    assert.deepEqual(cpu.options, { stacked: true, lineWidth: 1, fillOpacity: 40 });
    assert.equal(cpu.unit, 'percentunit');
    // Legacy graph: unit from yaxes, the duplicate refId renamed.
    assert.equal(net.unit, 'Bps');
    assert.deepEqual(
      net.targets.map((t) => t.refId),
      ['A', 'R0'],
    );
    assert.equal(table.targets[0].legend, undefined, '__auto is Grafana-only');
    assert.deepEqual(c.warnings, [
      'annotations dropped',
      'dashboard links dropped',
      'variable "DS_PROMETHEUS" (datasource) dropped: only label_values() queries are supported',
      'variable "node": regex filter dropped',
      'variable "window" (custom) dropped: only label_values() queries are supported',
      'row "Quick CPU / Mem / Disk" flattened (Argus has no rows)',
      'row "Basic CPU / Mem / Net / Disk" flattened (Argus has no rows)',
      'panel "CPU Busy": value mappings dropped',
      'panel "CPU modes" dropped: type "piechart" is not supported',
      'panel "Notes": html content kept as markdown (rendered through the sanitizer)',
      'panel "CPU Basic": a target without a PromQL expr dropped (not a Prometheus query)',
      'panel "CPU Basic": hidden target C dropped',
      'panel "CPU Basic": field overrides dropped',
      'panel "CPU Basic": transformations dropped',
    ]);
  });

  it('unwraps {dashboard, meta}, generates a uid for a bad one, clamps grid positions', () => {
    const c = toArgusDashboard(
      {
        meta: { slug: 'x' },
        dashboard: {
          uid: 'has space',
          title: '',
          schemaVersion: 27,
          refresh: false,
          panels: [
            {
              type: 'stat',
              title: 's',
              id: 0,
              gridPos: { x: 30, y: -1, w: 40, h: 0 },
              targets: [{ expr: 'up' }],
            },
          ],
        },
      },
      () => 'gen',
    );
    assert.equal(c.dashboard.uid, 'gen');
    assert.equal(c.dashboard.title, 'Imported dashboard');
    assert.equal(c.dashboard.refresh, 'off');
    assert.deepEqual(c.dashboard.panels[0].gridPos, { x: 0, y: 0, w: 24, h: 1 });
    assert.equal(c.dashboard.panels[0].id, 1);
    assert.equal(c.dashboard.panels[0].targets[0].refId, 'R0');
    assert.deepEqual(c.warnings, ['uid "has space" is not a valid Argus uid; using gen']);
  });

  it('Argus JSON passes through; a missing uid is generated', () => {
    const c = toArgusDashboard({ schemaVersion: 1, title: 'x' }, () => 'new1');
    assert.equal(c.convertedFrom, null);
    assert.equal(c.dashboard.uid, 'new1');
  });
});
