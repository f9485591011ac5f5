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
    const [domainname, nodename, release, sysname, version] = await Promise.all(
      ['domainname', 'hostname', 'osrelease', 'ostype', 'version'].map(k),
    );
    // machine is not under /proc; Node's is the kernel's (no 32-bit personality here).
    add(info, { domainname, machine: machine(), nodename, release, sysname, version }, 1);
    return [info];
  },
};
