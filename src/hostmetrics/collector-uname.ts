import { machine } from 'node:os';
import { add, type Collector, family, readProc } from './family.js';

/** `uname`: node_uname_info, read from /proc/sys/kernel (the same strings uname(2) returns). */
export const unameCollector: Collector = {
  name: 'uname',
  async collect(ctx) {
    const k = async (f: string) => (await readProc(ctx, `sys/kernel/${f}`)).replace(/\n$/, '');
    const info = family(
      'node_uname_info',
      'gauge',
      'Labeled system information as provided by the uname system call.',
    );
    add(
      info,
      {
        domainname: await k('domainname'),
        // Not under /proc; the machine node runs on is the kernel's (no 32-bit personality here).
        machine: machine(),
        nodename: await k('hostname'),
        release: await k('osrelease'),
        sysname: await k('ostype'),
        version: await k('version'),
      },
      1,
    );
    return [info];
  },
};
