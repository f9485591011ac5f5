import { CollectorError } from './errors.js';
import { add, type Collector, family, fields, type MetricFamily, readProc } from './family.js';

/** Kernel USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture node_exporter supports. */
const USER_HZ = 100;
const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/** `cpu`: per-CPU time by mode from /proc/stat (node_exporter's cpu collector, without cpu.info). */
export const cpuCollector: Collector = {
  name: 'cpu',
  async collect(ctx) {
    const text = await readProc(ctx, 'stat');
    const secs = family(
      'node_cpu_seconds_total',
      'counter',
      'Seconds the CPUs spent in each mode.',
    );
    const guest = family(
      'node_cpu_guest_seconds_total',
      'counter',
      'Seconds the CPUs spent in guests (VMs) for each mode.',
    );
    for (const line of text.split('\n')) {
      if (!line.startsWith('cpu') || line.startsWith('cpu ')) continue;
      const f = fields(line);
      const cpu = f[0].slice(3);
      if (!/^\d+$/.test(cpu) || f.length < 9) {
        throw new CollectorError(`cannot parse /proc/stat cpu line: got ${JSON.stringify(line)}`);
      }
      for (let i = 0; i < MODES.length; i++) {
        add(secs, { cpu, mode: MODES[i] }, Number(f[i + 1]) / USER_HZ);
      }
      // guest and guest_nice appeared in Linux 2.6.24/2.6.33; node_exporter reports 0 without them.
      add(guest, { cpu, mode: 'user' }, Number(f[9] ?? 0) / USER_HZ);
      add(guest, { cpu, mode: 'nice' }, Number(f[10] ?? 0) / USER_HZ);
    }
    const out: MetricFamily[] = [secs, guest];
    return out;
  },
};
