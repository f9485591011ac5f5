/**
 * Writes probe results as blackbox_exporter-compatible samples, batched across probes (one
 * Appender commit per tenant every `flushMs` or `maxPending` samples), with series refs cached
 * per check so a steady probe costs no label building, and staleness markers for series that
 * stop being reported (a kind dropped a metric, the check was removed or disabled).
 *
 * Labels of every sample: `job="argus_checks"`, `check`, `kind`, `instance` (the kind's
 * target), `service` (the check's services, sorted and comma-joined; absent when none), the
 * definition's `labels`, and the metric's own labels.
 */
import { Labels, METRIC_NAME, staleNaN, type TenantId } from '../model/index.js';
import {
  PermanentAppendError,
  UnknownSeriesRefError,
  type Appendable,
  type Appender,
  type MetadataStore,
  type SeriesRef,
} from '../storage/index.js';
import { errorChain, type Logger } from '../util/index.js';
import type { ProbeResult } from './types.js';

export const CHECKS_JOB = 'argus_checks';

/** One series a check writes; owned by the check's SeriesSet. */
interface Slot {
  readonly labels: Labels;
  ref: SeriesRef;
  /** The run that last reported it. */
  seen: number;
  lastT: number;
}

/** The series of one check: its base labels and what it wrote last. */
export class SeriesSet {
  readonly slots = new Map<string, Slot>();
  run = 0;
  constructor(
    readonly tenant: TenantId,
    readonly base: Readonly<Record<string, string>>,
  ) {}
}

/** Builds a check's base labels. */
export function checkLabels(o: {
  check: string;
  kind: string;
  target: string;
  services?: readonly string[];
  labels: Readonly<Record<string, string>>;
}): Record<string, string> {
  const l: Record<string, string> = {
    ...o.labels,
    job: CHECKS_JOB,
    check: o.check,
    kind: o.kind,
    instance: o.target,
  };
  if (o.services && o.services.length > 0) l.service = [...o.services].sort().join(',');
  return l;
}

interface Pending {
  slot: Slot;
  t: number;
  v: number;
}

const HELP: Record<string, string> = {
  probe_success: 'Whether the probe succeeded (1) or failed (0).',
  probe_duration_seconds: 'How long the probe took, in seconds.',
};

export interface MetricsWriterStats {
  samplesAppended: number;
  samplesDropped: number;
  commits: number;
  commitErrors: number;
}

export class MetricsWriter {
  private pending = new Map<TenantId, Pending[]>();
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly described = new Set<string>();
  readonly stats: MetricsWriterStats = {
    samplesAppended: 0,
    samplesDropped: 0,
    commits: 0,
    commitErrors: 0,
  };

  constructor(
    private readonly o: {
      appendable: Appendable;
      metadata?: MetadataStore;
      logger: Logger;
      flushMs?: number;
      maxPending?: number;
    },
  ) {}

  /** Queues the samples of one probe that started at `t`, and stale markers for dropped series. */
  write(set: SeriesSet, t: number, r: ProbeResult): void {
    const run = ++set.run;
    this.add(set, run, 'probe_success', undefined, t, r.success ? 1 : 0);
    this.add(set, run, 'probe_duration_seconds', undefined, t, r.durationSeconds);
    for (const m of r.metrics) {
      this.add(set, run, m.name, m.labels, t, m.value);
      if (m.help !== undefined) this.describe(set.tenant, m.name, m.help);
    }
    for (const [key, slot] of set.slots) {
      if (slot.seen === run) continue;
      set.slots.delete(key);
      this.queue(set.tenant, slot, Math.max(t, slot.lastT + 1), staleNaN);
    }
    this.kick();
  }

  /** Queues staleness markers for every series of a check (removed or disabled). */
  markStale(set: SeriesSet, t: number): void {
    for (const slot of set.slots.values())
      this.queue(set.tenant, slot, Math.max(t, slot.lastT + 1), staleNaN);
    set.slots.clear();
    this.kick();
  }

  private add(
    set: SeriesSet,
    run: number,
    name: string,
    extra: Readonly<Record<string, string>> | undefined,
    t: number,
    v: number,
  ): void {
    let key = name;
    if (extra) for (const k of Object.keys(extra).sort()) key += `\0${k}\0${extra[k]}`;
    let slot = set.slots.get(key);
    if (!slot) {
      slot = {
        labels: Labels.fromObject({ ...extra, ...set.base, [METRIC_NAME]: name }),
        ref: 0,
        seen: run,
        lastT: -1,
      };
      set.slots.set(key, slot);
      if (name in HELP) this.describe(set.tenant, name, HELP[name]);
    }
    if (slot.seen === run && slot.lastT === t) return; // a kind reported one series twice
    slot.seen = run;
    this.queue(set.tenant, slot, t, v);
  }

  private queue(tenant: TenantId, slot: Slot, t: number, v: number): void {
    slot.lastT = t;
    let list = this.pending.get(tenant);
    if (!list) this.pending.set(tenant, (list = []));
    list.push({ slot, t, v });
    this.pendingCount++;
  }

  private describe(tenant: TenantId, name: string, help: string): void {
    const key = `${tenant}\0${name}`;
    if (!this.o.metadata || this.described.has(key)) return;
    this.described.add(key);
    this.o.metadata.setMetadata(tenant, name, { type: 'gauge', help, unit: '' });
  }

  private kick(): void {
    if (this.pendingCount >= (this.o.maxPending ?? 2000)) void this.flush();
    else if (this.timer === undefined && this.pendingCount > 0) {
      this.timer = setTimeout(() => void this.flush(), this.o.flushMs ?? 100);
      this.timer.unref();
    }
  }

  /** Commits everything queued so far (serialised: one flush at a time). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    this.flushing = this.flushing.then(() => this.commit(batch));
    return this.flushing;
  }

  private async commit(batch: Map<TenantId, Pending[]>): Promise<void> {
    for (const [tenant, list] of batch) {
      const app = this.o.appendable.appender(tenant);
      let n = 0;
      for (const p of list) if (this.append(app, p)) n++;
      try {
        await app.commit();
        this.stats.commits++;
        this.stats.samplesAppended += n;
      } catch (err) {
        this.stats.commitErrors++;
        this.stats.samplesDropped += n;
        for (const p of list) p.slot.ref = 0;
        this.o.logger.warn({ tenant, err: errorChain(err) }, 'cannot store check results');
      }
    }
  }

  private append(app: Appender, p: Pending): boolean {
    try {
      try {
        p.slot.ref = app.append(p.slot.ref, p.slot.ref === 0 ? p.slot.labels : null, p.t, p.v);
      } catch (err) {
        if (!(err instanceof UnknownSeriesRefError)) throw err;
        p.slot.ref = app.append(0, p.slot.labels, p.t, p.v);
      }
      return true;
    } catch (err) {
      this.stats.samplesDropped++;
      if (!(err instanceof PermanentAppendError))
        this.o.logger.warn({ err: errorChain(err) }, 'cannot append a check result');
      return false;
    }
  }
}
