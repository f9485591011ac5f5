import { ConfigError, loadConfigFile } from '../src/config/index.js';
import path from 'node:path';
import { guardFromConfig } from '../src/net/index.js';
import { RuleFileError } from '../src/rules/index.js';
import {
  AlertmanagerConfigError,
  argusConfigSchema,
  loadAlerting,
  loadRuleSet,
  LOG_RULE_PARSE_OPTIONS,
  readTls,
  TlsConfigError,
  type ArgusConfig,
  type LoadedAlerting,
  type LoadedRuleSet,
} from '../src/server/index.js';
import { checkRuleFiles } from '../src/rules/index.js';
import { parseFlags } from './flags.js';
import { CHECK_USAGE, UsageError } from './usage.js';

/** `argus check config FILE`: 0 valid, 1 invalid (problems on stderr), 2 usage. */
export async function checkCommand(args: string[]): Promise<number> {
  const parsed = parseFlags(args, { logql: { type: 'boolean' } }, CHECK_USAGE);
  if (!parsed) {
    process.stdout.write(CHECK_USAGE);
    return 0;
  }
  const [what, file, ...extra] = parsed.positionals;
  const logql = parsed.values.logql === true;
  if (what === 'rules') return checkRules(parsed.positionals.slice(1), logql);
  if (logql) throw new UsageError('--logql applies to check rules only', CHECK_USAGE);
  if (what !== 'config') {
    throw new UsageError(
      what === undefined ? 'missing what to check' : `unknown check "${what}"`,
      CHECK_USAGE,
    );
  }
  if (file === undefined) throw new UsageError('missing config FILE', CHECK_USAGE);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, CHECK_USAGE);
  let cfg: ArgusConfig;
  try {
    cfg = await loadConfigFile(file, argusConfigSchema);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.stderr.write(
      `${file}: FAILED (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'})\n`,
    );
    return 1;
  }
  // Files the config names must be usable too (the server would refuse to start).
  try {
    await readTls(cfg);
  } catch (err) {
    if (!(err instanceof TlsConfigError)) throw err;
    process.stderr.write(`${file}: ${err.message}\n${file}: FAILED (1 problem)\n`);
    return 1;
  }
  // So must the rule files and the Alertmanager config it names (as the server loads them).
  const problems: string[] = [];
  let rules: LoadedRuleSet | undefined;
  try {
    rules = loadRuleSet(cfg, path.resolve(file));
  } catch (err) {
    if (!(err instanceof RuleFileError)) throw err;
    problems.push(...err.errors);
  }
  let alerting: LoadedAlerting | undefined;
  try {
    alerting = await loadAlerting(cfg, path.resolve(file), guardFromConfig(cfg.outbound));
  } catch (err) {
    if (!(err instanceof AlertmanagerConfigError)) throw err;
    // One problem per line (the parser lists every problem it found).
    for (const line of err.message.split('\n'))
      if (line.trim()) problems.push(`alertmanager: ${line}`);
  }
  if (problems.length > 0) {
    process.stderr.write(problems.map((p) => `${p}\n`).join(''));
    process.stderr.write(
      `${file}: FAILED (${problems.length} problem${problems.length === 1 ? '' : 's'})\n`,
    );
    return 1;
  }
  for (const w of alerting?.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(`${file}: OK\n${configSummary(cfg)}`);
  if (rules) {
    const own = rules.groups.filter((g) => rules.files.includes(g.file));
    const summary = (lang: 'promql' | 'logql'): string => {
      const groups = own.filter((g) => (g.lang ?? 'promql') === lang);
      const files = new Set(groups.map((g) => g.file)).size;
      return groups.length === 0
        ? '(none)'
        : `${plural(files, 'file')}, ${plural(groups.length, 'group')}`;
    };
    const builtin = cfg.rules.builtin ? ' + built-in self-monitoring' : '';
    process.stdout.write(`  ${'rule_files'.padEnd(29)}${summary('promql')}${builtin}\n`);
    if (cfg.log_rule_files.length > 0)
      process.stdout.write(`  ${'log_rule_files'.padEnd(29)}${summary('logql')}\n`);
  }
  if (alerting) {
    const am =
      alerting.source === 'built-in'
        ? '(none: alerts are listed, not sent)'
        : `${alerting.source}, ${plural(alerting.channels.size, 'receiver')}`;
    process.stdout.write(`  ${'alertmanager'.padEnd(29)}${am}\n`);
  }
  const health =
    cfg.checks.length + cfg.services.length === 0
      ? '(none)'
      : `${plural(cfg.checks.length, 'check')}, ${plural(cfg.services.length, 'service')}`;
  process.stdout.write(`  ${'checks, services'.padEnd(29)}${health}\n`);
  return 0;
}

/** A duration in its largest whole unit up to days, as written in configs (15d, not 2w1d). */
function days(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [u, n] of units) if (ms >= n && ms % n === 0) return `${ms / n}${u}`;
  return `${ms}ms`;
}

/** The settings an operator most wants confirmed (file values with defaults filled in). */
export function configSummary(cfg: ArgusConfig): string {
  const t = cfg.storage.tsdb;
  const rows: [string, string][] = [
    ['server.listen', cfg.server.listen],
    ['global.external_url', cfg.global.external_url ?? '(default: http://<hostname>:<port>/)'],
    ['storage.tsdb.retention_time', days(t.retention_time)],
    [
      'storage.tsdb.retention_size',
      t.retention_size === 0 ? '0 (no size limit)' : `${t.retention_size} bytes`,
    ],
    ['storage.tsdb.block_duration', days(t.block_duration)],
    ['storage.tsdb.wal.fsync', t.wal.fsync],
    ['ingest.remote_write.enabled', String(cfg.ingest.remote_write.enabled)],
    ['logging.level', cfg.logging.level],
    [
      'server.tls',
      cfg.server.tls === undefined ? 'off (plain HTTP)' : `on (${cfg.server.tls.cert_file})`,
    ],
    ['auth.open.metrics', String(cfg.auth.open.metrics)],
    [
      'auth.open.ingest',
      cfg.auth.open.ingest.length === 0
        ? 'closed (tokens only)'
        : cfg.auth.open.ingest
            .map(
              (e) => `${e.cidrs.map((c) => `${c.network}/${c.prefix}`).join(',')} -> ${e.tenant}`,
            )
            .join('; '),
    ],
    [
      'limits.tenants',
      Object.keys(cfg.limits.tenants).join(', ') || '(none: defaults for every tenant)',
    ],
    ['outbound.allow', cfg.outbound.allow.length === 0 ? '(none)' : cfg.outbound.allow.join(', ')],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}\n`).join('');
}

/**
 * `argus check rules [--logql] FILE…` (promtool check rules; with --logql, Loki ruler files as
 * `log_rule_files` reads them): 0 all valid, 1 any invalid.
 */
function checkRules(files: string[], logql: boolean): number {
  if (files.length === 0) throw new UsageError('missing rule FILE', CHECK_USAGE);
  const r = checkRuleFiles(files, logql ? LOG_RULE_PARSE_OPTIONS : {});
  (r.ok ? process.stdout : process.stderr).write(r.report);
  return r.ok ? 0 : 1;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
