import { CollectorError } from './errors.js';
import { add, type Collector, family, fields, readProc } from './family.js';

/** `loadavg`: node_load1/5/15 from /proc/loadavg. */
export const loadavgCollector: Collector = {
  name: 'loadavg',
  async collect(ctx) {
    const text = await readProc(ctx, 'loadavg');
    const f = fields(text);
    if (f.length < 3)
      throw new CollectorError(`cannot parse /proc/loadavg: got ${JSON.stringify(text)}`);
    return ['1', '5', '15'].map((m, i) => {
      const fam = family(`node_load${m}`, 'gauge', `${m}m load average.`);
      add(fam, {}, Number(f[i]));
      return fam;
    });
  },
};
