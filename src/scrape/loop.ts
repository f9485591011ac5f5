import {
  acceptHeader,
  ExpositionParser,
  formatOf,
  type FamilyMetadata,
} from '../exposition/index.js';
import { Labels, staleNaN, type TenantId } from '../model/index.js';
import { relabel, type RelabelProgram } from '../relabel/index.js';
import {
  PermanentAppendError,
  type Appendable,
  type Appender,
  type MetadataStore,
  type MetricMetadata,
} from '../storage/index.js';
import { errorChain, hashBytes, type Logger } from '../util/index.js';
import type { ResolvedScrapeConfig } from './config.js';
import type { Agent } from 'node:http';
import { scrapeAgent, scrapeRequest, ScrapeError, type ScrapeResponse } from './fetch.js';

/** What one scrape of one target yields (also what /api/v1/targets shows). */
export interface ScrapeReport {
  health: 'up' | 'down';
  /** '' when the scrape succeeded. */
  error: string;
  durationMs: number;
  samplesScraped: number;
  samplesPostRelabel: number;
  seriesAdded: number;
}

/** Fetches a target's body (tests inject one). */
export type FetchFn = (url: string, timeoutMs: number) => Promise<ScrapeResponse>;

export interface ScrapeLoopOptions {
  cfg: ResolvedScrapeConfig;
  /** Target labels (job, instance, discovered), without `__*`. */
  targetLabels: Labels;
  url: string;
  timeoutMs: number;
  appendable: Appendable;
  /** Where TYPE/HELP/UNIT of scraped families go (for /api/v1/metadata). */
  metadata?: MetadataStore;
  tenant: TenantId;
  metricRelabel: RelabelProgram;
  logger: Logger;
  fetch?: FetchFn;
}

/** A series seen on this target, found by the hash of its raw text. */
interface Cached {
  /** The raw series text as scraped (latin1: one char per byte). */
  readonly key: string;
  readonly hash: number;
  /** Final labels (after target labels and metric relabeling), or null when dropped. */
  readonly labels: Labels | null;
  ref: number;
  /** The scrape (sequence number) that last saw this series. */
  seen: number;
  /** Next entry with the same hash. */
  next: Cached | undefined;
  /** The final labels break label_limit or a length limit: every scrape holding it fails. */
  readonly limitError: string | undefined;
}

/**
 * Merges a scraped sample's labels with the target's, as Prometheus: with `honor_labels` the
 * scraped values win; otherwise the target's win and clashing scraped labels are kept as
 * `exported_<name>`. Empty values are removed.
 */
export function mergeTargetLabels(scraped: Labels, target: Labels, honor: boolean): Labels {
  const out: Record<string, string> = scraped.toObject();
  for (let i = 0; i < target.size; i++) {
    const k = target.name(i);
    const v = target.value(i);
    if (honor) {
      if (out[k] === undefined || out[k] === '') out[k] = v;
      continue;
    }
    const existing = out[k];
    if (existing !== undefined && existing !== '') {
      let name = `exported_${k}`;
      while (out[name] !== undefined) name = `exported_${name}`;
      out[name] = existing;
    }
    out[k] = v;
  }
  for (const k of Object.keys(out)) if (out[k] === '') delete out[k];
  return Labels.fromObject(out);
}

/** Prometheus's label_limit / label_name_length_limit / label_value_length_limit check. */
export function labelLimitError(
  labels: Labels,
  c: Pick<
    ResolvedScrapeConfig,
    'label_limit' | 'label_name_length_limit' | 'label_value_length_limit'
  >,
): string | undefined {
  const metric = labels.metricName.slice(0, 50);
  if (c.label_limit > 0 && labels.size > c.label_limit)
    return `label_limit exceeded (metric: ${metric}, number of labels: ${labels.size}, limit: ${c.label_limit})`;
  if (c.label_name_length_limit === 0 && c.label_value_length_limit === 0) return undefined;
  for (let i = 0; i < labels.size; i++) {
    // Lengths in bytes, as Prometheus (Go's len).
    const n = labels.name(i);
    const v = labels.value(i);
    const nl = Buffer.byteLength(n);
    const vl = Buffer.byteLength(v);
    if (c.label_name_length_limit > 0 && nl > c.label_name_length_limit)
      return `label_name_length_limit exceeded (metric: ${metric}, label name: ${n.slice(0, 50)}, length: ${nl}, limit: ${c.label_name_length_limit})`;
    if (c.label_value_length_limit > 0 && vl > c.label_value_length_limit)
      return `label_value_length_limit exceeded (metric: ${metric}, label name: ${n.slice(0, 50)}, value: ${JSON.stringify(v.slice(0, 50))}, length: ${vl}, limit: ${c.label_value_length_limit})`;
  }
  return undefined;
}

const REPORT_NAMES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
] as const;

/**
 * Scrapes one target on demand: fetch, parse (text or OpenMetrics by Content-Type), merge
 * target labels, metric relabeling, limits, append; stale markers for series that vanished
 * since the last scrape (and for every series when a scrape fails or the target goes away);
 * the synthetic `up`/`scrape_*` series.
 *
 * The hot path allocates nothing per sample. A target nearly always lists its series in the
 * same order, so each sample line is first compared with the series at the same position in the
 * last body (the parser skips the label block when the bytes match); otherwise the hash of the
 * raw series bytes finds it in the cache. Either way label parsing, target-label merging and
 * relabeling run only for a series seen for the first time.
 */
export class ScrapeLoop {
  /** Series by the hash of their raw text (collisions chained through `next`). */
  private readonly cache = new Map<number, Cached>();
  private cached = 0;
  private readonly reportRefs = new Map<string, number>();
  private seq = 0;
  /** The series the last successful scrape appended (and may have to mark stale). */
  private live: Cached[] = [];
  private spareLive: Cached[] = [];
  /** Every sample line of the last successful body, in order: the next body's predictions. */
  private order: Cached[] = [];
  private spareOrder: Cached[] = [];
  last: ScrapeReport | undefined;
  lastScrapeMs = 0;
  /** TYPE/HELP/UNIT of the families in the last successful scrape (`/api/v1/targets/metadata`). */
  metadata: ReadonlyMap<string, MetricMetadata> = new Map();
  private agent: Agent | undefined;

  constructor(private readonly o: ScrapeLoopOptions) {}

  private fetch(): Promise<ScrapeResponse> {
    if (this.o.fetch) return this.o.fetch(this.o.url, this.o.timeoutMs);
    const c = this.o.cfg;
    this.agent ??= scrapeAgent(this.o.url);
    return scrapeRequest(this.o.url, c, {
      agent: this.agent,
      accept: acceptHeader({
        openMetrics: c.scrape_protocols.some((p) => p.startsWith('OpenMetrics')),
      }),
      timeoutMs: this.o.timeoutMs,
      bodySizeLimit: c.body_size_limit,
    });
  }

  /** One scrape at time `t` (ms): appends everything and returns the report. */
  async scrape(t: number): Promise<ScrapeReport> {
    const started = performance.now();
    this.lastScrapeMs = t;
    let report: ScrapeReport;
    try {
      const res = await this.fetch();
      // Appends the report series in the same commit (one WAL write per scrape).
      report = await this.ingest(res, t, started);
      this.last = report;
      return report;
    } catch (err) {
      const error = err instanceof ScrapeError ? err.message : errorChain(err);
      // A failed scrape ends every series of the last one (Prometheus semantics).
      await this.markStale(this.live, t);
      this.live = [];
      this.order = [];
      report = {
        health: 'down',
        error,
        durationMs: performance.now() - started,
        samplesScraped: 0,
        samplesPostRelabel: 0,
        seriesAdded: 0,
      };
    }
    await this.appendReport(report, t);
    this.last = report;
    return report;
  }

  /** A scrape refused before fetching (e.g. the job is over target_limit): reported as down. */
  async fail(t: number, error: string): Promise<ScrapeReport> {
    this.lastScrapeMs = t;
    await this.markStale(this.live, t);
    this.live = [];
    this.order = [];
    const report: ScrapeReport = {
      health: 'down',
      error,
      durationMs: 0,
      samplesScraped: 0,
      samplesPostRelabel: 0,
      seriesAdded: 0,
    };
    await this.appendReport(report, t);
    this.last = report;
    return report;
  }

  /** The target went away: stale markers for all its series and its report series. */
  async stop(t: number): Promise<void> {
    this.agent?.destroy();
    this.agent = undefined;
    await this.markStale(this.live, t);
    this.live = [];
    const app = this.o.appendable.appender(this.o.tenant);
    for (const name of REPORT_NAMES) this.tryAppend(app, 0, this.reportLabels(name), t, staleNaN);
    await app
      .commit()
      .catch((err: unknown) =>
        this.o.logger.warn({ err: errorChain(err), url: this.o.url }, 'cannot write stale markers'),
      );
  }

  private async ingest(res: ScrapeResponse, t: number, started: number): Promise<ScrapeReport> {
    const c = this.o.cfg;
    // label_limit and the length limits apply to the final labels (after target labels and
    // metric relabeling, as Prometheus): checked when a series is first cached.
    const p = new ExpositionParser(res.body, formatOf(res.contentType));
    const seq = ++this.seq;
    const app = this.o.appendable.appender(this.o.tenant);
    const live = this.spareLive;
    let nLive = 0;
    const prev = this.order;
    const order = this.spareOrder;
    const families: FamilyMetadata[] = [];
    let scraped = 0;
    let post = 0;
    let added = 0;
    let report: ScrapeReport;
    p.expect = prev.length > 0 ? prev[0].key : undefined;
    try {
      for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
        if (kind === 'metadata') {
          families.push(p.metadata());
          continue;
        }
        let e: Cached;
        if (p.hinted) e = prev[scraped];
        else {
          const found = this.find(p.buf, p.seriesStart, p.seriesEnd);
          if (found !== undefined) e = found;
          else {
            e = this.add(p);
            if (e.labels !== null) added++;
          }
        }
        order[scraped++] = e;
        p.expect = scraped < prev.length ? prev[scraped].key : undefined;
        if (e.labels === null) {
          e.seen = seq; // dropped by relabeling: only kept from eviction
          continue;
        }
        if (e.limitError !== undefined) throw new ScrapeError(e.limitError);
        if (e.seen === seq) continue; // a duplicate series in one body: first one wins
        post++;
        if (c.sample_limit > 0 && post > c.sample_limit)
          throw new ScrapeError(`sample_limit exceeded (limit ${c.sample_limit})`);
        const own = c.honor_timestamps && p.hasTimestamp;
        const ts = own ? p.timestampMs : t;
        const ref = this.tryAppend(
          app,
          e.ref,
          e.ref === 0 ? e.labels : null,
          ts,
          p.value,
          e.labels,
        );
        if (ref !== undefined) {
          e.ref = ref;
          e.seen = seq;
          // As Prometheus: series with their own timestamps get no stale markers unless
          // track_timestamps_staleness is set.
          if (!own || c.track_timestamps_staleness) live[nLive++] = e;
        }
      }
      // Series of the last scrape that did not come back: stale.
      for (const old of this.live) {
        if (old.seen !== seq && old.labels !== null)
          this.tryAppend(app, old.ref, null, t, staleNaN, old.labels);
      }
      report = {
        health: 'up',
        error: '',
        durationMs: performance.now() - started,
        samplesScraped: scraped,
        samplesPostRelabel: post,
        seriesAdded: added,
      };
      this.addReport(app, report, t);
      await app.commit();
    } catch (err) {
      app.rollback();
      order.length = 0;
      live.length = 0;
      throw err;
    }
    // Reused arrays: same length scrape after scrape, so no reallocation.
    if (live.length > nLive) live.length = nLive;
    if (order.length > scraped) order.length = scraped;
    this.spareLive = this.live;
    this.live = live;
    this.spareOrder = prev;
    this.order = order;
    this.evict(seq);
    const metadata = new Map<string, MetricMetadata>();
    for (const f of families) {
      const m: MetricMetadata = { type: f.type, help: f.help, unit: f.unit };
      metadata.set(f.name, m);
      this.o.metadata?.setMetadata(this.o.tenant, f.name, m);
    }
    this.metadata = metadata;
    return report;
  }

  /** The cached series whose raw text is `buf[s, e)`, or undefined. */
  private find(buf: Buffer, s: number, e: number): Cached | undefined {
    const len = e - s;
    outer: for (let c = this.cache.get(hashBytes(buf, s, e)); c !== undefined; c = c.next) {
      const k = c.key;
      if (k.length !== len) continue;
      for (let i = 0; i < len; i++) if (buf[s + i] !== k.charCodeAt(i)) continue outer;
      return c;
    }
    return undefined;
  }

  /** Caches the parser's current series (a first sighting): labels merged and relabeled. */
  private add(p: ExpositionParser): Cached {
    const merged = mergeTargetLabels(p.labels(), this.o.targetLabels, this.o.cfg.honor_labels);
    const hash = hashBytes(p.buf, p.seriesStart, p.seriesEnd);
    const labels = relabel(this.o.metricRelabel, merged) ?? null;
    const e: Cached = {
      key: p.buf.toString('latin1', p.seriesStart, p.seriesEnd),
      hash,
      labels,
      ref: 0,
      seen: 0,
      next: this.cache.get(hash),
      limitError: labels === null ? undefined : labelLimitError(labels, this.o.cfg),
    };
    this.cache.set(hash, e);
    this.cached++;
    return e;
  }

  /** Appends one sample; a refused sample is skipped (logged at debug), as Prometheus does. */
  private tryAppend(
    app: Appender,
    ref: number,
    labels: Labels | null,
    t: number,
    v: number,
    fallback?: Labels,
  ): number | undefined {
    try {
      return app.append(ref, labels, t, v);
    } catch (err) {
      if (labels === null && fallback !== undefined && !(err instanceof PermanentAppendError))
        return this.tryAppend(app, 0, fallback, t, v);
      if (err instanceof PermanentAppendError) {
        this.o.logger.debug({ err: err.message, url: this.o.url }, 'scraped sample refused');
        return undefined;
      }
      throw err;
    }
  }

  private async markStale(entries: readonly Cached[], t: number): Promise<void> {
    if (entries.length === 0) return;
    const app = this.o.appendable.appender(this.o.tenant);
    for (const e of entries) {
      if (e.labels) this.tryAppend(app, e.ref, null, t, staleNaN, e.labels);
    }
    await app
      .commit()
      .catch((err: unknown) =>
        this.o.logger.warn({ err: errorChain(err), url: this.o.url }, 'cannot write stale markers'),
      );
  }

  /** The report series' labels, built once per loop (the target's labels do not change). */
  private readonly reportLabelSets = new Map<string, Labels>();

  private reportLabels(name: string): Labels {
    let l = this.reportLabelSets.get(name);
    if (l === undefined) {
      l = mergeTargetLabels(Labels.fromObject({ __name__: name }), this.o.targetLabels, false);
      this.reportLabelSets.set(name, l);
    }
    return l;
  }

  private async appendReport(r: ScrapeReport, t: number): Promise<void> {
    const app = this.o.appendable.appender(this.o.tenant);
    this.addReport(app, r, t);
    await app
      .commit()
      .catch((err: unknown) =>
        this.o.logger.warn({ err: errorChain(err), url: this.o.url }, 'cannot write scrape report'),
      );
  }

  /** Appends the report series (`up`, `scrape_*`) to `app`. */
  private addReport(app: Appender, r: ScrapeReport, t: number): void {
    const values: Record<(typeof REPORT_NAMES)[number], number> = {
      up: r.health === 'up' ? 1 : 0,
      scrape_duration_seconds: r.durationMs / 1000,
      scrape_samples_scraped: r.samplesScraped,
      scrape_samples_post_metric_relabeling: r.samplesPostRelabel,
      scrape_series_added: r.seriesAdded,
    };
    for (const name of REPORT_NAMES) {
      const ref = this.reportRefs.get(name) ?? 0;
      const labels = this.reportLabels(name);
      const got = this.tryAppend(app, ref, ref === 0 ? labels : null, t, values[name], labels);
      if (got !== undefined) this.reportRefs.set(name, got);
    }
  }

  /** Forgets series not seen for a while (bounded cache across changing targets). */
  private evict(seq: number): void {
    if (this.cached < 2 * this.order.length + 1000) return;
    for (const [h, first] of this.cache) {
      let head: Cached | undefined;
      let tail: Cached | undefined;
      for (let c: Cached | undefined = first; c !== undefined;) {
        const next: Cached | undefined = c.next;
        if (seq - c.seen > 10) this.cached--;
        else {
          c.next = undefined;
          if (tail === undefined) head = c;
          else tail.next = c;
          tail = c;
        }
        c = next;
      }
      if (head === undefined) this.cache.delete(h);
      else if (head !== first) this.cache.set(h, head);
    }
  }
}
