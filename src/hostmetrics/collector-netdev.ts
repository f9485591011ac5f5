import { CollectorError } from './errors.js';
import { add, type Collector, family, fields, type MetricFamily, readProc } from './family.js';

interface Columns {
  /** Column names in file order ("receive_bytes", …). */
  cols: string[];
  /** Families in name order, as node_exporter sorts them. */
  names: { col: string; name: string; help: string }[];
}

/** Columns and family names per header (the header is the same on every read). */
const headers = new Map<string, Columns>();

function columnsOf(rx: string, tx: string): Columns {
  const id = `${rx}|${tx}`;
  let c = headers.get(id);
  if (c === undefined) {
    const cols = [
      ...fields(rx).map((x) => `receive_${x}`),
      ...fields(tx).map((x) => `transmit_${x}`),
    ];
    const names = [...cols].sort().map((col) => ({
      col,
      name: `node_network_${col}_total`,
      help: `Network device statistic ${col}.`,
    }));
    c = { cols, names };
    headers.set(id, c);
  }
  return c;
}

/** `netdev`: per-interface counters from /proc/net/dev (node_exporter's non-netlink path). */
export const netdevCollector: Collector = {
  name: 'netdev',
  async collect(ctx) {
    const text = await readProc(ctx, 'net/dev');
    const lines = text.split('\n');
    // Header line 2: " face |bytes packets ... |bytes packets ..." names the columns.
    const parts = (lines[1] ?? '').split('|');
    if (parts.length < 3) {
      throw new CollectorError(
        `cannot parse /proc/net/dev header: got ${JSON.stringify(lines[1])}`,
      );
    }
    const { cols, names } = columnsOf(parts[1], parts[2]);
    const fams = new Map<string, MetricFamily>();
    for (const c of names) fams.set(c.col, family(c.name, 'counter', c.help));
    for (let l = 2; l < lines.length; l++) {
      const line = lines[l];
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const device = line.slice(0, colon).trim();
      if (ctx.exclude.netDevices.test(device)) continue;
      const vals = fields(line.slice(colon + 1));
      for (let i = 0; i < cols.length && i < vals.length; i++) {
        add(fams.get(cols[i])!, { device }, Number(vals[i]));
      }
    }
    return [...fams.values()];
  },
};
