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
} from '../storage/index.js';
import { errorChain, type Logger } from '../util/index.js';
import type { ResolvedScrapeConfig } from './config.js';
import { scrapeRequest, ScrapeError, type ScrapeResponse } from './fetch.js';

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

interface Cached {
  /** Final labels (after target labels and metric relabeling), or null when dropped. */
  labels: Labels | null;
  ref: number;
  /** The scrape (sequence number) that last saw this series. */
  seen: number;
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
 * the synthetic `up`/`scrape_*` series. A series cache keyed by the raw series text skips label
 * parsing and relabeling for series seen before.
 */
export class ScrapeLoop {
  private readonly cache = new Map<string, Cached>();
  private readonly reportRefs = new Map<string, number>();
  private seq = 0;
  /** Raw keys of the series the last successful scrape appended. */
  private live: string[] = [];
  last: ScrapeReport | undefined;
  lastScrapeMs = 0;

  constructor(private readonly o: ScrapeLoopOptions) {}

  private fetch(): Promise<ScrapeResponse> {
    if (this.o.fetch) return this.o.fetch(this.o.url, this.o.timeoutMs);
    const c = this.o.cfg;
    return scrapeRequest(this.o.url, c, {
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
      report = await this.ingest(res, t, started);
    } catch (err) {
      const error = err instanceof ScrapeError ? err.message : errorChain(err);
      // A failed scrape ends every series of the last one (Prometheus semantics).
      await this.markStale(this.live, t);
      this.live = [];
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
    const p = new ExpositionParser(res.body, formatOf(res.contentType), {
      limits: {
        maxLabels: c.label_limit,
        maxLabelNameLength: c.label_name_length_limit,
        maxLabelValueLength: c.label_value_length_limit,
      },
    });
    const seq = ++this.seq;
    const app = this.o.appendable.appender(this.o.tenant);
    const live: string[] = [];
    const families: FamilyMetadata[] = [];
    let scraped = 0;
    let post = 0;
    let added = 0;
    try {
      for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
        if (kind === 'metadata') {
          if (this.o.metadata) families.push(p.metadata());
          continue;
        }
        scraped++;
        const key = p.buf.toString('latin1', p.seriesStart, p.seriesEnd);
        let e = this.cache.get(key);
        if (e === undefined) {
          const merged = mergeTargetLabels(p.labels(), this.o.targetLabels, c.honor_labels);
          const labels = relabel(this.o.metricRelabel, merged) ?? null;
          e = { labels, ref: 0, seen: 0 };
          this.cache.set(key, e);
          if (labels !== null) added++;
        }
        if (e.labels === null) continue;
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
          if (!own || c.track_timestamps_staleness) live.push(key);
        }
      }
      // Series of the last scrape that did not come back: stale.
      for (const key of this.live) {
        const prev = this.cache.get(key);
        if (prev !== undefined && prev.seen !== seq && prev.labels !== null)
          this.tryAppend(app, prev.ref, null, t, staleNaN, prev.labels);
      }
      await app.commit();
    } catch (err) {
      app.rollback();
      throw err;
    }
    this.live = live;
    this.evict(seq);
    for (const f of families)
      this.o.metadata?.setMetadata(this.o.tenant, f.name, {
        type: f.type,
        help: f.help,
        unit: f.unit,
      });
    return {
      health: 'up',
      error: '',
      durationMs: performance.now() - started,
      samplesScraped: scraped,
      samplesPostRelabel: post,
      seriesAdded: added,
    };
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

  private async markStale(keys: readonly string[], t: number): Promise<void> {
    if (keys.length === 0) return;
    const app = this.o.appendable.appender(this.o.tenant);
    for (const key of keys) {
      const e = this.cache.get(key);
      if (e?.labels) this.tryAppend(app, e.ref, null, t, staleNaN, e.labels);
    }
    await app
      .commit()
      .catch((err: unknown) =>
        this.o.logger.warn({ err: errorChain(err), url: this.o.url }, 'cannot write stale markers'),
      );
  }

  private reportLabels(name: string): Labels {
    return mergeTargetLabels(Labels.fromObject({ __name__: name }), this.o.targetLabels, false);
  }

  private async appendReport(r: ScrapeReport, t: number): Promise<void> {
    const values: Record<(typeof REPORT_NAMES)[number], number> = {
      up: r.health === 'up' ? 1 : 0,
      scrape_duration_seconds: r.durationMs / 1000,
      scrape_samples_scraped: r.samplesScraped,
      scrape_samples_post_metric_relabeling: r.samplesPostRelabel,
      scrape_series_added: r.seriesAdded,
    };
    const app = this.o.appendable.appender(this.o.tenant);
    for (const name of REPORT_NAMES) {
      const ref = this.reportRefs.get(name) ?? 0;
      const got = this.tryAppend(
        app,
        ref,
        ref === 0 ? this.reportLabels(name) : null,
        t,
        values[name],
        this.reportLabels(name),
      );
      if (got !== undefined) this.reportRefs.set(name, got);
    }
    await app
      .commit()
      .catch((err: unknown) =>
        this.o.logger.warn({ err: errorChain(err), url: this.o.url }, 'cannot write scrape report'),
      );
  }

  /** Forgets series not seen for a while (bounded cache across changing targets). */
  private evict(seq: number): void {
    if (this.cache.size < 2 * this.live.length + 1000) return;
    for (const [k, e] of this.cache) if (seq - e.seen > 10) this.cache.delete(k);
  }
}
