import path from 'node:path';
import type { Registry } from 'prom-client';
import { DEFAULT_TENANT, type TenantId } from '../model/index.js';
import type { LogqlQueryEngine } from '../logql/index.js';
import type { QueryEngine, QueryOptions } from '../promql/index.js';
import {
  builtinRuleGroups,
  engineQueryFn,
  loadRuleFiles,
  RuleFileError,
  RuleManager,
  type AlertSink,
  type LoadedRules,
  type RuleGroupSpec,
  type SqliteRuleGroups,
} from '../rules/index.js';
import type { Appendable, Queryable } from '../storage/index.js';
import { errorChain, type Logger } from '../util/index.js';
import type { ArgusConfig } from './config.js';
import { LOG_RULE_PARSE_OPTIONS, logqlQueryFn } from './rules-logql.js';
import { rulesMetrics } from './rules-metrics.js';

// WIRING: rule files → the rule manager of the default tenant (evaluating through the PromQL
// engine over the store, writing recording rules and ALERTS back, alerts to the sink). Log rule
// files (LogQL, Loki ruler format) join the same manager, evaluated through the LogQL engine.

export interface RulesDeps {
  store: Appendable & Queryable;
  engine: QueryEngine;
  queryOptions(): QueryOptions;
  logger: Logger;
  registry?: Registry;
  /** Rule groups managed through the API (absent: files only). */
  groups?: SqliteRuleGroups;
  /** Where alerts go (the notification pipeline); none = evaluated and listed only. */
  sink?: AlertSink;
  externalURL(): string;
  /** The LogQL engine for log rule files (undefined: logs disabled; those rules then fail). */
  logEngine?: () => LogqlQueryEngine | undefined;
}

/** The rule set a config names, read and checked (a bad file fails a reload before anything changes). */
export interface LoadedRuleSet {
  groups: RuleGroupSpec[];
  files: string[];
  warnings: string[];
}

/**
 * Reads `cfg.rule_files` and `cfg.log_rule_files` (globs relative to the config file's folder;
 * LogQL groups marked `lang: 'logql'`), then appends the built-in groups (file `<builtin>`)
 * unless `rules.builtin` is false. Throws RuleFileError with the problems of both lists.
 */
export function loadRuleSet(cfg: ArgusConfig, configFile: string | undefined): LoadedRuleSet {
  const baseDir = configFile ? path.dirname(configFile) : process.cwd();
  const errors: string[] = [];
  const load = (run: () => LoadedRules): LoadedRules => {
    try {
      return run();
    } catch (err) {
      if (!(err instanceof RuleFileError)) throw err;
      errors.push(...err.errors);
      return { groups: [], files: [], warnings: [] };
    }
  };
  const prom = load(() => loadRuleFiles(cfg.rule_files, baseDir));
  const logs = load(() => loadRuleFiles(cfg.log_rule_files, baseDir, LOG_RULE_PARSE_OPTIONS));
  if (errors.length > 0) throw new RuleFileError(errors);
  const set: LoadedRuleSet = {
    groups: [...prom.groups, ...logs.groups],
    files: [...prom.files, ...logs.files],
    warnings: [...prom.warnings, ...logs.warnings],
  };
  if (!cfg.rules.builtin) return set;
  const builtin = builtinRuleGroups({ selfMetrics: cfg.collect.self.enabled });
  return { ...set, groups: [...set.groups, ...builtin] };
}

export class Rules {
  private readonly managers = new Map<TenantId, RuleManager>();
  private running = false;
  private cfg: ArgusConfig | undefined;
  /** The rule files' groups (the default tenant's, read-only in the API). */
  private fileGroups: readonly RuleGroupSpec[] = [];

  constructor(private readonly deps: RulesDeps) {
    if (deps.registry) rulesMetrics(deps.registry, () => this.managers);
  }

  /** The rule manager of `tenant` (undefined: it has no rules). */
  managerFor(tenant: TenantId): RuleManager | undefined {
    return this.managers.get(tenant);
  }

  /** Groups from rule files (and built-in ones) for `tenant`: name, file, rule count. */
  provisioned(tenant: string): { name: string; file: string; rules: number }[] {
    if (tenant !== DEFAULT_TENANT) return [];
    return this.fileGroups.map((g) => ({ name: g.name, file: g.file, rules: g.rules.length }));
  }

  /**
   * Applies a config's rule set (files and built-in groups: the default tenant's) and every
   * tenant's groups managed through the API. Unchanged groups keep running (and their alerts'
   * state), changed ones take over the state of identical rules, removed ones stop. Evaluation
   * starts once `start` was called (the store must accept appends).
   */
  async apply(cfg: ArgusConfig, set: LoadedRuleSet): Promise<void> {
    this.cfg = cfg;
    this.fileGroups = set.groups;
    for (const w of set.warnings) this.deps.logger.warn({ warning: w }, 'rule files');
    const tenants = new Set<string>([DEFAULT_TENANT, ...this.managers.keys()]);
    for (const t of (await this.deps.groups?.tenants()) ?? []) tenants.add(t);
    for (const t of tenants) await this.changed(t);
    this.deps.logger.info(
      {
        files: set.files.length,
        groups: set.groups.length,
        rules: set.groups.reduce((n, g) => n + g.rules.length, 0),
      },
      'rules loaded',
    );
  }

  /** Re-applies `tenant`'s rules: its file groups (default tenant) and its managed groups. */
  async changed(tenant: string): Promise<void> {
    const cfg = this.cfg;
    if (cfg === undefined) return;
    const t = tenant as TenantId;
    const stored = (await this.deps.groups?.list(t)) ?? [];
    const groups = [...(t === DEFAULT_TENANT ? this.fileGroups : []), ...stored.map((g) => g.spec)];
    let m = this.managers.get(t);
    const opts = this.managerOptions(cfg, t);
    const key = (o: {
      externalLabels: unknown;
      evaluationIntervalMs: unknown;
      queryOffsetMs: unknown;
    }) => JSON.stringify([o.externalLabels, o.evaluationIntervalMs, o.queryOffsetMs]);
    if (m !== undefined && key(m.opts) !== key(opts)) {
      // Options are fixed per manager: a changed global section starts a new one (alert state
      // is restored from ALERTS_FOR_STATE, as after a restart).
      await m.stop();
      this.managers.delete(t);
      m = undefined;
    }
    if (m === undefined) {
      if (groups.length === 0) return;
      m = new RuleManager(opts);
      this.managers.set(t, m);
    }
    await m.update(groups);
    if (this.running) m.start();
  }

  private managerOptions(cfg: ArgusConfig, tenant: TenantId) {
    const { deps } = this;
    const logger = deps.logger;
    return {
      tenant,
      query: engineQueryFn(deps.engine, deps.store, deps.queryOptions()),
      logQuery: logqlQueryFn(() => deps.logEngine?.()),
      appendable: deps.store,
      queryable: deps.store,
      sink: deps.sink,
      evaluationIntervalMs: cfg.global.evaluation_interval,
      queryOffsetMs: cfg.global.rule_query_offset,
      externalLabels: cfg.global.external_labels,
      externalURL: deps.externalURL(),
      onError: (group: string, rule: string, err: unknown) =>
        logger.warn({ group, rule, err: errorChain(err) }, 'rule evaluation failed'),
    };
  }

  /** Starts evaluation (once the store is open). */
  start(): void {
    this.running = true;
    for (const m of this.managers.values()) m.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.managers.values()].map((m) => m.stop()));
  }
}
