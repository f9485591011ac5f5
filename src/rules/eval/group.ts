/**
 * A rule group: its rules evaluated in order every interval at aligned, group-specific offsets,
 * never overlapping (a slow evaluation skips ticks, counted as missed).
 */
import { isStaleNaN, staleNaN, type Labels } from '../../model/index.js';
import type { VectorSample } from '../../promql/index.js';
import { PermanentAppendError } from '../../storage/index.js';
import { hashStrings } from '../../util/index.js';
import type { RuleGroupSpec } from '../file/spec.js';
import { AlertingRule } from './alerting.js';
import { restoreForState } from './group-restore.js';
import { RecordingRule } from './recording.js';
import { labelsKey, type BaseRule } from './rule.js';
import type { QueryFn, ResolvedOptions } from './types.js';
import { RuleEvalError } from '../errors.js';

export type Rule = RecordingRule | AlertingRule;

/** The query of LogQL groups in a manager without `logQuery` (logs disabled): every eval fails. */
const noLogQuery: QueryFn = () =>
  Promise.reject(
    new RuleEvalError('cannot evaluate a LogQL rule: the log store is not enabled (logs.enabled)'),
  );

/** Counters of one group (the lead's metrics read them). */
export interface GroupCounters {
  evaluations: number;
  /** Rule evaluations that failed. */
  failures: number;
  missedIterations: number;
}

export class Group {
  readonly rules: Rule[];
  readonly intervalMs: number;
  readonly queryOffsetMs: number;
  readonly counters: GroupCounters = { evaluations: 0, failures: 0, missedIterations: 0 };
  /** ms; 0 = never. */
  lastEvaluation = 0;
  evaluationTimeMs = 0;
  /** Restore `for` state after the first evaluation (set by the manager on its first start). */
  shouldRestore = false;
  /** Series written by each rule at its last successful evaluation (for stale markers). */
  private previous: Map<string, Labels>[];
  private cancelTimer: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    readonly spec: RuleGroupSpec,
    private readonly opts: ResolvedOptions,
  ) {
    this.intervalMs = spec.intervalMs > 0 ? spec.intervalMs : opts.evaluationIntervalMs;
    this.queryOffsetMs = spec.queryOffsetMs ?? opts.queryOffsetMs;
    const lang = spec.lang ?? 'promql';
    const query = lang === 'logql' ? (opts.logQuery ?? noLogQuery) : opts.query;
    this.rules = spec.rules.map((r) => {
      const labels = { ...spec.labels, ...r.labels };
      return r.kind === 'recording'
        ? new RecordingRule(r.name, r.expr, labels, opts.tenant, query, lang)
        : new AlertingRule(
            r.name,
            r.expr,
            labels,
            r.annotations,
            r.forMs,
            r.keepFiringForMs,
            opts.tenant,
            query,
            opts,
            lang,
          );
    });
    this.previous = this.rules.map(() => new Map<string, Labels>());
  }

  get name(): string {
    return this.spec.name;
  }

  get file(): string {
    return this.spec.file;
  }

  /** `file;name`: a group's identity within a tenant. */
  get key(): string {
    return `${this.spec.file};${this.spec.name}`;
  }

  /** The first aligned tick at or before `now` for this group (Prometheus EvalTimestamp). */
  evalTimestamp(now: number): number {
    const offset = hashStrings([this.spec.name, this.spec.file]) % this.intervalMs;
    const adj = now - offset;
    return adj - (((adj % this.intervalMs) + this.intervalMs) % this.intervalMs) + offset;
  }

  /** Starts ticking; the first evaluation is at the next aligned tick. */
  start(): void {
    this.stopped = false;
    const now = this.opts.clock.now();
    this.schedule(this.evalTimestamp(now) + this.intervalMs);
  }

  private schedule(at: number): void {
    if (this.stopped) return;
    this.cancelTimer = this.opts.clock.setTimer(() => {
      this.cancelTimer = null;
      this.running = this.tick(at).finally(() => {
        this.running = null;
      });
    }, at - this.opts.clock.now());
  }

  private async tick(at: number): Promise<void> {
    await this.evalAt(at);
    if (this.shouldRestore) {
      this.shouldRestore = false;
      this.restore(this.opts.clock.now());
    }
    const now = this.opts.clock.now();
    const behind = Math.max(0, Math.floor((now - at) / this.intervalMs));
    this.counters.missedIterations += behind;
    this.schedule(at + (behind + 1) * this.intervalMs);
  }

  /** Resolves when no evaluation is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Marks alerting rules as awaiting restoration (before the first evaluation). */
  prepareRestore(): void {
    if (this.opts.queryable === undefined) return;
    this.shouldRestore = true;
    for (const r of this.rules) if (r instanceof AlertingRule) r.restored = false;
  }

  /** Restores `for` state from ALERTS_FOR_STATE (after the first evaluation, as Prometheus). */
  restore(now: number): void {
    const alerting = this.rules.filter((r): r is AlertingRule => r instanceof AlertingRule);
    if (this.opts.queryable === undefined) {
      for (const r of alerting) r.restored = true;
      return;
    }
    try {
      restoreForState(
        alerting,
        this.opts.queryable,
        this.opts.tenant,
        now,
        this.opts.outageToleranceMs,
        this.opts.forGracePeriodMs,
      );
    } catch (e) {
      this.opts.onError?.(this.name, '', e);
      for (const r of alerting) r.restored = true;
    }
  }

  /** See carryState. */
  adoptFrom(from: Group): VectorSample[] {
    const pool = new Map<string, number[]>();
    from.rules.forEach((r, i) => pool.set(r.identity(), [...(pool.get(r.identity()) ?? []), i]));
    this.rules.forEach((r, i) => {
      const idx = pool.get(r.identity());
      if (idx === undefined || idx.length === 0) return;
      const fi = idx.shift()!;
      this.previous[i] = from.previous[fi];
      const fr = from.rules[fi];
      if (r instanceof AlertingRule && fr instanceof AlertingRule) r.adoptState(fr);
      r.health = fr.health;
      r.lastError = fr.lastError;
      r.lastEvaluation = fr.lastEvaluation;
      r.evaluationTimeMs = fr.evaluationTimeMs;
    });
    this.lastEvaluation = from.lastEvaluation;
    this.evaluationTimeMs = from.evaluationTimeMs;
    const t = this.opts.clock.now() - this.queryOffsetMs;
    const stale: VectorSample[] = [];
    for (const idx of pool.values()) {
      for (const fi of idx) {
        for (const l of from.previous[fi].values()) stale.push({ labels: l, t, v: staleNaN });
      }
    }
    return stale;
  }

  /** Writes stale markers handed over by carryState. */
  async writeStale(samples: VectorSample[]): Promise<void> {
    try {
      await this.append(samples);
    } catch (e) {
      this.opts.onError?.(this.name, '', e);
    }
  }

  /** Stops ticking, waits for a running evaluation; with `markStale`, ends its series. */
  async stop(markStale: boolean): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.running) await this.running;
    if (!markStale) return;
    const t = this.opts.clock.now() - this.queryOffsetMs;
    const stale: VectorSample[] = [];
    for (const prev of this.previous) {
      for (const l of prev.values()) stale.push({ labels: l, t, v: staleNaN });
    }
    this.previous = this.rules.map(() => new Map<string, Labels>());
    await this.append(stale);
  }

  /** Evaluates every rule once at `ts` (ms), in order. Never throws. */
  async evalAt(ts: number): Promise<void> {
    const clock = this.opts.clock;
    const start = clock.now();
    const ctx = { ts, queryTs: ts - this.queryOffsetMs, limit: this.spec.limit };
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      const t0 = clock.now();
      let err: unknown = undefined;
      let evaluated = false;
      try {
        const out = await rule.eval(ctx);
        evaluated = true;
        const written = new Map<string, Labels>();
        const appendErr = await this.append(out, written);
        if (appendErr !== undefined) err = appendErr;
        const stale: VectorSample[] = [];
        for (const [k, l] of this.previous[i]) {
          if (!written.has(k)) stale.push({ labels: l, t: ctx.queryTs, v: staleNaN });
        }
        await this.append(stale);
        this.previous[i] = written;
        if (err === undefined && rule instanceof AlertingRule && rule.templateError !== null) {
          err = new Error(`error expanding template: ${rule.templateError}`);
        }
      } catch (e) {
        err = e;
      }
      if (err !== undefined) {
        this.counters.failures++;
        this.opts.onError?.(this.name, rule.name, err);
      }
      (rule as BaseRule).setHealth(err, ts, clock.now() - t0);
      // As Prometheus: a failed evaluation sends nothing (the alerts stay valid until endsAt).
      if (evaluated && rule instanceof AlertingRule && this.opts.sink !== undefined) {
        const alerts = rule.alertsToSend(ts, this.intervalMs);
        if (alerts.length > 0) this.opts.sink.send(this.opts.tenant, alerts);
      }
    }
    this.counters.evaluations++;
    this.lastEvaluation = ts;
    this.evaluationTimeMs = clock.now() - start;
  }

  /**
   * Appends and commits one batch. Samples the store refuses for good (out of order, duplicate)
   * are skipped; the first such error is returned (the rule's health), as Prometheus does.
   */
  private async append(samples: VectorSample[], written?: Map<string, Labels>): Promise<unknown> {
    if (samples.length === 0) return undefined;
    const app = this.opts.appendable.appender(this.opts.tenant);
    let first: unknown = undefined;
    for (const s of samples) {
      try {
        app.append(0, s.labels, s.t, s.v);
        if (written !== undefined && !isStaleNaN(s.v)) written.set(labelsKey(s.labels), s.labels);
      } catch (e) {
        if (!(e instanceof PermanentAppendError)) {
          app.rollback();
          throw e;
        }
        // Stale markers for series already gone are not the rule's problem.
        if (written !== undefined) first ??= e;
      }
    }
    await app.commit();
    return first;
  }
}

/**
 * Carries state from the group `old` replaces (a reload): alert state and written-series sets of
 * rules with the same identity move over; series of old rules without a match are returned, to
 * be marked stale.
 */
export function carryState(to: Group, from: Group): VectorSample[] {
  return to.adoptFrom(from);
}
