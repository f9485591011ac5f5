import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfigFile, type ConfigProblem } from '../config/index.js';
import {
  argusConfigSchema,
  defaultArgusConfig,
  LOG_LEVELS,
  parseListen,
  type ArgusConfig,
} from './config.js';

/** Command-line flags of `argus server` that override env and file. */
export interface ServerFlags {
  config?: string | undefined;
  dataDir?: string | undefined;
  listen?: string | undefined;
  externalUrl?: string | undefined;
  logLevel?: string | undefined;
}

/** Where the config comes from and what overrides it; re-evaluated on every reload. */
export interface ConfigSource {
  /** Absolute path of the config file, or undefined for built-in defaults. */
  file: string | undefined;
  /**
   * Where `./argus.yml` would be when none was given or found at start: a reload adopts it
   * once it exists (create the file, then `POST /-/reload` or SIGHUP; no restart).
   */
  discover?: string;
  /** Non-file overrides (flag or env), already chosen by precedence, with their origin. */
  overrides: { listen?: Override; externalUrl?: Override; logLevel?: Override };
}

interface Override {
  value: string;
  /** `--listen` or `ARGUS_LISTEN`: named in errors. */
  origin: string;
}

export interface Settings {
  source: ConfigSource;
  dataDir: string;
}

function pick(
  flag: string | undefined,
  flagName: string,
  env: NodeJS.ProcessEnv,
  envName: string,
): Override | undefined {
  if (flag !== undefined) return { value: flag, origin: flagName };
  const e = env[envName];
  if (e !== undefined && e !== '') return { value: e, origin: envName };
  return undefined;
}

/**
 * Applies precedence flags > ARGUS_* env > file > defaults. The config file is `--config`,
 * else `ARGUS_CONFIG`, else `./argus.yml` when present, else none (defaults).
 */
export function resolveSettings(flags: ServerFlags, env: NodeJS.ProcessEnv, cwd: string): Settings {
  const explicit = flags.config ?? (env.ARGUS_CONFIG || undefined);
  let file: string | undefined;
  if (explicit !== undefined) file = path.resolve(cwd, explicit);
  else if (existsSync(path.join(cwd, 'argus.yml'))) file = path.join(cwd, 'argus.yml');
  const dataDir = path.resolve(cwd, flags.dataDir ?? (env.ARGUS_DATA_DIR || './data'));
  const overrides: ConfigSource['overrides'] = {};
  const listen = pick(flags.listen, '--listen', env, 'ARGUS_LISTEN');
  if (listen) overrides.listen = listen;
  const externalUrl = pick(flags.externalUrl, '--web.external-url', env, 'ARGUS_EXTERNAL_URL');
  if (externalUrl) overrides.externalUrl = externalUrl;
  const logLevel = pick(flags.logLevel, '--log.level', env, 'ARGUS_LOG_LEVEL');
  if (logLevel) overrides.logLevel = logLevel;
  const discover = explicit === undefined ? path.join(cwd, 'argus.yml') : undefined;
  return { source: { file, overrides, ...(discover ? { discover } : {}) }, dataDir };
}

function check(o: Override | undefined, schema: z.ZodType, problems: ConfigProblem[]): void {
  if (!o) return;
  const r = schema.safeParse(o.value);
  if (!r.success) {
    const msg = r.error.issues[0]?.message ?? 'invalid value';
    problems.push({ file: o.origin, path: '', message: msg });
  }
}

/** Loads the file (or defaults) and applies the overrides. Throws ConfigError. */
export async function loadArgusConfig(source: ConfigSource): Promise<ArgusConfig> {
  // A ./argus.yml created after start is picked up (and kept as the file from then on).
  if (source.file === undefined && source.discover !== undefined && existsSync(source.discover))
    source.file = source.discover;
  const cfg = source.file
    ? await loadConfigFile(source.file, argusConfigSchema)
    : defaultArgusConfig();
  const { listen, externalUrl, logLevel } = source.overrides;
  const problems: ConfigProblem[] = [];
  const shape = argusConfigSchema.shape;
  check(listen, shape.server.unwrap().shape.listen, problems);
  check(externalUrl, shape.global.unwrap().shape.external_url, problems);
  check(
    logLevel,
    z.enum(LOG_LEVELS, {
      error: (iss) => `expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(iss.input)}`,
    }),
    problems,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  if (listen) cfg.server.listen = listen.value;
  if (externalUrl) cfg.global.external_url = externalUrl.value;
  if (logLevel) cfg.logging.level = logLevel.value as ArgusConfig['logging']['level'];
  return cfg;
}

/** `global.external_url`, or Prometheus's default: `http://<hostname>:<port>/`. */
export function externalUrl(cfg: ArgusConfig, hostname: string, boundPort?: number): string {
  if (cfg.global.external_url) return cfg.global.external_url;
  const port = boundPort ?? parseListen(cfg.server.listen)?.port ?? 9470;
  return `http://${hostname}:${port}/`;
}
