/**
 * One tenant's rule manager: its groups, started and stopped together, replaced on reload
 * keeping the state of unchanged rules (Prometheus rules.Manager).
 */
import type { RuleGroupSpec } from '../file/spec.js';
import { AlertingRule, type ActiveAlert } from './alerting.js';
import { Group, carryState, type GroupCounters } from './group.js';
import { prometheusExpand } from './template.js';
import { resolveOptions, type ResolvedOptions, type RuleManagerOptions } from './types.js';

/** Per-group counters, for metrics. */
export interface GroupStats extends GroupCounters {
  file: string;
  group: string;
  intervalMs: number;
  lastEvaluation: number;
  evaluationTimeMs: number;
}

function specKey(s: RuleGroupSpec): string {
  return JSON.stringify({
    ...s,
    pos: undefined,
    rules: s.rules.map((r) => ({ ...r, pos: undefined })),
  });
}

export class RuleManager {
  readonly opts: ResolvedOptions;
  private groupMap = new Map<string, Group>();
  private started = false;
  private everStarted = false;

  constructor(o: RuleManagerOptions) {
    this.opts = resolveOptions(o, prometheusExpand);
  }

  /** Groups in load order. */
  groups(): Group[] {
    return [...this.groupMap.values()];
  }

  /**
   * Replaces the rule set. Unchanged groups keep running untouched; changed ones take over the
   * alert state of rules with the same name, query and labels; removed ones stop and mark their
   * series stale. Throws (and changes nothing) if a rule expression does not parse.
   */
  async update(specs: readonly RuleGroupSpec[]): Promise<void> {
    const next = new Map<string, Group>();
    const fresh: Group[] = [];
    for (const spec of specs) {
      const key = `${spec.file};${spec.name}`;
      const old = this.groupMap.get(key);
      if (old !== undefined && specKey(old.spec) === specKey(spec)) {
        next.set(key, old);
        continue;
      }
      const g = new Group(spec, this.opts);
      next.set(key, g);
      fresh.push(g);
    }
    for (const g of fresh) {
      const old = this.groupMap.get(g.key);
      if (old === undefined) continue;
      await old.stop(false);
      await g.writeStale(carryState(g, old));
    }
    for (const [key, old] of this.groupMap) if (!next.has(key)) await old.stop(true);
    this.groupMap = next;
    if (this.started) for (const g of fresh) g.start();
  }

  /** Starts every group's ticks; the first start also restores alerts' `for` state. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const restore = !this.everStarted;
    this.everStarted = true;
    for (const g of this.groupMap.values()) {
      if (restore) g.prepareRestore();
      g.start();
    }
  }

  /** Stops every group (waiting for running evaluations); series are not marked stale. */
  async stop(): Promise<void> {
    this.started = false;
    for (const g of this.groupMap.values()) await g.stop(false);
  }

  /** Resolves when no group is evaluating (tests with a fake clock). */
  async idle(): Promise<void> {
    for (const g of this.groupMap.values()) await g.idle();
  }

  stats(): GroupStats[] {
    return this.groups().map((g) => ({
      ...g.counters,
      file: g.file,
      group: g.name,
      intervalMs: g.intervalMs,
      lastEvaluation: g.lastEvaluation,
      evaluationTimeMs: g.evaluationTimeMs,
    }));
  }

  /** Pending and firing alerts of every alerting rule (`GET /api/v1/alerts`). */
  activeAlerts(): ActiveAlert[] {
    const out: ActiveAlert[] = [];
    for (const g of this.groupMap.values()) {
      for (const r of g.rules) {
        if (!(r instanceof AlertingRule)) continue;
        for (const a of r.active.values()) if (a.state !== 'inactive') out.push(a);
      }
    }
    return out;
  }
}
