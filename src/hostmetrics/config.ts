import { z } from 'zod';
import { zDuration } from '../config/index.js';

/** node_exporter's upstream default exclusions (the Debian package patches wider ones in). */
export const DEFAULT_EXCLUDES = {
  mount_points:
    '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)',
  fs_types:
    '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$',
  disk_devices: '^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$',
  net_devices: '^$',
} as const;

const regex = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a regular expression, got ${JSON.stringify(s)}: ${(err as Error).message}`,
    });
  }
});

const on = z.boolean().default(true);

/** `collect.host` in argus.yml: the built-in node_exporter-compatible host collector. */
export const hostConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Collection interval; at least 1s (high-frequency collection). */
    interval: zDuration.default(15_000).refine((ms) => ms >= 1000, {
      message: 'expected an interval of at least 1s',
    }),
    /** `job` label on every series (node_exporter dashboards key on job/instance). */
    job: z.string().min(1).default('node'),
    /** `instance` label; default: the host name. */
    instance: z.string().min(1).optional(),
    collectors: z
      .object({
        cpu: on,
        diskstats: on,
        filefd: on,
        filesystem: on,
        loadavg: on,
        meminfo: on,
        netclass: on,
        netdev: on,
        pressure: on,
        sockstat: on,
        stat: on,
        time: on,
        uname: on,
      })
      .strict()
      .prefault({}),
    /** Regular expressions (JavaScript syntax, matched unanchored as written) of what to skip. */
    exclude: z
      .object({
        mount_points: regex.default(DEFAULT_EXCLUDES.mount_points),
        fs_types: regex.default(DEFAULT_EXCLUDES.fs_types),
        disk_devices: regex.default(DEFAULT_EXCLUDES.disk_devices),
        net_devices: regex.default(DEFAULT_EXCLUDES.net_devices),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type HostConfig = z.output<typeof hostConfigSchema>;

/** The config with every default applied. */
export function defaultHostConfig(): HostConfig {
  return hostConfigSchema.parse({});
}
