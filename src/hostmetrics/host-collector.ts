import { statfs } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_TENANT, Labels, staleNaN, type TenantId } from '../model/index.js';
import {
  type Appendable,
  type Appender,
  type MetadataStore,
  type SeriesRef,
  UnknownSeriesRefError,
} from '../storage/index.js';
import { errorChain, type Logger, nopLogger } from '../util/index.js';
import { COLLECTORS } from './collectors.js';
import type { HostConfig } from './config.js';
import {
  add,
  type Collector,
  family,
  type HostContext,
  type MetricFamily,
  OpenFiles,
  type StatFs,
} from './family.js';

/** Everything a HostCollector needs; paths and clock are injectable for tests. */
export interface HostCollectorOptions {
  config: HostConfig;
  appendable: Appendable;
  /** Where TYPE/HELP go (optional). */
  metadata?: MetadataStore;
  tenant?: TenantId;
  logger?: Logger;
  procPath?: string;
  sysPath?: string;
  rootfsPath?: string;
  statfs?: (p: string) => Promise<StatFs>;
  now?: () => number;
  pageSize?: number;
  /** The collector table (tests substitute failing ones); default COLLECTORS. */
  collectors?: readonly Collector[];
}

/** What one tick did. */
export interface TickResult {
  t: number;
  appended: number;
  stale: number;
  failed: string[];
}

/** One series the collector has seen. */
interface LiveSeries {
  /** Its key in the family's map (ownKey). */
  readonly key: string;
  /** Its own labels as first collected, and how many there are. */
  readonly own: Readonly<Record<string, string>>;
  readonly nOwn: number;
  readonly labels: Labels;
  ref: SeriesRef;
  /** The tick generation that last collected it. */
  gen: number;
  /** Whether a sample of it was committed (so that vanishing needs a stale marker). */
  stored: boolean;
}

/**
 * The key of a sample's own labels within its family: names and values with separators that
 * cannot occur in either (a collector's label order is fixed, so no sorting is needed).
 */
function ownKey(own: Readonly<Record<string, string>>): string {
  let key = '';
  for (const k in own) key += `${k}\xfe${own[k]}\xff`;
  return key;
}

/** Whether a sample's own labels are the series' (without building its key). */
function sameOwn(s: LiveSeries, own: Readonly<Record<string, string>>): boolean {
  let n = 0;
  for (const k in own) {
    if (s.own[k] !== own[k]) return false;
    n++;
  }
  return n === s.nOwn;
}

/** The series of one family: by key, and in the order the last tick collected them. */
interface FamilySeries {
  byKey: Map<string, LiveSeries>;
  /**
   * Collectors emit a family's samples in the same order on every tick, so sample i is
   * usually last tick's series i: checked label by label, which needs no key string.
   */
  order: LiveSeries[];
}

/** Counters for the server's own metrics. */
export interface HostCollectorStats {
  ticks: number;
  /** Ticks skipped because the previous one was still running (interval too short). */
  overruns: number;
  appendErrors: number;
  /** Failed runs per collector name. */
  collectorErrors: Map<string, number>;
  /** Duration of the last run per collector, seconds. */
  lastDurationSeconds: Map<string, number>;
}

const realStatfs = async (p: string): Promise<StatFs> => await statfs(p);

/**
 * The built-in host collector: on each tick it runs the enabled collectors (node_exporter's
 * names, types and labels), adds `job` and `instance`, and appends everything for one tenant
 * at the tick's timestamp. A series seen on the previous tick but not on this one gets a
 * stale marker; so do all series when the collector stops. Ticks never overlap.
 */
export class HostCollector {
  readonly stats: HostCollectorStats = {
    ticks: 0,
    overruns: 0,
    appendErrors: 0,
    collectorErrors: new Map(),
    lastDurationSeconds: new Map(),
  };
  private readonly ctx: HostContext;
  private readonly enabled: readonly Collector[];
  private readonly base: [string, string][];
  private readonly tenant: TenantId;
  private readonly log: Logger;
  /**
   * Every series seen, by family name then by its own labels' key: labels built once, the
   * store's ref cached, so an unchanged series costs a lookup and an append by ref per tick.
   */
  private readonly live = new Map<string, FamilySeries>();
  /** Tick generation: a series whose `gen` is not the current one was not collected this tick. */
  private gen = 0;
  /** Series that vanished this tick, as (family map, series) pairs; reused across ticks. */
  private readonly gone: (Map<string, LiveSeries> | LiveSeries)[] = [];
  /** HELP text last written to the metadata store per family. */
  private readonly metaWritten = new Map<string, string>();
  private lastT = -Infinity;
  private running = false;

  constructor(private readonly opts: HostCollectorOptions) {
    const c = opts.config;
    this.ctx = {
      procPath: opts.procPath ?? '/proc',
      sysPath: opts.sysPath ?? '/sys',
      rootfsPath: opts.rootfsPath ?? '/',
      statfs: opts.statfs ?? realStatfs,
      now: opts.now ?? Date.now,
      pageSize: opts.pageSize ?? 4096, // x86-64 and most arm64 kernels; Node has no getpagesize
      files: new OpenFiles(),
      exclude: {
        mountPoints: new RegExp(c.exclude.mount_points),
        fsTypes: new RegExp(c.exclude.fs_types),
        diskDevices: new RegExp(c.exclude.disk_devices),
        netDevices: new RegExp(c.exclude.net_devices),
      },
    };
    const table = opts.collectors ?? COLLECTORS;
    this.enabled = table.filter(
      (col) => (c.collectors as Record<string, boolean>)[col.name] !== false,
    );
    this.base = [
      ['instance', c.instance ?? hostname()],
      ['job', c.job],
    ];
    this.tenant = opts.tenant ?? DEFAULT_TENANT;
    this.log = opts.logger ?? nopLogger;
  }

  /** Runs every enabled collector once; a failing one is logged and reported, not fatal. */
  async collect(): Promise<MetricFamily[]> {
    const dur = family(
      'node_scrape_collector_duration_seconds',
      'gauge',
      'node_exporter: Duration of a collector scrape.',
    );
    const ok = family(
      'node_scrape_collector_success',
      'gauge',
      'node_exporter: Whether a collector succeeded.',
    );
    const results = await Promise.all(
      this.enabled.map(async (col) => {
        const start = performance.now();
        try {
          return { col, fams: await col.collect(this.ctx), start, err: undefined };
        } catch (err) {
          return { col, fams: [] as MetricFamily[], start, err };
        } finally {
          const secs = (performance.now() - start) / 1000;
          this.stats.lastDurationSeconds.set(col.name, secs);
          add(dur, { collector: col.name }, secs);
        }
      }),
    );
    const out: MetricFamily[] = [];
    for (const r of results) {
      add(ok, { collector: r.col.name }, r.err === undefined ? 1 : 0);
      if (r.err !== undefined) {
        const n = (this.stats.collectorErrors.get(r.col.name) ?? 0) + 1;
        this.stats.collectorErrors.set(r.col.name, n);
        this.log.warn({ collector: r.col.name, err: errorChain(r.err) }, 'host collector failed');
      }
      out.push(...r.fams);
    }
    dur.samples.sort((a, b) => (a.labels.collector < b.labels.collector ? -1 : 1));
    out.push(dur, ok);
    return out;
  }

  /**
   * One collection at time `t` (ms; default now): collect, append, mark vanished series stale.
   * Returns undefined (and counts an overrun) when the previous tick is still running.
   */
  async tick(t = this.ctx.now()): Promise<TickResult | undefined> {
    if (this.running) {
      this.stats.overruns++;
      return undefined;
    }
    this.running = true;
    try {
      const fams = await this.collect();
      this.ctx.files?.sweep();
      const failed = [
        ...(fams.find((f) => f.name === 'node_scrape_collector_success')?.samples ?? []),
      ]
        .filter((s) => s.value === 0)
        .map((s) => s.labels.collector);
      return { ...(await this.append(fams, t)), failed };
    } finally {
      this.running = false;
      this.stats.ticks++;
    }
  }

  private labelsOf(name: string, own: Readonly<Record<string, string>>): Labels {
    const pairs: [string, string][] = [['__name__', name], ...this.base];
    for (const k of Object.keys(own)) {
      // A collector label named job/instance would clash: prefix as Prometheus does (honor_labels false).
      pairs.push([k === 'job' || k === 'instance' ? `exported_${k}` : k, own[k]]);
    }
    return Labels.fromPairs(pairs);
  }

  /**
   * Appends by the series' cached ref without labels (the head then skips the label lookup and
   * comparison); a ref the store no longer knows (series dropped meanwhile) falls back to the
   * labels, which re-resolve or re-create it.
   */
  private static appendCached(app: Appender, s: LiveSeries, t: number, v: number): void {
    if (s.ref !== 0) {
      try {
        s.ref = app.append(s.ref, null, t, v);
        return;
      } catch (err) {
        if (!(err instanceof UnknownSeriesRefError)) throw err;
      }
    }
    s.ref = app.append(0, s.labels, t, v);
  }

  private async append(fams: MetricFamily[], t: number): Promise<Omit<TickResult, 'failed'>> {
    if (t <= this.lastT) t = this.lastT + 1; // the store refuses out-of-order samples
    const app = this.opts.appendable.appender(this.tenant);
    const gen = ++this.gen;
    let appended = 0;
    const gone = this.gone;
    gone.length = 0;
    try {
      for (const f of fams) {
        let fs = this.live.get(f.name);
        if (fs === undefined) {
          fs = { byKey: new Map(), order: [] };
          this.live.set(f.name, fs);
        }
        const { byKey, order } = fs;
        let j = 0;
        for (const s of f.samples) {
          // Fast path: the same series at the same position as last tick (so not deleted since).
          let ls: LiveSeries | undefined = order[j];
          if (ls === undefined || ls.gen !== gen - 1 || !sameOwn(ls, s.labels)) {
            const key = ownKey(s.labels);
            ls = byKey.get(key);
            if (ls === undefined) {
              ls = {
                key,
                own: s.labels,
                nOwn: Object.keys(s.labels).length,
                labels: this.labelsOf(f.name, s.labels),
                ref: 0,
                gen: 0,
                stored: false,
              };
              byKey.set(key, ls);
            } else if (ls.gen === gen) continue; // a duplicate from /proc (never expected): first wins
          }
          ls.gen = gen;
          order[j++] = ls;
          HostCollector.appendCached(app, ls, t, s.value);
          appended++;
        }
        order.length = j;
      }
      for (const { byKey } of this.live.values()) {
        for (const ls of byKey.values()) {
          if (ls.gen === gen) continue;
          // Only a series with a stored sample gets a marker (a failed tick stored none).
          if (ls.stored) HostCollector.appendCached(app, ls, t, staleNaN);
          gone.push(byKey, ls);
        }
      }
      await app.commit();
    } catch (err) {
      try {
        app.rollback();
      } catch {
        // already finished by a failed commit
      }
      // Nothing is undone: series not stored yet stay unmarked, vanished ones are marked next tick.
      this.stats.appendErrors++;
      this.log.error({ err: errorChain(err) }, 'cannot append host metrics');
      return { t, appended: 0, stale: 0 };
    }
    let stale = 0;
    for (let i = 0; i < gone.length; i += 2) {
      const ls = gone[i + 1] as LiveSeries;
      if (ls.stored) stale++;
      (gone[i] as Map<string, LiveSeries>).delete(ls.key);
    }
    gone.length = 0;
    for (const { byKey } of this.live.values()) for (const ls of byKey.values()) ls.stored = true;
    this.lastT = t;
    if (this.opts.metadata) {
      for (const f of fams) {
        // The store dedups too, but skipping here saves a call per family per tick.
        if (this.metaWritten.get(f.name) === f.help) continue;
        this.opts.metadata.setMetadata(this.tenant, f.name, {
          type: f.type,
          help: f.help,
          unit: '',
        });
        this.metaWritten.set(f.name, f.help);
      }
    }
    return { t, appended, stale };
  }

  /** Closes the pseudo-files kept open between ticks (run() does on return; tick() reopens). */
  close(): void {
    this.ctx.files?.closeAll();
  }

  /** Marks every live series stale (the collector stops or is switched off). */
  async markAllStale(t = this.ctx.now()): Promise<number> {
    return (await this.append([], t)).stale;
  }

  /**
   * Ticks every `interval` until `signal` aborts, then marks all series stale. Ticks are
   * aligned to the interval grid; a tick that overruns skips the slots it missed.
   */
  async run(signal: AbortSignal): Promise<void> {
    const every = this.opts.config.interval;
    while (!signal.aborted) {
      const start = this.ctx.now();
      await this.tick(start);
      const wait = every - ((this.ctx.now() - start) % every);
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        break; // aborted
      }
    }
    await this.markAllStale();
    this.close();
  }
}
