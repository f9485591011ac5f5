import { add, type Collector, family, fields, type MetricFamily, readProc } from './family.js';

/** Parses one sockstat file into `node_sockstat_<PROTO>_<field>` families (mem also in bytes). */
function parse(text: string, pageSize: number, out: Map<string, MetricFamily>): void {
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const proto = line.slice(0, colon);
    const kv = fields(line.slice(colon + 1));
    for (let i = 0; i + 1 < kv.length; i += 2) {
      const [k, v] = [kv[i], Number(kv[i + 1])];
      if (proto === 'sockets' && k === 'used') {
        const f = family('node_sockstat_sockets_used', 'gauge', 'Number of IPv4 sockets in use.');
        add(f, {}, v);
        out.set(f.name, f);
        continue;
      }
      const put = (field: string, value: number) => {
        const f = family(
          `node_sockstat_${proto}_${field}`,
          'gauge',
          `Number of ${proto} sockets in state ${field}.`,
        );
        add(f, {}, value);
        out.set(f.name, f);
      };
      put(k, v);
      if (k === 'mem') put('mem_bytes', v * pageSize);
    }
  }
}

/** `sockstat`: socket counts and memory per protocol from /proc/net/sockstat{,6}. */
export const sockstatCollector: Collector = {
  name: 'sockstat',
  async collect(ctx) {
    const out = new Map<string, MetricFamily>();
    parse(await readProc(ctx, 'net/sockstat'), ctx.pageSize, out);
    try {
      parse(await readProc(ctx, 'net/sockstat6'), ctx.pageSize, out);
    } catch {
      // IPv6 disabled: node_exporter reports IPv4 only
    }
    return [...out.values()];
  },
};
