/**
 * The node_exporter-like series set of the ingest load (PERFORMANCE.md): per host 176 series,
 * including one latency histogram, with a value kind that drives the random walk.
 */

/** How a series' value evolves: counters only grow, gauges walk both ways. */
export type ValueKind = 'counterFloat' | 'counterInt' | 'gaugeFloat' | 'gaugeInt' | 'constant';

export interface SeriesDef {
  /** Flat sorted [name, value, ...] label pairs, `__name__` first. */
  labels: string[];
  kind: ValueKind;
  /** Typical magnitude of the starting value and of one step's change. */
  scale: number;
  /** Histogram bucket index (0 = smallest `le`) or -1; buckets are made cumulative per host. */
  bucket: number;
}

/** Series per host; the load scales by host count. */
export const SERIES_PER_HOST = 176;

const CPU_MODES = ['guest', 'idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system'];
const MEMORY = [
  'Active',
  'Active_anon',
  'Active_file',
  'AnonHugePages',
  'AnonPages',
  'Buffers',
  'Cached',
  'CommitLimit',
  'Committed_AS',
  'Dirty',
  'Inactive',
  'Inactive_anon',
  'Inactive_file',
  'Mapped',
  'MemAvailable',
  'MemFree',
  'MemTotal',
  'PageTables',
  'SReclaimable',
  'SUnreclaim',
  'Shmem',
  'Slab',
  'SwapCached',
  'SwapFree',
  'SwapTotal',
  'VmallocChunk',
  'VmallocTotal',
  'VmallocUsed',
  'Writeback',
  'KernelStack',
];
const FS_METRICS = [
  'avail_bytes',
  'device_error',
  'files',
  'files_free',
  'free_bytes',
  'readonly',
  'size_bytes',
];
const MOUNTS: [string, string, string][] = [
  ['/dev/sda1', 'ext4', '/'],
  ['/dev/sda2', 'ext4', '/var'],
  ['/dev/sdb1', 'xfs', '/data'],
  ['tmpfs', 'tmpfs', '/run'],
];
const NET_METRICS = [
  'receive_bytes',
  'receive_drop',
  'receive_errs',
  'receive_packets',
  'transmit_bytes',
  'transmit_drop',
  'transmit_errs',
  'transmit_packets',
];
const NET_DEVICES = ['eth0', 'eth1', 'lo'];
const DISK_METRICS = [
  'io_now',
  'io_time_seconds_total',
  'read_bytes_total',
  'read_time_seconds_total',
  'reads_completed_total',
  'write_time_seconds_total',
  'writes_completed_total',
  'written_bytes_total',
];
const DISKS = ['sda', 'sdb'];
const VMSTAT = [
  'oom_kill',
  'pgfault',
  'pgmajfault',
  'pgpgin',
  'pgpgout',
  'pswpin',
  'pswpout',
  'nr_dirty',
  'nr_free_pages',
  'nr_mapped',
  'pgsteal_direct',
  'pgscan_direct',
  'numa_hit',
  'numa_miss',
  'workingset_refault',
];
const NETSTAT = [
  'Icmp_InErrors',
  'Icmp_InMsgs',
  'Icmp_OutMsgs',
  'Ip_Forwarding',
  'IpExt_InOctets',
  'IpExt_OutOctets',
  'Tcp_ActiveOpens',
  'Tcp_CurrEstab',
  'Tcp_InErrs',
  'Tcp_InSegs',
  'Tcp_OutSegs',
  'Tcp_PassiveOpens',
  'Tcp_RetransSegs',
  'Udp_InDatagrams',
  'Udp_OutDatagrams',
];
/** Upper bounds of the latency histogram (seconds); `+Inf` is appended. */
export const LATENCY_BUCKETS = [
  '0.005',
  '0.01',
  '0.025',
  '0.05',
  '0.1',
  '0.25',
  '0.5',
  '1',
  '2.5',
  '5',
  '10',
  '+Inf',
];

/** Regions hosts are spread over (round robin) in the query shape. */
export const REGIONS = ['ap-south', 'eu-west', 'us-east', 'us-west'];

/**
 * Builds the 176 series of one host, labels sorted by name with `__name__` first.
 * `queryShape` is the load PERFORMANCE.md's query figures were measured on: a `region` label on
 * every series (for `avg by (region)`) and 4 CPUs (32 `node_cpu_seconds_total` series per host,
 * 18k at 569 hosts) with the 15 netstat counters and the entropy gauge dropped to stay at 176.
 * Off by default, so the ingest benchmark's figures stay comparable with earlier runs.
 */
export function hostSeries(host: number, queryShape = false): SeriesDef[] {
  const instance = `host-${String(host).padStart(4, '0')}:9100`;
  const region: Record<string, string> = queryShape
    ? { region: REGIONS[host % REGIONS.length] }
    : {};
  const cpus = queryShape ? ['0', '1', '2', '3'] : ['0', '1'];
  const out: SeriesDef[] = [];
  const add = (
    name: string,
    extra: Record<string, string>,
    kind: ValueKind,
    scale: number,
    bucket = -1,
  ): void => {
    const all: Record<string, string> = { ...extra, ...region, instance, job: 'node' };
    const labels = ['__name__', name];
    for (const k of Object.keys(all).sort()) labels.push(k, all[k]);
    out.push({ labels, kind, scale, bucket });
  };
  for (const cpu of cpus) {
    for (const mode of CPU_MODES) add('node_cpu_seconds_total', { cpu, mode }, 'counterFloat', 10);
  }
  LATENCY_BUCKETS.forEach((le, i) =>
    add('http_request_duration_seconds_bucket', { handler: '/api', le }, 'counterInt', 20, i),
  );
  add('http_request_duration_seconds_sum', { handler: '/api' }, 'counterFloat', 5);
  add('http_request_duration_seconds_count', { handler: '/api' }, 'counterInt', 20);
  for (const m of MEMORY) add(`node_memory_${m}_bytes`, {}, 'gaugeInt', 1 << 28);
  for (const [device, fstype, mountpoint] of MOUNTS) {
    for (const m of FS_METRICS) {
      const kind = m === 'device_error' || m === 'readonly' ? 'constant' : 'gaugeInt';
      add(`node_filesystem_${m}`, { device, fstype, mountpoint }, kind, 1 << 30);
    }
  }
  for (const device of NET_DEVICES) {
    for (const m of NET_METRICS)
      add(`node_network_${m}_total`, { device }, 'counterInt', m.endsWith('bytes') ? 1e6 : 1e3);
  }
  for (const device of DISKS) {
    for (const m of DISK_METRICS) {
      const kind =
        m === 'io_now' ? 'gaugeInt' : m.includes('seconds') ? 'counterFloat' : 'counterInt';
      add(`node_disk_${m}`, { device }, kind, m.includes('bytes') ? 1e6 : 10);
    }
  }
  for (const m of ['load1', 'load5', 'load15']) add(`node_${m}`, {}, 'gaugeFloat', 2);
  for (const m of VMSTAT) add(`node_vmstat_${m}`, {}, 'counterInt', 1e4);
  if (!queryShape) for (const m of NETSTAT) add(`node_netstat_${m}`, {}, 'counterInt', 1e3);
  add('node_filefd_allocated', {}, 'gaugeInt', 1e4);
  add('node_filefd_maximum', {}, 'constant', 1e6);
  add('node_procs_running', {}, 'gaugeInt', 5);
  add('node_procs_blocked', {}, 'gaugeInt', 2);
  add('node_context_switches_total', {}, 'counterInt', 1e5);
  add('node_intr_total', {}, 'counterInt', 1e5);
  add('node_boot_time_seconds', {}, 'constant', 1.7e9);
  add('node_time_seconds', {}, 'gaugeFloat', 1.7e9);
  if (!queryShape) add('node_entropy_available_bits', {}, 'gaugeInt', 3000);
  add('node_forks_total', {}, 'counterInt', 100);
  add('up', {}, 'constant', 1);
  for (const m of [
    'scrape_duration_seconds',
    'scrape_samples_post_metric_relabeling',
    'scrape_samples_scraped',
    'scrape_series_added',
  ]) {
    add(
      m,
      {},
      m.endsWith('seconds') ? 'gaugeFloat' : 'gaugeInt',
      m.endsWith('seconds') ? 0.05 : 1000,
    );
  }
  if (out.length !== SERIES_PER_HOST) {
    throw new Error(
      `cannot build host series: got ${out.length} per host, want ${SERIES_PER_HOST}`,
    );
  }
  return out;
}
