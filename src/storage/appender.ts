import type { Labels, TenantId } from '../model/index.js';

/**
 * Opaque, process-local handle to a series, returned by `Appender.append`. 0 means "unknown".
 * Refs are never reused within a process, so a stale ref can only be unknown, never wrong.
 */
export type SeriesRef = number;

/** Counts a committed batch leaves behind. */
export interface AppendResult {
  /** Samples newly stored. */
  appended: number;
  /** Exact duplicates of stored samples (same series, timestamp and value), accepted as no-ops. */
  duplicates: number;
  /** Series created by this batch. */
  newSeries: number;
}

/**
 * Where samples go. Implemented by the TSDB (and by fan-outs and test stores).
 *
 * Contract:
 * - `appender(tenant)` MUST be cheap; an appender is used by one caller for one batch.
 * - Implementations MUST be safe to use from many concurrent batches (one event loop,
 *   interleaved `await`s); a batch's samples become visible atomically at `commit`.
 */
export interface Appendable {
  appender(tenant: TenantId): Appender;
}

/**
 * One batch of samples for one tenant: all-or-nothing.
 *
 * - `append` validates synchronously and throws an `AppendError` subclass for a sample that
 *   cannot be accepted. A `PermanentAppendError` (out of order, duplicate, too old, invalid)
 *   leaves the batch as it was: the caller may skip that sample and go on (a scrape drops such
 *   samples, as Prometheus does) or `rollback` (remote_write refuses the whole request). It returns the series' ref, which the
 *   caller MAY pass on later calls (with `labels` null) to skip the label lookup; an unknown ref
 *   with null labels throws `UnknownSeriesRefError`, after which the caller retries with labels.
 *   Timestamps are integer milliseconds since the epoch; values any float64 incl. NaN and the
 *   stale marker. An exact duplicate of a stored sample is accepted and counted, not stored.
 *   Samples of one series within one batch MUST be in increasing time order.
 * - `labels` are adopted: the caller MUST NOT mutate them afterwards.
 * - `commit` resolves once every sample of the batch is durable per the store's policy (for the
 *   TSDB: in the WAL and fsynced, or written, per its fsync mode) and visible to queries; it
 *   rejects with an AppendError if the batch conflicts with data committed meanwhile, in which
 *   case nothing of the batch is applied.
 * - After `commit` or `rollback` the appender MUST NOT be used again.
 */
export interface Appender {
  append(ref: SeriesRef, labels: Labels | null, t: number, v: number): SeriesRef;
  commit(): Promise<AppendResult>;
  rollback(): void;
}
