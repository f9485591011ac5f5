import path from 'node:path';
import { defaultHostConfig, type HostConfig } from './config.js';
import type { HostContext, MetricFamily, StatFs } from './family.js';

/** The fixture tree: copies of a real machine's /proc and /sys (plus a crafted mountinfo). */
export const FIXTURE = path.resolve(process.cwd(), 'src/hostmetrics/testdata/host');

/** A fake statfs: fixed numbers per mount point; `/broken` fails as a hung NFS mount would. */
export async function fakeStatfs(p: string): Promise<StatFs> {
  await Promise.resolve();
  if (p.endsWith('/broken')) throw new Error(`cannot statfs ${p}: EIO`);
  return { bsize: 4096, blocks: 1000, bfree: 600, bavail: 500, files: 64, ffree: 40 };
}

/** A context reading the fixture tree at a fixed clock. */
export function fixtureContext(config: HostConfig = defaultHostConfig()): HostContext {
  return {
    procPath: path.join(FIXTURE, 'proc'),
    sysPath: path.join(FIXTURE, 'sys'),
    rootfsPath: path.join(FIXTURE, 'rootfs'),
    statfs: fakeStatfs,
    now: () => 1_795_750_000_123,
    pageSize: 4096,
    exclude: {
      mountPoints: new RegExp(config.exclude.mount_points),
      fsTypes: new RegExp(config.exclude.fs_types),
      diskDevices: new RegExp(config.exclude.disk_devices),
      netDevices: new RegExp(config.exclude.net_devices),
    },
  };
}

/** Families as `{name: ["k=v,k=v value", …]}` with samples sorted, for exact asserts. */
export function flatten(fams: MetricFamily[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of fams) {
    out[f.name] = f.samples
      .map((s) => {
        const ls = Object.entries(s.labels)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        return `${ls} ${s.value}`;
      })
      .sort();
  }
  return out;
}
