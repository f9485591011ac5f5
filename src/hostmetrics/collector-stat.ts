import { add, type Collector, family, fields, type MetricFamily, readProc } from './family.js';

const STAT_FIELDS: Record<string, { name: string; type: 'counter' | 'gauge'; help: string }> = {
  intr: { name: 'node_intr_total', type: 'counter', help: 'Total number of interrupts serviced.' },
  ctxt: {
    name: 'node_context_switches_total',
    type: 'counter',
    help: 'Total number of context switches.',
  },
  btime: { name: 'node_boot_time_seconds', type: 'gauge', help: 'Node boot time, in unixtime.' },
  processes: { name: 'node_forks_total', type: 'counter', help: 'Total number of forks.' },
  procs_running: {
    name: 'node_procs_running',
    type: 'gauge',
    help: 'Number of processes in runnable state.',
  },
  procs_blocked: {
    name: 'node_procs_blocked',
    type: 'gauge',
    help: 'Number of processes blocked waiting for I/O to complete.',
  },
};

/** `stat`: boot time, context switches, forks, interrupts, running/blocked from /proc/stat. */
export const statCollector: Collector = {
  name: 'stat',
  async collect(ctx) {
    const text = await readProc(ctx, 'stat');
    const out: MetricFamily[] = [];
    for (const line of text.split('\n')) {
      const f = fields(line);
      const def = f.length >= 2 && Object.hasOwn(STAT_FIELDS, f[0]) ? STAT_FIELDS[f[0]] : undefined;
      if (def === undefined) continue;
      const fam = family(def.name, def.type, def.help);
      add(fam, {}, Number(f[1]));
      out.push(fam);
    }
    return out;
  },
};
