import { z } from 'zod';

/** `dashboards:` in argus.yml. */
export const dashboardsConfigSchema = z
  .object({
    /**
     * Dashboards provisioned (read-only) from `*.json` files: the root's files go to the
     * `default` tenant, `<tenant>/*.json` to that tenant. Relative to the config file's folder;
     * default `dashboards` there when that folder exists.
     */
    provisioning_dir: z.string().min(1).optional(),
  })
  .strict();

export type DashboardsConfig = z.output<typeof dashboardsConfigSchema>;
