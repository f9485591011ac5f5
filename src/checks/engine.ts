/**
 * The check engine: one per process, all tenants. Schedules every enabled check at a fixed
 * offset within its interval (plus 0..jitter) from one min-heap and one timer, never starts a
 * check that is still running, caps active probes in flight with one semaphore (passive kinds
 * exempt), applies flap protection, writes `probe_*` samples and persists state and events.
 */
import { ArgusError, errorChain, type Logger } from '../util/index.js';
import type { TenantId } from '../model/index.js';
import type { OutboundGuard } from '../net/index.js';
import type { Appendable, MetadataStore } from '../storage/index.js';
import type { StateStore } from '../state/index.js';
import { entryRow, entryStatus, type Entry } from './engine-entry.js';
import { applyProbe } from './flap.js';
import { heartbeatToken } from './heartbeat-token.js';
import { checkLabels, MetricsWriter, SeriesSet } from './metrics-writer.js';
import { ProbeAbort, resolveSecret, runProbe } from './probe.js';
import { checkOffset, DueQueue, nextGridTime } from './schedule.js';
import { Semaphore } from './semaphore.js';
import type { CheckRun, CheckStateChange, CheckStatus, ScheduledCheck } from './status.js';
import { StateWriter, type CheckStateRow } from './state-writer.js';
import type { AnyCheckKind, QuerySample } from './types.js';

export class CheckNotFoundError extends ArgusError {}

/**
 * A heartbeat's pings after a restart. A check that never got a ping and is down counts as
 * appeared long ago (since 0), so a restart does not give it a fresh period; otherwise the row's
 * `since` stands in for when the check appeared (it is up to one interval later).
 */
function restoredHeartbeat(row: CheckStateRow | undefined, now: number): Entry['heartbeat'] {
  if (!row) return { since: now };
  // A /start or /fail survives the restart too (a failed job stays failed).
  const more = {
    ...(row.last_start !== null ? { lastStart: row.last_start } : {}),
    ...(row.last_fail !== null
      ? { lastFail: row.last_fail, lastFailMessage: row.last_fail_message ?? '' }
      : {}),
  };
  if (row.last_ping !== null) return { since: row.since, lastPing: row.last_ping, ...more };
  return { since: row.state === 'down' ? 0 : row.since, ...more };
}

/**
 * What of a check's row matters after a restart: flap protection needs the counters only up to
 * the thresholds, so a steady check (counting successes past its threshold) does not change it.
 */
function persistedView(e: Entry): string {
  const f = Math.min(e.failures, e.def.failure_threshold);
  const s = Math.min(e.successes, e.def.success_threshold);
  const hb = e.heartbeat;
  return `${e.state}|${f}|${s}|${e.lastError ?? ''}|${hb.lastPing ?? ''}|${hb.lastStart ?? ''}|${hb.lastFail ?? ''}`;
}

export interface CheckEngineOptions {
  /** Where `probe_*` samples go (tenant from the check). */
  appendable: Appendable;
  /** TYPE/HELP of the probe metrics; default: the appendable when it is a MetadataStore. */
  metadata?: MetadataStore;
  /** check_state and health_events. */
  state: Pick<StateStore, 'sql'>;
  kinds: ReadonlyMap<string, AnyCheckKind>;
  /** For API checks; argus.yml checks use `guard.forConfigTargets()`. */
  guard: OutboundGuard;
  secrets: { get(tenant: string, name: string): Promise<string> };
  query(tenant: TenantId, expr: string, atMs: number): Promise<readonly QuerySample[]>;
  /** HMAC key of heartbeat URLs. */
  heartbeatKey: Buffer;
  /** Active probes in flight at most (default 64); passive kinds are not counted. */
  concurrency?: number;
  logger: Logger;
  now?: () => number;
  /** Runs kept per check (default 120). */
  historySize?: number;
  /**
   * How often changed rows are persisted (default 5 s; state changes are written at once). A
   * row counts as changed when its state, last error or counters capped at the thresholds
   * change: a steady check costs no writes (its last probe time is written on stop).
   */
  stateFlushMs?: number;
  /** Longest wait between a probe and its samples' commit (default 100 ms). */
  metricsFlushMs?: number;
}

/** Counters for self-metrics (`argus_check_*`). Lag: |actual start − due| of scheduled runs. */
export interface CheckEngineMetrics {
  checks: number;
  running: number;
  queuedForSlot: number;
  runsTotal: number;
  skippedTotal: number;
  timeoutsTotal: number;
  stateChangesTotal: number;
  samplesAppendedTotal: number;
  samplesDroppedTotal: number;
  stateTransactionsTotal: number;
  schedulingLagP50Ms: number;
  schedulingLagP99Ms: number;
  schedulingLagMaxMs: number;
}

const LAG_WINDOW = 2048;

/**
 * What a check's history keeps of a run: not its metrics (their samples are in the TSDB). With
 * them a run holds ~1.8 KB of small objects: 1,000 http checks × 120 runs were ~200 MiB of heap
 * and a ~450 ms full GC; without, ~270 B (bench/checks: GC was the longest event-loop stalls).
 */
function historyRun(run: CheckRun): CheckRun {
  const r = run.result;
  return {
    at: run.at,
    result: {
      success: r.success,
      durationSeconds: r.durationSeconds,
      ...(r.error !== undefined ? { error: r.error } : {}),
      metrics: [],
      ...(r.detail !== undefined ? { detail: r.detail } : {}),
    },
  };
}
const FAIL_MESSAGE_MAX = 1000;

export class CheckEngine {
  private readonly entries = new Map<string, Entry>();
  private readonly byTenant = new Map<TenantId, Set<string>>();
  private readonly tokens = new Map<string, string>();
  private readonly queue = new DueQueue<{ entry: Entry; gen: number; grid: number }>();
  private readonly sem: Semaphore;
  private readonly writer: MetricsWriter;
  private readonly stateWriter: StateWriter;
  private apiGuard: OutboundGuard;
  private configGuard: OutboundGuard;
  private readonly now: () => number;
  private readonly stateListeners = new Set<(c: CheckStateChange) => void>();
  private readonly runListeners = new Set<
    (tenant: TenantId, name: string, run: CheckRun) => void
  >();
  private readonly pendingSet = new Map<TenantId, ScheduledCheck[]>();
  private restored = new Map<string, CheckStateRow>();
  private readonly stopping = new AbortController();
  private readonly inflight = new Set<ProbeAbort>();
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private started = false;
  private ticking = false;
  private readonly lags = new Float64Array(LAG_WINDOW);
  private lagCount = 0;
  private lagMax = 0;
  private readonly counts = { runs: 0, skipped: 0, timeouts: 0, changes: 0 };

  constructor(private readonly o: CheckEngineOptions) {
    this.now = o.now ?? Date.now;
    this.sem = new Semaphore(o.concurrency ?? 64);
    const md =
      o.metadata ??
      ('setMetadata' in o.appendable ? (o.appendable as unknown as MetadataStore) : undefined);
    this.writer = new MetricsWriter({
      appendable: o.appendable,
      metadata: md,
      logger: o.logger,
      flushMs: o.metricsFlushMs,
    });
    this.stateWriter = new StateWriter(o.state, o.logger, o.stateFlushMs);
    this.apiGuard = o.guard;
    this.configGuard = o.guard.forConfigTargets();
  }

  /** Loads the stored check states, then schedules what `setChecks` was given so far. */
  async start(): Promise<void> {
    this.restored = await this.stateWriter.load();
    this.started = true;
    for (const [tenant, checks] of this.pendingSet) this.setChecks(tenant, checks);
    this.pendingSet.clear();
  }

  /**
   * Reconciles a tenant's checks: unchanged definitions keep their schedule and state, changed
   * ones are rescheduled (keeping their state), removed ones stop, their series get staleness
   * markers and their state row is deleted (their history stays).
   */
  setChecks(tenant: TenantId, checks: readonly ScheduledCheck[]): void {
    if (!this.started) {
      this.pendingSet.set(tenant, [...checks]);
      return;
    }
    const keys = this.byTenant.get(tenant) ?? new Set<string>();
    const want = new Map(checks.map((c) => [this.key(tenant, c.definition.name), c]));
    for (const k of keys) {
      if (!want.has(k)) this.remove(this.entries.get(k) as Entry, true);
    }
    const next = new Set<string>();
    for (const [k, c] of want) {
      next.add(k);
      const kind = this.o.kinds.get(c.definition.kind);
      if (!kind) {
        this.o.logger.error({ tenant, check: c.definition.name }, 'unknown check kind');
        continue;
      }
      const fp = JSON.stringify([c.definition, c.source, [...(c.services ?? [])].sort()]);
      const old = this.entries.get(k);
      if (old && old.fingerprint === fp) continue;
      const e = this.create(tenant, c, kind, fp, old);
      if (old) this.remove(old, false);
      this.entries.set(k, e);
      this.tokens.set(e.token, k);
      this.schedule(e, this.now());
    }
    if (next.size > 0) this.byTenant.set(tenant, next);
    else this.byTenant.delete(tenant);
  }

  private key(tenant: TenantId, name: string): string {
    return `${tenant}\0${name}`;
  }

  private create(
    tenant: TenantId,
    c: ScheduledCheck,
    kind: AnyCheckKind,
    fingerprint: string,
    old: Entry | undefined,
  ): Entry {
    const def = c.definition;
    const now = this.now();
    const target = kind.target(def.spec);
    const row = old ? undefined : this.restored.get(this.key(tenant, def.name));
    if (row) this.restored.delete(this.key(tenant, def.name));
    const base = checkLabels({
      check: def.name,
      kind: def.kind,
      target,
      services: c.services,
      labels: def.labels,
    });
    const e: Entry = {
      key: this.key(tenant, def.name),
      tenant,
      name: def.name,
      def,
      source: c.source,
      kind,
      target,
      guard: c.source === 'api' ? this.apiGuard : this.configGuard,
      fingerprint,
      offset: checkOffset(tenant, def.name, def.interval),
      series: new SeriesSet(tenant, base),
      token: heartbeatToken(this.o.heartbeatKey, tenant, def.name),
      gen: 0,
      removed: false,
      nextGrid: 0,
      state: old?.state ?? row?.state ?? 'unknown',
      since: old?.since ?? row?.since ?? now,
      failures: old?.failures ?? row?.failures ?? 0,
      successes: old?.successes ?? row?.successes ?? 0,
      lastRun: old?.lastRun,
      lastAt: old?.lastAt ?? row?.last_at ?? undefined,
      lastError: old?.lastError ?? row?.last_error ?? undefined,
      lastErrorAt: old?.lastErrorAt ?? row?.last_error_at ?? undefined,
      history: old ? [...old.history] : [],
      persisted: '',
      heartbeat: old ? { ...old.heartbeat } : restoredHeartbeat(row, now),
    };
    if (old) {
      // Series of the old definition that the new one does not write go stale after its next run.
      for (const [k, s] of old.series.slots) e.series.slots.set(k, s);
      old.series.slots.clear();
    }
    return e;
  }

  private remove(e: Entry, forget: boolean): void {
    e.removed = true;
    e.gen++;
    e.abort?.abort();
    if (this.tokens.get(e.token) === e.key) this.tokens.delete(e.token);
    if (!forget) return;
    this.entries.delete(e.key);
    this.writer.markStale(e.series, this.now());
    this.stateWriter.remove(e.tenant, e.name);
  }

  private schedule(e: Entry, now: number): void {
    if (!e.def.enabled || e.removed || this.stopping.signal.aborted) {
      e.nextDue = undefined;
      if (!e.def.enabled) this.writer.markStale(e.series, now);
      return;
    }
    const iv = e.def.interval;
    let grid = e.nextGrid > now ? e.nextGrid : nextGridTime(now, iv, e.offset);
    if (grid <= now) grid += iv;
    e.nextGrid = grid;
    const due = grid + (e.def.jitter > 0 ? Math.floor(Math.random() * e.def.jitter) : 0);
    e.nextDue = due;
    this.queue.push(due, { entry: e, gen: e.gen, grid });
    this.arm();
  }

  private arm(): void {
    if (this.ticking) return; // tick() arms once at its end
    const due = this.queue.peek();
    if (due === undefined || due >= this.timerDue) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - this.now()));
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    this.ticking = true;
    const now = this.now();
    for (let it = this.queue.popDue(now); it; it = this.queue.popDue(now)) {
      const { entry: e, gen, grid } = it.value;
      if (e.gen !== gen || e.removed) continue;
      this.recordLag(Math.abs(now - it.due));
      if (e.running) this.counts.skipped++;
      else void this.execute(e);
      e.nextGrid = grid + e.def.interval;
      this.schedule(e, now);
    }
    this.ticking = false;
    this.arm();
  }

  private recordLag(ms: number): void {
    this.lags[this.lagCount++ % LAG_WINDOW] = ms;
    if (ms > this.lagMax) this.lagMax = ms;
  }

  /** Runs one probe of `e` now and records it; resolves with the run (undefined if dropped). */
  private execute(e: Entry): Promise<CheckRun | undefined> {
    const p = this.probe(e).finally(() => {
      if (e.running === p) e.running = undefined;
      // A ping that arrived during the run is evaluated now, not at the next interval.
      if (e.pinged && !e.removed && !this.stopping.signal.aborted) {
        e.pinged = false;
        void this.execute(e);
      }
    });
    e.running = p;
    return p;
  }

  private async probe(e: Entry): Promise<CheckRun | undefined> {
    if (this.stopping.signal.aborted) return undefined;
    // No AbortSignal listener per probe (see ProbeAbort); one set, not one per probe on the
    // engine's signal (1,000 in flight).
    const ac = new ProbeAbort();
    e.abort = ac;
    this.inflight.add(ac);
    try {
      const release = e.kind.passive
        ? () => {}
        : this.sem.active < this.sem.limit
          ? await this.sem.acquire()
          : await this.sem.acquire(ac.signal);
      if (!release) return undefined;
      let result;
      const at = this.now();
      try {
        result = await runProbe(e.kind, e.def.spec, this.ctx(e), e.def.timeout, ac);
      } finally {
        release();
      }
      if (e.removed || ac.aborted) return undefined;
      if (result.error?.startsWith('timeout:')) this.counts.timeouts++;
      const run: CheckRun = { at, result };
      this.record(e, run);
      return run;
    } finally {
      this.inflight.delete(ac);
      if (e.abort === ac) e.abort = undefined;
    }
  }

  private ctx(e: Entry) {
    return {
      tenant: e.tenant,
      guard: this.guardOf(e),
      maxBodyBytes: this.guardOf(e).maxBodyBytes,
      secret: (ref: Parameters<typeof resolveSecret>[0]) =>
        resolveSecret(ref, e.tenant, this.o.secrets, e.source === 'config'),
      now: this.now,
      query: (expr: string, at: number) => this.o.query(e.tenant, expr, at),
      heartbeat: { ...e.heartbeat },
    };
  }

  private record(e: Entry, run: CheckRun): void {
    this.counts.runs++;
    const size = this.o.historySize ?? 120;
    e.history.push(historyRun(run));
    if (e.history.length > size) e.history.splice(0, e.history.length - size);
    e.lastRun = run;
    e.lastAt = run.at;
    if (!run.result.success) {
      e.lastError = run.result.error ?? 'failed';
      e.lastErrorAt = run.at;
    }
    const from = e.state;
    const next = applyProbe(e, run.result.success, {
      failureThreshold: e.def.failure_threshold,
      successThreshold: e.def.success_threshold,
    });
    e.failures = next.failures;
    e.successes = next.successes;
    const row = () => entryRow(e);
    if (next.state !== from) {
      e.state = next.state;
      e.since = run.at;
      this.counts.changes++;
      const change: CheckStateChange = {
        tenant: e.tenant,
        check: e.name,
        from,
        to: next.state,
        at: run.at,
        ...(next.state === 'down' && run.result.error ? { error: run.result.error } : {}),
      };
      this.stateWriter.change(e.tenant, e.name, row, {
        tenant: e.tenant,
        subject: e.name,
        at: run.at,
        state: next.state,
        detail: { error: run.result.error, duration: run.result.durationSeconds },
      });
      for (const fn of this.stateListeners) this.call(() => fn(change));
    } else if (persistedView(e) !== e.persisted) this.stateWriter.touch(e.tenant, e.name, row);
    e.persisted = persistedView(e);
    this.writer.write(e.series, run.at, run.result);
    for (const fn of this.runListeners) this.call(() => fn(e.tenant, e.name, run));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.o.logger.error({ err: errorChain(err) }, 'a check listener failed');
    }
  }

  private entry(tenant: TenantId, name: string): Entry | undefined {
    return this.entries.get(this.key(tenant, name));
  }

  /** The guard of a config reload: each check uses it from its next probe. */
  setGuard(guard: OutboundGuard): void {
    this.apiGuard = guard;
    this.configGuard = guard.forConfigTargets();
  }

  private guardOf(e: Entry): OutboundGuard {
    return e.source === 'api' ? this.apiGuard : this.configGuard;
  }

  statuses(tenant: TenantId): CheckStatus[] {
    const keys = this.byTenant.get(tenant);
    if (!keys) return [];
    const out: CheckStatus[] = [];
    for (const k of keys) {
      const e = this.entries.get(k);
      if (e) out.push(entryStatus(e));
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  status(tenant: TenantId, name: string): CheckStatus | undefined {
    const e = this.entry(tenant, name);
    return e && entryStatus(e);
  }

  /** Recent runs, oldest first, without their metrics (see `status().lastRun` for those). */
  runs(tenant: TenantId, name: string): CheckRun[] {
    return [...(this.entry(tenant, name)?.history ?? [])];
  }

  /** Probes now, outside the schedule; when a run is in flight, resolves with that one. */
  async runNow(tenant: TenantId, name: string): Promise<CheckRun> {
    const e = this.entry(tenant, name);
    if (!e) throw new CheckNotFoundError(`cannot run check ${JSON.stringify(name)}: not found`);
    const run = await (e.running ?? this.execute(e));
    if (!run)
      throw new CheckNotFoundError(
        `cannot run check ${JSON.stringify(name)}: it was removed or the engine stopped`,
      );
    return run;
  }

  onStateChange(fn: (c: CheckStateChange) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  onRun(fn: (tenant: TenantId, name: string, run: CheckRun) => void): () => void {
    this.runListeners.add(fn);
    return () => this.runListeners.delete(fn);
  }

  /** The secret part of the check's heartbeat URL (the check need not be a heartbeat yet). */
  heartbeatToken(tenant: TenantId, name: string): string {
    return heartbeatToken(this.o.heartbeatKey, tenant, name);
  }

  /**
   * Records a ping of a heartbeat check and re-evaluates it at once. Undefined when the token
   * names no heartbeat check (the HTTP layer answers 404 either way).
   */
  ping(
    token: string,
    kind: 'success' | 'start' | 'fail',
    message?: string,
  ): { tenant: TenantId; check: string } | undefined {
    const k = this.tokens.get(token);
    const e = k === undefined ? undefined : this.entries.get(k);
    if (!e || e.def.kind !== 'heartbeat') return undefined;
    const now = this.now();
    const hb = e.heartbeat;
    if (kind === 'start') hb.lastStart = now;
    else {
      hb.lastStart = undefined;
      if (kind === 'success') hb.lastPing = now;
      else {
        hb.lastFail = now;
        hb.lastFailMessage = (message ?? '').slice(0, FAIL_MESSAGE_MAX);
      }
    }
    this.stateWriter.touch(e.tenant, e.name, () => entryRow(e));
    if (!e.def.enabled) return { tenant: e.tenant, check: e.name };
    if (e.running) e.pinged = true;
    else void this.execute(e);
    return { tenant: e.tenant, check: e.name };
  }

  metrics(): CheckEngineMetrics {
    const n = Math.min(this.lagCount, LAG_WINDOW);
    const sorted = Array.from(this.lags.subarray(0, n)).sort((a, b) => a - b);
    const q = (p: number): number => (n === 0 ? 0 : sorted[Math.min(n - 1, Math.floor(p * n))]);
    let running = 0;
    for (const e of this.entries.values()) if (e.running) running++;
    return {
      checks: this.entries.size,
      running,
      queuedForSlot: this.sem.waiting,
      runsTotal: this.counts.runs,
      skippedTotal: this.counts.skipped,
      timeoutsTotal: this.counts.timeouts,
      stateChangesTotal: this.counts.changes,
      samplesAppendedTotal: this.writer.stats.samplesAppended,
      samplesDroppedTotal: this.writer.stats.samplesDropped,
      stateTransactionsTotal: this.stateWriter.transactions,
      schedulingLagP50Ms: q(0.5),
      schedulingLagP99Ms: q(0.99),
      schedulingLagMaxMs: this.lagMax,
    };
  }

  /** Stops scheduling, aborts probes in flight, and writes pending samples and state. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const ac of this.inflight) ac.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.clear();
    const running: Promise<unknown>[] = [];
    for (const e of this.entries.values()) if (e.running) running.push(e.running);
    await Promise.allSettled(running);
    await this.writer.flush();
    for (const e of this.entries.values())
      if (e.lastAt !== undefined) this.stateWriter.touch(e.tenant, e.name, () => entryRow(e));
    await this.stateWriter.flush();
  }
}
