import { readdirSync } from 'node:fs';
import path from 'node:path';
import { add, type Collector, family, readSys } from './family.js';

/**
 * `netclass`: node_network_up and node_network_mtu_bytes from /sys/class/net (a subset of
 * node_exporter's netclass collector: the two families dashboards key on).
 */
export const netclassCollector: Collector = {
  name: 'netclass',
  async collect(ctx) {
    const up = family('node_network_up', 'gauge', "Value is 1 if operstate is 'up', 0 otherwise.");
    const mtu = family('node_network_mtu_bytes', 'gauge', 'Network device property: mtu_bytes');
    const devices = readdirSync(path.join(ctx.sysPath, 'class/net')).sort();
    for (const device of devices) {
      let operstate: string;
      try {
        operstate = (await readSys(ctx, `class/net/${device}/operstate`)).trim();
      } catch {
        continue; // not a device directory (e.g. bonding_masters) or gone meanwhile
      }
      add(up, { device }, operstate === 'up' ? 1 : 0);
      try {
        add(mtu, { device }, Number((await readSys(ctx, `class/net/${device}/mtu`)).trim()));
      } catch {
        // node_exporter skips attributes that cannot be read
      }
    }
    return [mtu, up];
  },
};
