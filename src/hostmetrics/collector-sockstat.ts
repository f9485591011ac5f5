import { add, type Collector, family, fields, type MetricFamily, readProc } from './family.js';

/** Family name and HELP per protocol and field, built once. */
const names = new Map<string, Map<string, { name: string; help: string }>>();

function nameOf(proto: string, field: string): { name: string; help: string } {
  let byField = names.get(proto);
  if (byField === undefined) {
    byField = new Map();
    names.set(proto, byField);
  }
  let n = byField.get(field);
  if (n === undefined) {
    n =
      proto === 'sockets' && field === 'used'
        ? { name: 'node_sockstat_sockets_used', help: 'Number of IPv4 sockets in use.' }
        : {
            name: `node_sockstat_${proto}_${field}`,
            help: `Number of ${proto} sockets in state ${field}.`,
          };
    byField.set(field, n);
  }
  return n;
}

function put(out: Map<string, MetricFamily>, proto: string, field: string, value: number): void {
  const n = nameOf(proto, field);
  const f = family(n.name, 'gauge', n.help);
  add(f, {}, value);
  out.set(n.name, f);
}

/** Parses one sockstat file into `node_sockstat_<PROTO>_<field>` families (mem also in bytes). */
function parse(text: string, pageSize: number, out: Map<string, MetricFamily>): void {
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const proto = line.slice(0, colon);
    const kv = fields(line.slice(colon + 1));
    for (let i = 0; i + 1 < kv.length; i += 2) {
      const k = kv[i];
      const v = Number(kv[i + 1]);
      put(out, proto, k, v);
      if (k === 'mem') put(out, proto, 'mem_bytes', v * pageSize);
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
