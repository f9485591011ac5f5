import { add, type Collector, family, fields, readProc } from './family.js';

/** `meminfo`: every /proc/meminfo field as `node_memory_<Field>[_bytes]`, as node_exporter names them. */
export const meminfoCollector: Collector = {
  name: 'meminfo',
  async collect(ctx) {
    const text = await readProc(ctx, 'meminfo');
    const out = [];
    for (const line of text.split('\n')) {
      const f = fields(line);
      if (f.length < 2 || !f[0].endsWith(':')) continue;
      // "Active(anon):" -> "Active_anon", as node_exporter's `\((.*)\)` -> `_${1}`.
      let key = f[0].slice(0, -1).replace(/\((.*)\)/, '_$1');
      let v = Number(f[1]);
      if (f[2] === 'kB') {
        v *= 1024;
        key += '_bytes';
      }
      const fam = family(`node_memory_${key}`, 'gauge', `Memory information field ${key}.`);
      add(fam, {}, v);
      out.push(fam);
    }
    return out;
  },
};
