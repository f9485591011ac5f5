/**
 * Loading an Alertmanager config that a tenant's user saved through the API: parsed like a
 * file, then checked for what only an API config may not do — read server files (`templates:`)
 * or send to a destination the outbound guard refuses. The guard is used as is (NOT
 * `forConfigTargets()`): these destinations were typed by a user, not written by the operator.
 */
import type { OutboundGuard } from '../../net/index.js';
import { ConfigError } from '../../config/index.js';
import { ArgusError, errorChain } from '../../util/index.js';
import { parseAlertmanagerConfig, type AlertmanagerConfig } from '../config/parse.js';
import { Secret } from '../config/secret.js';
import { createChannels } from '../notify/channels/registry.js';
import type { ChannelContext } from '../notify/channels/context.js';
import { defaultTemplateSet } from '../templates/load.js';
import type { Channel } from '../notify/types.js';

/** The pseudo file name of API configs in error messages. */
export const API_CONFIG_FILE = 'alertmanager';

export class TenantConfigError extends ArgusError {}
/** The config does not load: `errors` as the parser words them (`path: message`). */
export class TenantConfigInvalidError extends TenantConfigError {
  constructor(readonly errors: readonly string[]) {
    super(`invalid alertmanager config: ${errors.join('; ')}`);
  }
}
export class TenantConfigConflictError extends TenantConfigError {}
export class TenantConfigNotFoundError extends TenantConfigError {}

/** A parsed config with each receiver's channels, ready for the notification pipeline. */
export interface LoadedReceivers {
  readonly config: AlertmanagerConfig;
  readonly warnings: readonly string[];
  /** Channels per receiver (empty: no integration Argus implements). */
  readonly channels: ReadonlyMap<string, readonly Channel[]>;
  /** Receivers with no integration at all (Alertmanager's "null" receiver: drop quietly). */
  readonly nullReceivers: ReadonlySet<string>;
}

/**
 * Builds every receiver's channels. Throws with the receiver's name on a bad field template.
 */
export function receiverChannels(
  config: AlertmanagerConfig,
  ctx: Omit<ChannelContext, 'receiver' | 'index' | 'global'>,
): Pick<LoadedReceivers, 'channels' | 'nullReceivers'> {
  const channels = new Map<string, Channel[]>();
  const nullReceivers = new Set<string>();
  for (const r of config.receivers ?? []) {
    try {
      channels.set(r.name, createChannels(r, { ...ctx, global: config.global }));
    } catch (err) {
      throw new TenantConfigError(`receiver "${r.name}": ${errorChain(err)}`, { cause: err });
    }
    const integrations = Object.entries(r).filter(
      ([k, v]) => k.endsWith('_configs') && Array.isArray(v) && v.length > 0,
    );
    if (integrations.length === 0) nullReceivers.add(r.name);
  }
  return { channels, nullReceivers };
}

/** `host` of an http(s) URL, or of SMTP's `host:port`; undefined for anything else. */
function hostOf(key: string, value: string): string | undefined {
  if (key === 'smarthost') {
    const m = /^\[?([^\]]+?)\]?:\d+$/.exec(value);
    return m?.[1];
  }
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    const h = new URL(value).hostname;
    return h.startsWith('[') ? h.slice(1, -1) : h;
  } catch {
    return undefined;
  }
}

/** Every destination in the receivers the guard refuses for `tenant`, as `path: reason`. */
function refusedDestinations(
  config: AlertmanagerConfig,
  guard: OutboundGuard,
  tenant: string,
): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string, path: string): void => {
    if (v instanceof Secret || typeof v === 'string') {
      const host = hostOf(key, v instanceof Secret ? v.reveal() : v);
      if (host === undefined) return;
      try {
        const r = guard.check(host, tenant);
        if (!r.allowed)
          out.push(
            `${path}: destination ${JSON.stringify(host)} is not allowed (${r.reason}); an operator can allow it with outbound.allow in argus.yml`,
          );
      } catch (err) {
        out.push(`${path}: ${errorChain(err)}`);
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, key, `${path}[${i}]`));
    else if (typeof v === 'object' && v !== null && !(v instanceof Map))
      for (const [k, x] of Object.entries(v)) walk(x, k, `${path}.${k}`);
  };
  (config.receivers ?? []).forEach((r, i) => {
    for (const [k, v] of Object.entries(r))
      if (k.endsWith('_configs')) walk(v, k, `receivers[${i}].${k}`);
  });
  return out;
}

/** Fields that name a file on the server (`url_file`, `password_file`, TLS `ca_file`, …). */
function fileFields(v: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => fileFields(x, `${path}[${i}]`, out));
  else if (typeof v === 'object' && v !== null && !(v instanceof Map) && !(v instanceof Secret))
    for (const [k, x] of Object.entries(v)) {
      const p = path === '' ? k : `${path}.${k}`;
      if (/_files?$/.test(k) && x !== undefined && x !== '' && k !== 'templates')
        out.push(
          `${p}: files on the server cannot be used in a config set through the API; put the value in the config`,
        );
      else fileFields(x, p, out);
    }
  return out;
}

/**
 * Parses and checks a tenant's Alertmanager config (YAML text) and builds its channels, which
 * send for `tenant` through `guard` (its allow-list applies).
 * @throws TenantConfigInvalidError listing every problem.
 */
export function loadTenantConfig(
  yaml: string,
  opts: { guard: OutboundGuard; tenant: string },
): LoadedReceivers {
  let parsed;
  try {
    parsed = parseAlertmanagerConfig(yaml, { baseDir: '/nonexistent', file: API_CONFIG_FILE });
  } catch (err) {
    if (err instanceof ConfigError)
      throw new TenantConfigInvalidError(
        err.problems.map((p) => {
          const pos = p.line !== undefined ? `line ${p.line}: ` : '';
          return `${pos}${p.path ? `${p.path}: ` : ''}${p.message}`;
        }),
      );
    throw err;
  }
  const { config, warnings } = parsed;
  const problems: string[] = [];
  if ((config.templates ?? []).length > 0)
    problems.push(
      'templates: template files are not allowed in a config set through the API (they would be read from the server); put templates in the fields, or ask an operator to add the files to argus.yml',
    );
  const { intervals: _i, route: _r, ...rest } = config;
  fileFields(rest, '', problems);
  problems.push(...refusedDestinations(config, opts.guard, opts.tenant));
  if (problems.length > 0) throw new TenantConfigInvalidError(problems);
  try {
    const built = receiverChannels(config, {
      guard: opts.guard,
      templates: defaultTemplateSet(),
      tenant: opts.tenant,
    });
    return { config, warnings, ...built };
  } catch (err) {
    throw new TenantConfigInvalidError([errorChain(err)]);
  }
}
