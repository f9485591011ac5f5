import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  provisionDashboards,
  type DashboardStore,
  type ProvisionReport,
} from '../dashboards/index.js';
import type { Logger } from '../util/index.js';
import type { ArgusConfig } from './config.js';
import type { ConfigSource } from './settings.js';

// WIRING: dashboards provisioned from files, at start and on every reload.

/**
 * `dashboards.provisioning_dir`, relative to the config file's folder (the working directory
 * without a file); default: `<config dir>/dashboards` when the config file has such a sibling.
 */
export function provisioningDir(
  cfg: ArgusConfig,
  source: ConfigSource,
  cwd = process.cwd(),
): string | undefined {
  const base = source.file !== undefined ? path.dirname(source.file) : cwd;
  const set = cfg.dashboards.provisioning_dir;
  if (set !== undefined) return path.resolve(base, set);
  if (source.file === undefined) return undefined;
  const dflt = path.join(base, 'dashboards');
  return existsSync(dflt) ? dflt : undefined;
}

export function provisionFromConfig(
  store: DashboardStore,
  cfg: ArgusConfig,
  source: ConfigSource,
  logger: Logger,
): Promise<ProvisionReport> {
  return provisionDashboards({ store, dir: provisioningDir(cfg, source), logger });
}
