import { CollectorError } from './errors.js';
import { add, type Collector, family, fields, type MetricFamily, readProc } from './family.js';

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
    const cols = [
      ...fields(parts[1]).map((c) => `receive_${c}`),
      ...fields(parts[2]).map((c) => `transmit_${c}`),
    ];
    const fams = new Map<string, MetricFamily>();
    for (const c of [...cols].sort()) {
      fams.set(c, family(`node_network_${c}_total`, 'counter', `Network device statistic ${c}.`));
    }
    for (const line of lines.slice(2)) {
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
