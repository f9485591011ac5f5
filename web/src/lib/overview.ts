/**
 * The system overview's PromQL and the shaping of its answers into host cards. Pure (no DOM),
 * unit-tested in test/web/overview.test.ts.
 *
 *   const qs = cardQueries(rateWindow(30));        // one query per metric, all hosts at once
 *   const hosts = buildHosts(answers, up, cpus);   // → HostSummary[] sorted by instance
 *
 * Every card query aggregates `by (instance)`, so a refresh costs a fixed number of queries
 * however many hosts there are.
 */

/** `[unix seconds, value]`; null where the host had no sample (a gap in the sparkline). */
export type SeriesPoint = [number, number | null];

/** The card metrics, in display order. */
export const CARD_METRICS = [
  'cpu',
  'memory',
  'load1',
  'rootfs',
  'diskRead',
  'diskWrite',
  'netRx',
  'netTx',
] as const;
export type CardMetric = (typeof CARD_METRICS)[number];

/** A PromQL double-quoted string literal (label values may hold quotes and backslashes). */
export function promString(s: string): string {
  // JSON's escapes (\" \\ \n \uXXXX) are a subset of PromQL's Go-style string escapes.
  return JSON.stringify(s);
}

/**
 * The range of `rate()`: at least two samples of a 1-minute scrape interval (Prometheus's
 * default, common for node_exporter), and two steps so every step sees fresh samples.
 */
export function rateWindow(stepSeconds: number): string {
  return `${Math.max(120, Math.ceil(2 * stepSeconds))}s`;
}

/** One PromQL per card metric over all hosts (`… by (instance)`). */
export function cardQueries(window: string): Record<CardMetric, string> {
  const rate = (m: string, sel = '') => `sum by (instance) (rate(${m}${sel}[${window}]))`;
  return {
    // Idle's share of all CPU time counted, not of wall time: some kernels (and VMs) count
    // less than one second per second per CPU, which would inflate `1 - rate(idle)`.
    cpu: `1 - sum by (instance) (rate(node_cpu_seconds_total{mode="idle"}[${window}])) / sum by (instance) (rate(node_cpu_seconds_total[${window}]))`,
    memory:
      '1 - sum by (instance) (node_memory_MemAvailable_bytes) / sum by (instance) (node_memory_MemTotal_bytes)',
    load1: 'max by (instance) (node_load1)',
    rootfs:
      '1 - max by (instance) (node_filesystem_avail_bytes{mountpoint="/"}) / max by (instance) (node_filesystem_size_bytes{mountpoint="/"})',
    diskRead: rate('node_disk_read_bytes_total'),
    diskWrite: rate('node_disk_written_bytes_total'),
    netRx: rate('node_network_receive_bytes_total', '{device!="lo"}'),
    netTx: rate('node_network_transmit_bytes_total', '{device!="lo"}'),
  };
}

/** CPU count per host (load is read against it). */
export const CPU_COUNT_QUERY = 'count by (instance) (node_cpu_seconds_total{mode="idle"})';
/** The host name a node_exporter reports (its instance is often an address). */
export const NODENAME_QUERY = 'max by (instance, nodename) (node_uname_info)';

/** A matrix series as the API returns it, reduced to what shaping needs. */
export interface RawSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface MetricSeries {
  points: SeriesPoint[];
  /** The newest sample's value, undefined when there is none. */
  current: number | undefined;
}

export type Health = 'up' | 'down' | 'partial' | 'unknown';

export interface HostSummary {
  instance: string;
  /** node_uname_info's nodename when it differs from the instance. */
  hostname: string | undefined;
  health: Health;
  cpus: number | undefined;
  metrics: Partial<Record<CardMetric, MetricSeries>>;
}

/** Numbers from the API's strings ("NaN", "+Inf" included). */
export function parseSample(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

/**
 * Points on the `start..end` grid every `step` seconds, null where the series had no sample,
 * so sparklines of different hosts share one time axis and show gaps.
 */
export function alignPoints(
  values: [number, string][],
  start: number,
  end: number,
  step: number,
): SeriesPoint[] {
  const byTime = new Map<number, number>();
  for (const [t, v] of values) byTime.set(Math.round((t - start) / step), parseSample(v));
  const out: SeriesPoint[] = [];
  const n = Math.floor((end - start) / step + 1e-9);
  for (let i = 0; i <= n; i++) out.push([start + i * step, byTime.get(i) ?? null]);
  return out;
}

function lastValue(values: [number, string][]): number | undefined {
  const last = values[values.length - 1];
  return last === undefined ? undefined : parseSample(last[1]);
}

/** `up` per instance, combined over its targets: all up, all down, or some of each. */
export function healthByInstance(up: { metric: Record<string, string>; value: number }[]) {
  const seen = new Map<string, { up: number; down: number }>();
  for (const s of up) {
    const inst = s.metric.instance;
    if (inst === undefined) continue;
    const c = seen.get(inst) ?? { up: 0, down: 0 };
    if (s.value === 1) c.up++;
    else c.down++;
    seen.set(inst, c);
  }
  const out = new Map<string, Health>();
  for (const [inst, c] of seen)
    out.set(inst, c.down === 0 ? 'up' : c.up === 0 ? 'down' : 'partial');
  return out;
}

export interface CardAnswers {
  range: { start: number; end: number; step: number };
  metrics: Partial<Record<CardMetric, RawSeries[]>>;
  /** Instant `up` samples. */
  up: { metric: Record<string, string>; value: number }[];
  cpus: { metric: Record<string, string>; value: number }[];
  nodenames: { metric: Record<string, string> }[];
}

/**
 * One summary per instance seen in any card metric (a host with some metrics but not yet a
 * rate shows its card with the rest "collecting…"), sorted by instance.
 */
export function buildHosts(a: CardAnswers): HostSummary[] {
  const hosts = new Map<string, HostSummary>();
  const host = (instance: string): HostSummary => {
    let h = hosts.get(instance);
    if (!h) {
      h = { instance, hostname: undefined, health: 'unknown', cpus: undefined, metrics: {} };
      hosts.set(instance, h);
    }
    return h;
  };
  const { start, end, step } = a.range;
  for (const m of CARD_METRICS) {
    for (const s of a.metrics[m] ?? []) {
      const inst = s.metric.instance;
      if (inst === undefined) continue;
      host(inst).metrics[m] = {
        points: alignPoints(s.values, start, end, step),
        current: lastValue(s.values),
      };
    }
  }
  const health = healthByInstance(a.up);
  for (const h of hosts.values()) h.health = health.get(h.instance) ?? 'unknown';
  for (const c of a.cpus) {
    const h = hosts.get(c.metric.instance ?? '');
    if (h) h.cpus = c.value;
  }
  for (const n of a.nodenames) {
    const h = hosts.get(n.metric.instance ?? '');
    const name = n.metric.nodename;
    if (h && name && name !== h.instance) h.hostname = name;
  }
  // A host exports several of these (node_exporter and Argus's collector: memory, load and
  // filesystems from the first scrape). One alone is a pushed or relabelled series, not a host.
  return [...hosts.values()]
    .filter((h) => Object.keys(h.metrics).length >= 2)
    .sort((x, y) => x.instance.localeCompare(y.instance));
}

/** Whether a host matches the filter box (instance or host name, case-insensitive). */
export function hostMatches(h: HostSummary, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (f === '') return true;
  return h.instance.toLowerCase().includes(f) || (h.hostname ?? '').toLowerCase().includes(f);
}

export type HostSort = 'name' | 'cpu' | 'memory' | 'health';

const HEALTH_ORDER: Record<Health, number> = { down: 0, partial: 1, unknown: 2, up: 3 };

/** Sorts a copy: by name, by busiest first (cpu, memory), or the unhealthy first. */
export function sortHosts(hosts: HostSummary[], by: HostSort): HostSummary[] {
  const val = (h: HostSummary, m: CardMetric) => h.metrics[m]?.current ?? -Infinity;
  const byName = (a: HostSummary, b: HostSummary) => a.instance.localeCompare(b.instance);
  return [...hosts].sort((a, b) => {
    if (by === 'cpu' || by === 'memory') return val(b, by) - val(a, by) || byName(a, b);
    if (by === 'health') return HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health] || byName(a, b);
    return byName(a, b);
  });
}

/** Whether any host still waits for its first CPU rate (the first minutes after a start). */
export function stillCollecting(hosts: HostSummary[]): boolean {
  return hosts.some((h) => h.metrics.cpu?.current === undefined && h.health !== 'down');
}
