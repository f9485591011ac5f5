/**
 * The host detail page's charts: for one instance, the PromQL of each panel, its unit and
 * how each series is named. Pure (no DOM), unit-tested in test/web/overview.test.ts.
 *
 *   for (const p of hostPanels('node1:9100', rateWindow(step))) rangeQuery(p.queries[0].expr, …)
 */
import type { Unit } from './units.js';
import { promString } from './overview.js';

export interface PanelQuery {
  expr: string;
  /** The legend text of one series of this query, from its labels. */
  legend: (labels: Record<string, string>) => string;
}

export interface HostPanel {
  id: string;
  title: string;
  unit: Unit;
  stacked: boolean;
  queries: PanelQuery[];
}

/** The six panels of the host page for `instance`; `window` is the rate() range. */
export function hostPanels(instance: string, window: string): HostPanel[] {
  const sel = `instance=${promString(instance)}`;
  const fixed = (name: string) => () => name;
  const by =
    (label: string, suffix = '') =>
    (l: Record<string, string>) =>
      `${l[label] ?? '?'}${suffix}`;
  const rate = (metric: string, extra = '') => `rate(${metric}{${sel}${extra}}[${window}])`;
  const mem = (m: string) => `node_memory_${m}_bytes{${sel}}`;
  return [
    {
      id: 'cpu',
      title: 'CPU by mode',
      unit: 'percentunit',
      stacked: true,
      queries: [
        {
          // Each busy mode's share of all CPU time counted (as the card's CPU %; idle left
          // out, so the stack's top is the busy share).
          expr: `sum by (mode) (${rate('node_cpu_seconds_total', ',mode!="idle"')}) / scalar(sum(${rate('node_cpu_seconds_total')}))`,
          legend: by('mode'),
        },
      ],
    },
    {
      id: 'memory',
      title: 'Memory',
      unit: 'bytes',
      stacked: true,
      queries: [
        {
          expr: `${mem('MemTotal')} - ${mem('MemFree')} - ${mem('Buffers')} - ${mem('Cached')}`,
          legend: fixed('used'),
        },
        { expr: mem('Buffers'), legend: fixed('buffers') },
        { expr: mem('Cached'), legend: fixed('cached') },
        { expr: mem('MemFree'), legend: fixed('free') },
      ],
    },
    {
      id: 'load',
      title: 'Load',
      unit: 'none',
      stacked: false,
      queries: [
        { expr: `node_load1{${sel}}`, legend: fixed('load1') },
        { expr: `node_load5{${sel}}`, legend: fixed('load5') },
        { expr: `node_load15{${sel}}`, legend: fixed('load15') },
        {
          expr: `count(node_cpu_seconds_total{${sel},mode="idle"})`,
          legend: fixed('CPUs'),
        },
      ],
    },
    {
      id: 'filesystem',
      title: 'Filesystem used',
      unit: 'percentunit',
      stacked: false,
      queries: [
        {
          expr: `1 - node_filesystem_avail_bytes{${sel}} / node_filesystem_size_bytes{${sel}}`,
          legend: by('mountpoint'),
        },
      ],
    },
    {
      id: 'disk',
      title: 'Disk I/O',
      unit: 'bytes/s',
      stacked: false,
      queries: [
        { expr: rate('node_disk_read_bytes_total'), legend: by('device', ' read') },
        { expr: rate('node_disk_written_bytes_total'), legend: by('device', ' write') },
      ],
    },
    {
      id: 'network',
      title: 'Network',
      unit: 'bytes/s',
      stacked: false,
      queries: [
        { expr: rate('node_network_receive_bytes_total'), legend: by('device', ' rx') },
        { expr: rate('node_network_transmit_bytes_total'), legend: by('device', ' tx') },
      ],
    },
  ];
}
