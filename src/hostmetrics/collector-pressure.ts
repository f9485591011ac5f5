import { add, type Collector, family, fields, type MetricFamily, readProc } from './family.js';

/** [resource, line, metric, help] as node_exporter 1.5 reports them (cpu "full" is not). */
const PSI: [string, 'some' | 'full', string, string][] = [
  ['cpu', 'some', 'cpu_waiting', 'Total time in seconds that processes have waited for CPU time'],
  [
    'io',
    'full',
    'io_stalled',
    'Total time in seconds no process could make progress due to IO congestion',
  ],
  [
    'io',
    'some',
    'io_waiting',
    'Total time in seconds that processes have waited due to IO congestion',
  ],
  [
    'memory',
    'full',
    'memory_stalled',
    'Total time in seconds no process could make progress due to memory congestion',
  ],
  [
    'memory',
    'some',
    'memory_waiting',
    'Total time in seconds that processes have waited for memory',
  ],
];

function totalOf(text: string, kind: string): number | undefined {
  for (const line of text.split('\n')) {
    const f = fields(line);
    if (f[0] !== kind) continue;
    const t = f.find((x) => x.startsWith('total='));
    if (t !== undefined) return Number(t.slice(6));
  }
  return undefined;
}

/** `pressure`: PSI stall totals from /proc/pressure (kernel ≥ 4.20 with PSI enabled). */
export const pressureCollector: Collector = {
  name: 'pressure',
  async collect(ctx) {
    const out: MetricFamily[] = [];
    const texts = new Map<string, string>();
    for (const res of ['cpu', 'io', 'memory']) {
      try {
        texts.set(res, await readProc(ctx, `pressure/${res}`));
      } catch {
        // No PSI (old kernel, psi=0): node_exporter reports nothing for that resource.
      }
    }
    for (const [res, kind, metric, help] of PSI) {
      const text = texts.get(res);
      const total = text === undefined ? undefined : totalOf(text, kind);
      if (total === undefined) continue;
      const fam = family(`node_pressure_${metric}_seconds_total`, 'counter', help);
      add(fam, {}, total / 1000 / 1000); // µs; divided twice as node_exporter does (same bits)
      out.push(fam);
    }
    return out;
  },
};
