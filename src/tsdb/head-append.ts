import {
  InvalidLabelsError,
  type Labels,
  sameFloatBits,
  type TenantId,
  validateLabels,
} from '../model/index.js';
import {
  type AppendError,
  type Appender,
  type AppendResult,
  DuplicateSampleError,
  FutureSampleError,
  InvalidSeriesError,
  InvalidTimestampError,
  LimitExceededError,
  OutOfOrderSampleError,
  type SeriesRef,
  TooOldSampleError,
  UnknownSeriesRefError,
} from '../storage/index.js';
import { BugError } from '../util/index.js';
import type { ClosedChunk, Head, RejectReason } from './head.js';
import type { MemSeries } from './head-series.js';
import { seriesBudget } from './limits.js';
import { encodeSamples, encodeSeries } from './wal/records.js';

/** What an appender needs from its tenant's database at commit. */
export interface CommitTarget {
  readonly head: Head;
  readonly tenant: TenantId;
  now(): number;
  /** Throws StorageUnavailableError when the store is not ready or closing. */
  checkWritable(): void;
  /** Encoded metadata changes not yet logged (taken: the caller logs them), or null. */
  takeMetadataRecord(): Uint8Array | null;
  /**
   * Appends records to the WAL; resolves once durable per the fsync mode. `closed` are the
   * chunks the commit's samples closed: they MUST NOT be persisted before this write (and so
   * every earlier one: WAL writes are ordered) is durable, since they may hold samples of
   * commits still in flight.
   */
  log(records: Uint8Array[], closed?: ClosedChunk[] | null): Promise<void>;
}

/**
 * One batch for one tenant's head. `append` validates against the head synchronously (and
 * creates unknown series, so it can return their ref); `commit` re-validates the whole batch
 * against the head as it is then (other batches may have committed), applies it atomically,
 * then waits for the WAL write. Pending samples live in typed arrays: no per-sample objects.
 */
export class HeadAppender implements Appender {
  private series: MemSeries[] = [];
  private ts = new Float64Array(256);
  /** Values in a Float64Array: a number[] would canonicalise NaN payloads (stale markers). */
  private vs = new Float64Array(256);
  private n = 0;
  private dups = 0;
  private done = false;
  private readonly id: number;
  private readonly maxT: number;
  private readonly minValid: number;

  constructor(private readonly db: CommitTarget) {
    db.checkWritable();
    this.id = db.head.nextBatchId();
    this.maxT = db.now() + db.head.limits.maxFutureMs;
    this.minValid = db.head.appendMinValidTime();
  }

  append(ref: SeriesRef, labels: Labels | null, t: number, v: number): SeriesRef {
    if (this.done) throw new BugError('appender used after commit/rollback');
    const head = this.db.head;
    let s: MemSeries | undefined;
    if (labels === null) {
      s = head.getByRef(ref);
      if (s === undefined || s.deleted) {
        throw new UnknownSeriesRefError(
          `cannot append sample: unknown series ref ${ref} (send the labels)`,
        );
      }
    } else {
      if (ref !== 0) {
        s = head.getByRef(ref);
        if (s !== undefined && (s.deleted || !s.labels.equals(labels))) s = undefined;
      }
      s ??= head.getByLabels(labels) ?? this.createSeries(labels);
    }
    if (!(t >= 0 && t <= Number.MAX_SAFE_INTEGER && Math.floor(t) === t)) {
      throw this.reject(
        'invalid_timestamp',
        new InvalidTimestampError(
          `cannot append sample for ${s.labels.toString()}: invalid timestamp ${t}, want an integer >= 0 (ms)`,
        ),
      );
    }
    if (t > this.maxT) {
      throw this.reject(
        'future',
        new FutureSampleError(
          `cannot append sample for ${s.labels.toString()}: timestamp ${t} is more than ${head.limits.maxFutureMs} ms in the future (max ${this.maxT})`,
        ),
      );
    }
    if (this.check(s, t, v, this.minValid, this.id)) this.push(s, t, v);
    else this.dups++;
    return s.ref;
  }

  /** Validates labels and the series limit, then creates the series in the head. */
  private createSeries(labels: Labels): MemSeries {
    const head = this.db.head;
    try {
      validateLabels(labels, head.limits.labels, head.limits.nameValidation);
    } catch (err) {
      if (!(err instanceof InvalidLabelsError)) throw err;
      throw this.reject(
        'invalid_labels',
        new InvalidSeriesError(`cannot append sample: ${err.message}`, { cause: err }),
      );
    }
    const budget = seriesBudget(head.limits, this.db.tenant);
    if (head.numSeries >= budget.max) {
      throw this.reject(
        'series_limit',
        new LimitExceededError(
          `cannot create series ${labels.toString()}: tenant "${this.db.tenant}" has reached its limit of ${budget.max} series (${budget.setting})`,
        ),
      );
    }
    return head.create(labels);
  }

  /**
   * Ordering checks against the head and this batch: true to store the sample, false for an
   * exact duplicate of a stored one; throws the typed error otherwise. Marks the series with
   * the batch's last timestamp.
   */
  private check(s: MemSeries, t: number, v: number, minValid: number, batch: number): boolean {
    if (s.batchId === batch) {
      if (t <= s.batchT) {
        throw this.reject(
          'out_of_order',
          new OutOfOrderSampleError(
            `cannot append sample for ${s.labels.toString()}: timestamp ${t} is not after ${s.batchT} in the same batch`,
          ),
        );
      }
    } else {
      const last = s.lastT;
      if (t <= last) {
        if (t === last) {
          if (sameFloatBits(s.lastV, v)) return false;
          throw this.reject(
            'duplicate',
            new DuplicateSampleError(
              `cannot append sample for ${s.labels.toString()}: a different value is stored at timestamp ${t}`,
            ),
          );
        }
        const old = s.valueAt(t);
        if (old !== undefined && sameFloatBits(old, v)) return false;
        throw this.reject(
          'out_of_order',
          new OutOfOrderSampleError(
            `cannot append sample for ${s.labels.toString()}: timestamp ${t} is before the newest stored ${last}`,
          ),
        );
      }
    }
    if (t < minValid) {
      throw this.reject(
        'too_old',
        new TooOldSampleError(
          `cannot append sample for ${s.labels.toString()}: timestamp ${t} is older than the head accepts (min ${minValid})`,
        ),
      );
    }
    s.batchId = batch;
    s.batchT = t;
    return true;
  }

  private push(s: MemSeries, t: number, v: number): void {
    const n = this.n;
    if (n === this.ts.length) {
      const ts = new Float64Array(n * 2);
      ts.set(this.ts);
      this.ts = ts;
      const vs = new Float64Array(n * 2);
      vs.set(this.vs);
      this.vs = vs;
    }
    this.series.push(s);
    this.ts[n] = t;
    this.vs[n] = v;
    this.n = n + 1;
  }

  private reject(reason: RejectReason, err: AppendError): AppendError {
    this.db.head.counters.reject(reason);
    return err;
  }

  async commit(): Promise<AppendResult> {
    if (this.done) throw new BugError('appender used after commit/rollback');
    this.done = true;
    const db = this.db;
    const head = db.head;
    db.checkWritable();
    const n = this.n;
    const series = this.series;
    const ts = this.ts;
    const vs = this.vs;
    // Re-validate against the head as it is now; nothing is applied if any sample fails.
    const batch = head.nextBatchId();
    const minValid = head.appendMinValidTime();
    let keep: Uint8Array | null = null;
    let dups = this.dups;
    for (let i = 0; i < n; i++) {
      let s = series[i];
      if (s.deleted) {
        // Garbage-collected meanwhile (it had no data): resolve the labels again.
        s = head.getByLabels(s.labels) ?? head.create(s.labels);
        series[i] = s;
      }
      if (!this.check(s, ts[i], vs[i], minValid, batch)) {
        keep ??= new Uint8Array(n).fill(1);
        keep[i] = 0;
        dups++;
      }
    }
    const refs = new Float64Array(n);
    const newSeries: { ref: number; labels: Labels }[] = [];
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (keep !== null && keep[i] === 0) continue;
      const s = series[i];
      if (!s.logged) {
        newSeries.push(s);
        head.markLogged(s);
      }
      refs[m] = s.ref;
      ts[m] = ts[i];
      vs[m] = vs[i];
      series[m] = s;
      m++;
    }
    const records: Uint8Array[] = [];
    if (newSeries.length > 0) records.push(encodeSeries(newSeries));
    if (m > 0) records.push(encodeSamples(refs, ts, vs, m));
    const md = db.takeMetadataRecord();
    if (md !== null) records.push(md);
    for (let i = 0; i < m; i++) head.append(series[i], ts[i], vs[i]);
    const closed = head.takeClosed();
    head.counters.samplesAppended += m;
    head.counters.duplicates += dups;
    this.series = [];
    if (records.length > 0) await db.log(records, closed);
    return { appended: m, duplicates: dups, newSeries: newSeries.length };
  }

  rollback(): void {
    this.done = true;
    this.series = [];
    this.n = 0;
  }
}
