import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  loadTemplateSet,
  parseAlertmanagerConfig,
  receiverChannels,
  type AlertmanagerConfig,
  type Channel,
} from '../alerting/index.js';
import type { OutboundGuard } from '../net/index.js';
import { ArgusError, errorChain } from '../util/index.js';
import type { ArgusConfig } from './config.js';

// WIRING: argus.yml's `alertmanager:` (a path to an Alertmanager config file, or the same
// structure inline) → the parsed config, its templates and each receiver's channels. All of it
// is built before anything changes, so a bad file fails a reload and keeps the running one.

/** Without an `alertmanager:` section: alerts are grouped, listed and kept, not sent. */
const NO_NOTIFICATIONS = { route: { receiver: 'default' }, receivers: [{ name: 'default' }] };

export class AlertmanagerConfigError extends ArgusError {}

export interface LoadedAlerting {
  config: AlertmanagerConfig;
  warnings: readonly string[];
  /** Where it came from, for logs: a file, `argus.yml (inline)`, or `built-in`. */
  source: string;
  /** Channels per receiver (empty: no integration Argus implements). */
  channels: ReadonlyMap<string, readonly Channel[]>;
  /** Receivers with no integration at all (Alertmanager's "null" receiver: drop quietly). */
  nullReceivers: ReadonlySet<string>;
  /** The config as YAML text, secrets included: where a tenant's first own config starts. */
  raw: string;
}

export async function loadAlerting(
  cfg: ArgusConfig,
  configFile: string | undefined,
  guard: OutboundGuard,
): Promise<LoadedAlerting> {
  const baseDir = configFile ? path.dirname(configFile) : process.cwd();
  const am = cfg.alertmanager;
  let source: string;
  let parsed;
  let raw: string;
  try {
    if (am === undefined) {
      source = 'built-in';
      raw = stringify(NO_NOTIFICATIONS);
      parsed = parseAlertmanagerConfig(NO_NOTIFICATIONS, { baseDir, file: source });
    } else if (typeof am === 'string') {
      const file = path.resolve(baseDir, am);
      source = file;
      const text = await readFile(file, 'utf8').catch((err: unknown) => {
        throw new AlertmanagerConfigError(
          `cannot read alertmanager config ${file}: ${errorChain(err)}`,
          { cause: err },
        );
      });
      raw = text;
      parsed = parseAlertmanagerConfig(text, { baseDir: path.dirname(file), file });
    } else {
      source = `${configFile ?? 'argus.yml'} (alertmanager:)`;
      raw = stringify(am);
      parsed = parseAlertmanagerConfig(am, { baseDir, file: source });
    }
  } catch (err) {
    if (err instanceof AlertmanagerConfigError) throw err;
    throw new AlertmanagerConfigError(errorChain(err), { cause: err });
  }
  const { config, warnings } = parsed;
  let templates;
  try {
    templates = await loadTemplateSet(config.templates ?? []);
  } catch (err) {
    throw new AlertmanagerConfigError(errorChain(err), { cause: err });
  }
  let built;
  try {
    // Destinations in the operator's config are trusted unless outbound.guard_config_targets.
    built = receiverChannels(config, { guard: guard.forConfigTargets(), templates });
  } catch (err) {
    throw new AlertmanagerConfigError(errorChain(err), { cause: err });
  }
  return { config, warnings, source, ...built, raw };
}
