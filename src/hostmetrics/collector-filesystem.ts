import path from 'node:path';
import { add, type Collector, family, fields, type MetricFamily, readProc } from './family.js';

interface Mount {
  device: string;
  mountpoint: string;
  fstype: string;
  readonly: boolean;
}

/** Undoes the kernel's octal escapes in mountinfo fields (`\040` is a space). */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * Parses /proc/self/mountinfo: `id parent maj:min root mountpoint opts [optional…] - fstype
 * source superopts`. Duplicate (device, mountpoint, fstype) triples are reported once.
 */
export function parseMountinfo(text: string): Mount[] {
  const out: Mount[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const f = fields(line);
    const sep = f.indexOf('-', 6);
    if (sep < 0 || f.length < sep + 3) continue;
    const m: Mount = {
      mountpoint: unescape(f[4]),
      readonly: f[5].split(',').includes('ro'),
      fstype: f[sep + 1],
      device: unescape(f[sep + 2]),
    };
    const key = `${m.device}\0${m.mountpoint}\0${m.fstype}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}

/** `filesystem`: size, free, available, inodes and read-only flag of each mounted filesystem. */
export const filesystemCollector: Collector = {
  name: 'filesystem',
  async collect(ctx) {
    const mounts = parseMountinfo(await readProc(ctx, 'self/mountinfo'));
    const mk = (n: string, h: string) => family(`node_filesystem_${n}`, 'gauge', h);
    const avail = mk('avail_bytes', 'Filesystem space available to non-root users in bytes.');
    const devErr = mk(
      'device_error',
      'Whether an error occurred while getting statistics for the given device.',
    );
    const files = mk('files', 'Filesystem total file nodes.');
    const filesFree = mk('files_free', 'Filesystem total free file nodes.');
    const free = mk('free_bytes', 'Filesystem free space in bytes.');
    const ro = mk('readonly', 'Filesystem read-only status.');
    const size = mk('size_bytes', 'Filesystem size in bytes.');
    for (const m of mounts) {
      if (ctx.exclude.mountPoints.test(m.mountpoint) || ctx.exclude.fsTypes.test(m.fstype))
        continue;
      const labels = { device: m.device, fstype: m.fstype, mountpoint: m.mountpoint };
      let st;
      try {
        st = await ctx.statfs(path.join(ctx.rootfsPath, m.mountpoint));
      } catch {
        // As node_exporter: the error is a sample, the other filesystems are still reported.
        add(devErr, labels, 1);
        continue;
      }
      add(devErr, labels, 0);
      add(size, labels, st.blocks * st.bsize);
      add(free, labels, st.bfree * st.bsize);
      add(avail, labels, st.bavail * st.bsize);
      add(files, labels, st.files);
      add(filesFree, labels, st.ffree);
      add(ro, labels, m.readonly ? 1 : 0);
    }
    const out: MetricFamily[] = [avail, devErr, files, filesFree, free, ro, size];
    return out;
  },
};
