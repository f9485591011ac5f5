import { add, type Collector, family, type MetricFamily, readProc } from './family.js';

/** Metric name and HELP per raw /proc/meminfo field ("Active(anon):" + unit), built once. */
const names = new Map<string, { name: string; help: string; scale: number }>();

function nameOf(raw: string, unit: string): { name: string; help: string; scale: number } {
  const id = unit === 'kB' ? `${raw} kB` : raw;
  let n = names.get(id);
  if (n === undefined) {
    // "Active(anon)" -> "Active_anon", as node_exporter's `\((.*)\)` -> `_${1}`.
    let key = raw.replace(/\((.*)\)/, '_$1');
    if (unit === 'kB') key += '_bytes';
    n = {
      name: `node_memory_${key}`,
      help: `Memory information field ${key}.`,
      scale: unit === 'kB' ? 1024 : 1,
    };
    names.set(id, n);
  }
  return n;
}

const LINE = /^(\S+):[ \t]+(\S+)(?:[ \t]+(\S+))?/gm;

/** `meminfo`: every /proc/meminfo field as `node_memory_<Field>[_bytes]`, as node_exporter names them. */
export const meminfoCollector: Collector = {
  name: 'meminfo',
  async collect(ctx) {
    const text = await readProc(ctx, 'meminfo');
    const out: MetricFamily[] = [];
    LINE.lastIndex = 0;
    for (let m = LINE.exec(text); m !== null; m = LINE.exec(text)) {
      const n = nameOf(m[1], m[3] ?? '');
      const fam = family(n.name, 'gauge', n.help);
      add(fam, {}, Number(m[2]) * n.scale);
      out.push(fam);
    }
    return out;
  },
};
