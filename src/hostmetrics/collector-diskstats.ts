import path from 'node:path';
import {
  add,
  type Collector,
  family,
  fields,
  type MetricFamily,
  readProc,
  readSmall,
} from './family.js';

const SECTOR = 512;
const MS = 0.001; // node_exporter multiplies (not divides), so values match to the last bit

/** /proc/diskstats columns after major, minor, name: [metric, type, help, scale]. */
const COLUMNS: [string, 'counter' | 'gauge', string, number][] = [
  ['reads_completed_total', 'counter', 'The total number of reads completed successfully.', 1],
  ['reads_merged_total', 'counter', 'The total number of reads merged.', 1],
  ['read_bytes_total', 'counter', 'The total number of bytes read successfully.', SECTOR],
  ['read_time_seconds_total', 'counter', 'The total number of seconds spent by all reads.', MS],
  ['writes_completed_total', 'counter', 'The total number of writes completed successfully.', 1],
  ['writes_merged_total', 'counter', 'The number of writes merged.', 1],
  ['written_bytes_total', 'counter', 'The total number of bytes written successfully.', SECTOR],
  [
    'write_time_seconds_total',
    'counter',
    'This is the total number of seconds spent by all writes.',
    MS,
  ],
  ['io_now', 'gauge', 'The number of I/Os currently in progress.', 1],
  ['io_time_seconds_total', 'counter', 'Total seconds spent doing I/Os.', MS],
  ['io_time_weighted_seconds_total', 'counter', 'The weighted # of seconds spent doing I/Os.', MS],
  [
    'discards_completed_total',
    'counter',
    'The total number of discards completed successfully.',
    1,
  ],
  ['discards_merged_total', 'counter', 'The total number of discards merged.', 1],
  ['discarded_sectors_total', 'counter', 'The total number of sectors discarded successfully.', 1],
  [
    'discard_time_seconds_total',
    'counter',
    'This is the total number of seconds spent by all discards.',
    MS,
  ],
  [
    'flush_requests_total',
    'counter',
    'The total number of flush requests completed successfully',
    1,
  ],
  [
    'flush_requests_time_seconds_total',
    'counter',
    'This is the total number of seconds spent by all flush requests.',
    MS,
  ],
];

/** Family names, built once. */
const NAMES = COLUMNS.map(([n]) => `node_disk_${n}`);

/** udev properties behind node_disk_info's labels (empty when there is no udev database). */
const UDEV_LABELS: [string, string][] = [
  ['path', 'ID_PATH'],
  ['wwn', 'ID_WWN'],
  ['model', 'ID_MODEL'],
  ['serial', 'ID_SERIAL_SHORT'],
  ['revision', 'ID_REVISION'],
];

async function udevProps(
  udevDir: string,
  major: string,
  minor: string,
): Promise<Map<string, string>> {
  const props = new Map<string, string>();
  let text: string;
  try {
    text = await readSmall(path.join(udevDir, `b${major}:${minor}`));
  } catch {
    return props; // no udev (containers, minimal VMs): node_exporter leaves the labels empty
  }
  for (const line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq > 2) props.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return props;
}

/** `diskstats`: per-device I/O counters from /proc/diskstats and node_disk_info. */
export const diskstatsCollector: Collector = {
  name: 'diskstats',
  async collect(ctx) {
    const text = await readProc(ctx, 'diskstats');
    const fams = COLUMNS.map(([, t, h], i) => family(NAMES[i], t, h));
    const info = family('node_disk_info', 'gauge', 'Info of /sys/block/<block_device>.');
    const udevDir = path.join(ctx.rootfsPath, 'run/udev/data');
    for (const line of text.split('\n')) {
      const f = fields(line);
      if (f.length < 14) continue;
      const [major, minor, device] = f;
      if (ctx.exclude.diskDevices.test(device)) continue;
      const props = await udevProps(udevDir, major, minor);
      const labels: Record<string, string> = { device, major, minor };
      for (const [l, p] of UDEV_LABELS) labels[l] = props.get(p) ?? '';
      add(info, labels, 1);
      for (let i = 0; i < COLUMNS.length && 3 + i < f.length; i++) {
        add(fams[i], { device }, Number(f[3 + i]) * COLUMNS[i][3]);
      }
    }
    const out: MetricFamily[] = [info, ...fams.filter((fam) => fam.samples.length > 0)];
    return out;
  },
};
