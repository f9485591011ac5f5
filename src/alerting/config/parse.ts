import { isAbsolute, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, parseConfigText, type ConfigProblem } from '../../config/index.js';
import type { TimePeriod } from '../timeinterval/parse.js';
import { Problems } from './problems.js';
import { alertmanagerSchema, type RawAlertmanagerConfig, type RawRoute } from './schema.js';
import { validateStructure } from './validate.js';
import { validateGlobal } from './validate-global.js';
import { validateReceivers } from './validate-receivers.js';

/**
 * A loaded Alertmanager configuration: Alertmanager's own field names, durations in ms,
 * matchers parsed, secrets wrapped, integrations completed with the global defaults.
 */
export interface AlertmanagerConfig extends RawAlertmanagerConfig {
  readonly route: RawRoute;
  /** `time_intervals` and `mute_time_intervals` by name. */
  readonly intervals: ReadonlyMap<string, readonly TimePeriod[]>;
}

export interface ParseOptions {
  /** Directory `templates` globs are resolved against (the config file's folder). */
  readonly baseDir: string;
  /** Name used in error messages; default `alertmanager.yml` (text) or `alertmanager` (object). */
  readonly file?: string;
}

export interface ParseResult {
  readonly config: AlertmanagerConfig;
  /** Things that load but do not work in Argus yet (unimplemented integrations). */
  readonly warnings: readonly string[];
}

function dotted(path: readonly (string | number)[]): string {
  return path
    .map((x) => (typeof x === 'number' ? `[${x}]` : x))
    .join('.')
    .replaceAll('.[', '[');
}

function structural(input: string | object, file: string): RawAlertmanagerConfig {
  if (typeof input === 'string') return parseConfigText(input, file, alertmanagerSchema);
  // An inline `alertmanager:` section: same checks and messages; line numbers of the
  // re-serialised text would mislead, so they are dropped.
  try {
    return parseConfigText(stringify(input), file, alertmanagerSchema);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(
      err.problems.map(({ file: f, path, message }) => ({ file: f, path, message })),
    );
  }
}

/**
 * Parses an Alertmanager configuration (YAML text, or the same structure already decoded),
 * strictly like Alertmanager: unknown keys, bad values and broken references are errors.
 * Throws ConfigError listing every problem (`file:line:col: path: message`).
 */
export function parseAlertmanagerConfig(input: string | object, opts: ParseOptions): ParseResult {
  const file = opts.file ?? (typeof input === 'string' ? 'alertmanager.yml' : 'alertmanager');
  const raw = structural(input, file);
  const p = new Problems();
  validateGlobal(raw.global, p);
  const warnings = validateReceivers(raw.receivers, raw.global, p);
  validateStructure(raw, p);
  if (p.list.length > 0)
    throw new ConfigError(
      p.list.map((x): ConfigProblem => ({ file, path: dotted(x.path), message: x.message })),
    );
  const intervals = new Map<string, readonly TimePeriod[]>();
  for (const ti of [...raw.mute_time_intervals, ...raw.time_intervals])
    intervals.set(ti.name, ti.time_intervals);
  const templates = raw.templates.map((t) => (isAbsolute(t) ? t : resolve(opts.baseDir, t)));
  return { config: { ...raw, route: raw.route!, templates, intervals }, warnings };
}
