import {
  DEFAULT_TENANT,
  InvalidLabelsError,
  type Labels,
  type Matcher,
  sameFloatBits,
  type TenantId,
  validateLabels,
} from '../model/index.js';
import type { Appendable, Appender, AppendResult, SeriesRef } from './appender.js';
import { ArraySampleIterator } from './array-iterator.js';
import {
  DuplicateSampleError,
  FutureSampleError,
  InvalidSeriesError,
  InvalidTimestampError,
  LimitExceededError,
  OutOfOrderSampleError,
  UnknownSeriesRefError,
} from './errors.js';
import type { MetadataStore, MetricMetadata } from './metadata.js';
import type { Querier, Queryable, Series } from './querier.js';

interface MemSeries {
  ref: SeriesRef;
  labels: Labels;
  ts: number[];
  /**
   * Values in a Float64Array, not a number[]: V8 canonicalises NaNs stored into double arrays,
   * which would erase the stale marker's bits.
   */
  vs: GrowableF64;
}

class GrowableF64 {
  buf = new Float64Array(4);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) {
      const n = new Float64Array(this.buf.length * 2);
      n.set(this.buf);
      this.buf = n;
    }
    this.buf[this.length++] = v;
  }
  at(i: number): number {
    return this.buf[i];
  }
}

interface TenantData {
  byHash: Map<number, MemSeries[]>;
  byRef: Map<SeriesRef, MemSeries>;
  metadata: Map<string, MetricMetadata>;
}

/**
 * A simple, obviously-correct in-memory store implementing the storage seams with the same
 * append semantics as the TSDB. The reference implementation for the shared storage suite and
 * a stand-in for tests of modules above storage. Not for production: no compression, no limits
 * on memory.
 */
export class MemStore implements Appendable, Queryable, MetadataStore {
  private readonly tenants = new Map<TenantId, TenantData>();
  private nextRef = 1;

  constructor(
    private readonly opts: {
      maxFutureMs?: number;
      maxSeriesPerTenant?: number;
      now?: () => number;
    } = {},
  ) {}

  private tenant(t: TenantId): TenantData {
    let d = this.tenants.get(t);
    if (!d) {
      d = { byHash: new Map(), byRef: new Map(), metadata: new Map() };
      this.tenants.set(t, d);
    }
    return d;
  }

  private find(d: TenantData, labels: Labels): MemSeries | undefined {
    return d.byHash.get(labels.hash())?.find((s) => s.labels.equals(labels));
  }

  appender(tenant: TenantId = DEFAULT_TENANT): Appender {
    return new MemAppender(this, tenant);
  }

  /** @internal used by MemAppender */
  _validate(
    tenant: TenantId,
    pending: Map<string, number>,
    labels: Labels,
    t: number,
    v: number,
  ): 'dup' | 'ok' {
    if (!Number.isInteger(t) || t < 0) {
      throw new InvalidTimestampError(
        `cannot append sample for ${labels.toString()}: invalid timestamp ${t}`,
      );
    }
    const now = (this.opts.now ?? Date.now)();
    if (this.opts.maxFutureMs !== undefined && t > now + this.opts.maxFutureMs) {
      throw new FutureSampleError(
        `cannot append sample for ${labels.toString()}: timestamp ${t} is more than ${this.opts.maxFutureMs} ms in the future`,
      );
    }
    const key = labels.flat.join('\u0000');
    const pendingLast = pending.get(key);
    if (pendingLast !== undefined && t <= pendingLast) {
      throw new OutOfOrderSampleError(
        `cannot append sample for ${labels.toString()}: timestamp ${t} is not after ${pendingLast} in the same batch`,
      );
    }
    const d = this.tenant(tenant);
    const s = this.find(d, labels);
    if (s && s.ts.length > 0) {
      const lastT = s.ts[s.ts.length - 1];
      if (t < lastT) {
        // An exact duplicate of an older stored sample is still a duplicate (retry after lost 2xx).
        const i = s.ts.indexOf(t);
        if (i >= 0 && sameFloatBits(s.vs.at(i), v)) return 'dup';
        throw new OutOfOrderSampleError(
          `cannot append sample for ${labels.toString()}: timestamp ${t} is before the newest stored ${lastT}`,
        );
      }
      if (t === lastT) {
        if (sameFloatBits(s.vs.at(s.vs.length - 1), v)) return 'dup';
        throw new DuplicateSampleError(
          `cannot append sample for ${labels.toString()}: a different value is stored at timestamp ${t}`,
        );
      }
    }
    pending.set(key, t);
    return 'ok';
  }

  /** @internal */
  _refLabels(tenant: TenantId, ref: SeriesRef): Labels | undefined {
    return this.tenant(tenant).byRef.get(ref)?.labels;
  }

  /** @internal applies a validated batch; returns the number of series created. */
  _apply(tenant: TenantId, batch: { labels: Labels; t: number; v: number }[]): number {
    const d = this.tenant(tenant);
    let created = 0;
    for (const { labels, t, v } of batch) {
      let s = this.find(d, labels);
      if (!s) {
        s = { ref: this.nextRef++, labels, ts: [], vs: new GrowableF64() };
        const h = labels.hash();
        const list = d.byHash.get(h);
        if (list) list.push(s);
        else d.byHash.set(h, [s]);
        d.byRef.set(s.ref, s);
        created++;
      }
      s.ts.push(t);
      s.vs.push(v);
    }
    return created;
  }

  /** @internal */
  _ensureRef(tenant: TenantId, labels: Labels, newSeries: Set<string>): SeriesRef {
    const d = this.tenant(tenant);
    const s = this.find(d, labels);
    if (s) return s.ref;
    const max = this.opts.maxSeriesPerTenant;
    const key = labels.flat.join('\u0000');
    if (max !== undefined && !newSeries.has(key) && d.byRef.size + newSeries.size >= max) {
      throw new LimitExceededError(
        `cannot create series ${labels.toString()}: tenant has reached its limit of ${max} series`,
      );
    }
    newSeries.add(key);
    return 0;
  }

  querier(tenant: TenantId, mint: number, maxt: number): Querier {
    const d = this.tenant(tenant);
    const all = [...d.byRef.values()];
    const matching = (ms: readonly Matcher[] | undefined) =>
      all.filter((s) => (ms ?? []).every((m) => m.matches(s.labels.get(m.name))));
    return {
      select(matchers): Series[] {
        const out: Series[] = [];
        for (const s of matching(matchers)) {
          const ts: number[] = [];
          const vs = new GrowableF64();
          for (let i = 0; i < s.ts.length; i++) {
            if (s.ts[i] >= mint && s.ts[i] <= maxt) {
              ts.push(s.ts[i]);
              vs.push(s.vs.at(i));
            }
          }
          if (ts.length > 0)
            out.push({
              labels: s.labels,
              iterator: () => new ArraySampleIterator(ts, vs.buf.subarray(0, vs.length)),
            });
        }
        return out.sort((a, b) => (a.labels === b.labels ? 0 : compareLabels(a.labels, b.labels)));
      },
      labelNames(matchers) {
        const names = new Set<string>();
        for (const s of matching(matchers))
          for (let i = 0; i < s.labels.size; i++) names.add(s.labels.name(i));
        return [...names].sort();
      },
      labelValues(name, matchers) {
        const vals = new Set<string>();
        for (const s of matching(matchers)) {
          const v = s.labels.get(name);
          if (v !== '') vals.add(v);
        }
        return [...vals].sort();
      },
      close() {},
    };
  }

  setMetadata(tenant: TenantId, metric: string, md: MetricMetadata): void {
    this.tenant(tenant).metadata.set(metric, { ...md });
  }

  getMetadata(tenant: TenantId, metric?: string): Map<string, MetricMetadata> {
    const all = this.tenant(tenant).metadata;
    if (metric === undefined) return new Map<string, MetricMetadata>(all);
    const md = all.get(metric);
    return new Map<string, MetricMetadata>(md ? [[metric, md]] : []);
  }
}

function compareLabels(a: Labels, b: Labels): number {
  const x = a.flat;
  const y = b.flat;
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

class MemAppender implements Appender {
  private batch: { labels: Labels; t: number; v: number }[] = [];
  private pending = new Map<string, number>();
  private newSeries = new Set<string>();
  private dups = 0;
  private done = false;

  constructor(
    private readonly store: MemStore,
    private readonly tenant: TenantId,
  ) {}

  append(ref: SeriesRef, labels: Labels | null, t: number, v: number): SeriesRef {
    if (this.done) throw new Error('BUG: appender used after commit/rollback');
    let ls = labels;
    if (ls === null) {
      ls = this.store._refLabels(this.tenant, ref) ?? null;
      if (ls === null) throw new UnknownSeriesRefError(`cannot append: unknown series ref ${ref}`);
    } else {
      try {
        validateLabels(ls);
      } catch (err) {
        if (err instanceof InvalidLabelsError) {
          throw new InvalidSeriesError(`cannot append sample: ${err.message}`, { cause: err });
        }
        throw err;
      }
    }
    const existing = this.store._ensureRef(this.tenant, ls, this.newSeries);
    if (this.store._validate(this.tenant, this.pending, ls, t, v) === 'dup') {
      this.dups++;
    } else {
      this.batch.push({ labels: ls, t, v });
    }
    return existing;
  }

  async commit(): Promise<AppendResult> {
    if (this.done) throw new Error('BUG: appender used after commit/rollback');
    this.done = true;
    // Re-validate against data committed since append() (other batches may have landed).
    const pending = new Map<string, number>();
    const batch = this.batch;
    const keep: typeof batch = [];
    let dups = this.dups;
    for (const s of batch) {
      if (this.store._validate(this.tenant, pending, s.labels, s.t, s.v) === 'dup') dups++;
      else keep.push(s);
    }
    const newSeries = this.store._apply(this.tenant, keep);
    await Promise.resolve();
    return { appended: keep.length, duplicates: dups, newSeries };
  }

  rollback(): void {
    this.done = true;
    this.batch = [];
  }
}
