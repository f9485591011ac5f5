/**
 * Exposition parser micro-benchmark (plain script): µs per sample parsing a node_exporter-like
 * body of 10k series, text 0.0.4 and OpenMetrics 1.0, three ways:
 *   - scan:  pull parser only (values, spans; no strings), the floor;
 *   - cache: scan + hash of the raw series bytes + Map lookup (a scrape loop without hints);
 *   - hint:  scan with `expect` set to the series at the same position last time, the steady
 *            state of the scrape loop (label blocks are compared, not scanned);
 *   - miss:  scan + labels() for every sample, a first scrape (every series unknown).
 * OpenMetrics also with `strict: true` (the conformance checks).
 *
 *   npm run bench -- parse [series] [rounds]
 *
 * Reference: Prometheus parses ~0.79 µs/sample end-to-end (scrape, parse, append) on this
 * machine class (/work/shared/PERFORMANCE.md).
 */
import { hashBytes } from '../util/index.js';
import { ExpositionParser, type ExpositionFormat } from './index.js';

const SERIES = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 30);

/** node_exporter-shaped families: cpu seconds, filesystems, network, memory, a histogram. */
function body(format: ExpositionFormat): Buffer {
  const om = format === 'openmetrics';
  const out: string[] = [];
  let n = 0;
  const modes = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'];
  // OpenMetrics names a counter family without its _total suffix.
  const t = om ? '' : '_total';
  out.push(`# HELP node_cpu_seconds${t} Seconds the CPUs spent in each mode.`);
  out.push(`# TYPE node_cpu_seconds${t} counter`);
  for (let c = 0; n < SERIES * 0.4; c++) {
    for (const m of modes) {
      out.push(
        `node_cpu_seconds_total{cpu="${c}",mode="${m}"} ${(c * 1234.56 + m.length * 17.3).toFixed(2)}`,
      );
      n++;
    }
  }
  for (const k of ['avail', 'free', 'size']) {
    out.push(`# HELP node_filesystem_${k}_bytes Filesystem ${k} in bytes.`);
    out.push(`# TYPE node_filesystem_${k}_bytes gauge`);
    for (let d = 0; d < SERIES * 0.05; d++, n++) {
      out.push(
        `node_filesystem_${k}_bytes{device="/dev/sd${d}",fstype="ext4",mountpoint="/mnt/disk${d}"} ${1.2345678e11 + d * 4096}`,
      );
    }
  }
  for (const k of ['receive_bytes', 'transmit_bytes', 'receive_packets']) {
    out.push(`# HELP node_network_${k}${t} Network device statistic ${k}.`);
    out.push(`# TYPE node_network_${k}${t} counter`);
    for (let d = 0; d < SERIES * 0.05; d++, n++)
      out.push(`node_network_${k}_total{device="eth${d}"} ${d * 98765 + 12}`);
  }
  out.push('# HELP node_http_duration_seconds Request latency.');
  out.push('# TYPE node_http_duration_seconds histogram');
  const les = [
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
  for (let h = 0; n < SERIES; h++) {
    for (let i = 0; i < les.length; i++, n++) {
      out.push(
        `node_http_duration_seconds_bucket{handler="/api/v${h}",le="${les[i]}"} ${i * 10 + h}`,
      );
    }
    out.push(`node_http_duration_seconds_sum{handler="/api/v${h}"} ${h * 3.25}`);
    out.push(`node_http_duration_seconds_count{handler="/api/v${h}"} ${110 + h}`);
    n += 2;
  }
  if (om) out.push('# EOF');
  return Buffer.from(out.join('\n') + '\n');
}

type Mode = 'scan' | 'cache' | 'miss' | 'hint';

function once(
  buf: Buffer,
  format: ExpositionFormat,
  mode: Mode,
  strict: boolean,
  cache: Map<number, number>,
  keys: string[],
): number {
  const p = new ExpositionParser(buf, format, { strict });
  let n = 0;
  if (mode === 'hint') p.expect = keys[0];
  for (let k = p.next(); k !== 'eof'; k = p.next()) {
    if (k !== 'sample') continue;
    if (mode === 'hint') {
      if (!p.hinted) keys[n] = buf.toString('latin1', p.seriesStart, p.seriesEnd);
      p.expect = keys[n + 1];
    }
    n++;
    if (mode === 'cache') {
      const h = hashBytes(buf, p.seriesStart, p.seriesEnd);
      if (cache.get(h) === undefined) cache.set(h, p.labels().size);
    } else if (mode === 'miss') {
      p.labels();
    }
  }
  return n;
}

function bench(format: ExpositionFormat, mode: Mode, strict: boolean): void {
  const buf = body(format);
  const cache = new Map<number, number>();
  const keys: string[] = [];
  let samples = 0;
  for (let i = 0; i < 5; i++) samples = once(buf, format, mode, strict, cache, keys); // warm-up (and fill the cache)
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    once(buf, format, mode, strict, cache, keys);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const med = times[times.length >> 1] / samples;
  const best = times[0] / samples;
  const label = `${format}${strict ? ' strict' : ''} ${mode}`.padEnd(24);
  console.log(
    `${label} series=${samples} bytes=${buf.length}  median ${med.toFixed(3)} µs/sample  best ${best.toFixed(3)} µs/sample`,
  );
}

for (const format of ['text', 'openmetrics'] as const) {
  for (const mode of ['scan', 'cache', 'hint', 'miss'] as const) bench(format, mode, false);
}
bench('openmetrics', 'cache', true);
