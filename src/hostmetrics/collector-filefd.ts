import { CollectorError } from './errors.js';
import { add, type Collector, family, fields, readProc } from './family.js';

/** `filefd`: allocated and maximum file handles from /proc/sys/fs/file-nr. */
export const filefdCollector: Collector = {
  name: 'filefd',
  async collect(ctx) {
    const text = await readProc(ctx, 'sys/fs/file-nr');
    const f = fields(text);
    if (f.length !== 3)
      throw new CollectorError(`cannot parse file-nr: got ${JSON.stringify(text)}`);
    const allocated = family(
      'node_filefd_allocated',
      'gauge',
      'File descriptor statistics: allocated.',
    );
    add(allocated, {}, Number(f[0]));
    const maximum = family('node_filefd_maximum', 'gauge', 'File descriptor statistics: maximum.');
    add(maximum, {}, Number(f[2]));
    return [allocated, maximum];
  },
};
