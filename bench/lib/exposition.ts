/**
 * Synthetic node_exporter-like scrape targets for the scrape benchmark: a fixed series set per
 * target (CPU, network, disk, filesystem counters/gauges and a latency histogram, grouped by
 * family with HELP/TYPE lines) whose values move on every render, so no scrape is a repeat.
 */
import { mulberry32 } from './rand.js';

interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  /** Per block index: the label strings (without braces) of each series of this family. */
  series: (block: number) => { suffix: string; labels: string }[];
}

const CPU_MODES = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'];
const LE = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];

function simple(name: string, type: 'counter' | 'gauge', help: string, label: string): Family {
  return {
    name,
    type,
    help,
    series: (b) => [{ suffix: '', labels: label.replace('#', String(b)) }],
  };
}

const FAMILIES: Family[] = [
  {
    name: 'node_cpu_seconds_total',
    type: 'counter',
    help: 'Seconds the CPUs spent in each mode.',
    series: (b) => CPU_MODES.map((mode) => ({ suffix: '', labels: `cpu="${b}",mode="${mode}"` })),
  },
  {
    name: 'http_request_duration_seconds',
    type: 'histogram',
    help: 'Latency of HTTP requests.',
    series: (b) => [
      ...LE.map((le) => ({ suffix: '_bucket', labels: `handler="/api/v${b}",le="${le}"` })),
      { suffix: '_sum', labels: `handler="/api/v${b}"` },
      { suffix: '_count', labels: `handler="/api/v${b}"` },
    ],
  },
  ...['receive_bytes', 'receive_packets', 'transmit_bytes', 'transmit_packets'].map((m) =>
    simple(`node_network_${m}_total`, 'counter', `Network device statistic ${m}.`, 'device="eth#"'),
  ),
  ...['reads_completed', 'writes_completed', 'read_bytes', 'written_bytes'].map((m) =>
    simple(`node_disk_${m}_total`, 'counter', `Disk statistic ${m}.`, 'device="sd#"'),
  ),
  ...['avail_bytes', 'free_bytes', 'size_bytes', 'files_free'].map((m) =>
    simple(
      `node_filesystem_${m}`,
      'gauge',
      `Filesystem ${m}.`,
      'device="/dev/vd#",fstype="ext4",mountpoint="/mnt/disk#"',
    ),
  ),
];

/** Series of one block across all families (the body grows in whole blocks, then is cut). */
const PER_BLOCK = FAMILIES.reduce((n, f) => n + f.series(0).length, 0);

/** The probe series every target exposes (block 0 always exists): `{instance=…}` is added. */
export const PROBE_SELECTOR = 'node_cpu_seconds_total{cpu="0",mode="idle"}';

/** One target's series and their values; `render` moves every value and returns the body. */
export class SyntheticTarget {
  readonly series: number;
  private readonly prefixes: string[] = [];
  /** Index of the first series of each family, and its `# HELP`/`# TYPE` header. */
  private readonly headers = new Map<number, string>();
  private readonly values: Float64Array;
  private readonly gauge: Uint8Array;
  private readonly rand: () => number;

  constructor(series: number, seed: number) {
    const blocks = Math.ceil(series / PER_BLOCK);
    for (const f of FAMILIES) {
      if (this.prefixes.length >= series) break;
      this.headers.set(
        this.prefixes.length,
        `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n`,
      );
      for (let b = 0; b < blocks && this.prefixes.length < series; b++) {
        for (const s of f.series(b)) {
          if (this.prefixes.length >= series) break;
          this.prefixes.push(`${f.name}${s.suffix}{${s.labels}} `);
        }
      }
    }
    this.series = this.prefixes.length;
    this.rand = mulberry32(seed);
    this.values = new Float64Array(this.series);
    this.gauge = new Uint8Array(this.series);
    for (let i = 0; i < this.series; i++) {
      this.gauge[i] = this.prefixes[i].startsWith('node_filesystem_') ? 1 : 0;
      this.values[i] = Math.floor(this.rand() * 1e6);
    }
  }

  /**
   * Moves every value (counters grow by an integer or a fraction, gauges walk) and renders the
   * text format 0.0.4 body. Histogram buckets need not stay cumulative: no query reads them.
   */
  render(): string {
    const parts: string[] = [];
    for (let i = 0; i < this.series; i++) {
      const h = this.headers.get(i);
      if (h !== undefined) parts.push(h);
      const step = this.rand();
      this.values[i] +=
        this.gauge[i] === 1 ? Math.round((step - 0.5) * 4096) : 1 + Math.round(step * 100) / 100;
      parts.push(this.prefixes[i], String(this.values[i]), '\n');
    }
    return parts.join('');
  }
}
