import { ArgusError } from '../util/index.js';

/**
 * Append errors. Each names the series and the sample; ingesters map them to HTTP statuses:
 * the "never acceptable" kinds (`PermanentAppendError`) to 400, limits/overload to 429/503.
 */
export class AppendError extends ArgusError {}

/** Data that can never be accepted as sent (retrying will not help). */
export class PermanentAppendError extends AppendError {}

/** The sample is older than the newest sample of its series (out-of-order). */
export class OutOfOrderSampleError extends PermanentAppendError {}
/** A sample exists for this series and timestamp with a different value. */
export class DuplicateSampleError extends PermanentAppendError {}
/** The sample is older than the store accepts (before the head's minimum valid time). */
export class TooOldSampleError extends PermanentAppendError {}
/** The sample's timestamp is too far in the future. */
export class FutureSampleError extends PermanentAppendError {}
/** The timestamp is not a finite integer number of milliseconds. */
export class InvalidTimestampError extends PermanentAppendError {}
/** The label set is invalid (wraps model's InvalidLabelsError as `cause`). */
export class InvalidSeriesError extends PermanentAppendError {}

/** A limit (e.g. the tenant's series budget) is reached; retryable later. */
export class LimitExceededError extends AppendError {
  /** When a retry can succeed (rate limits), ms; undefined when unknown. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/**
 * The batch is larger than the store would ever accept at once (e.g. more line bytes than the
 * tenant's ingestion burst): retrying it cannot help, splitting it can (HTTP 413).
 */
export class BatchTooLargeError extends PermanentAppendError {}

/** The store is closing, not ready, or overloaded; retryable. */
export class StorageUnavailableError extends AppendError {}

/** `append` was called with a ref the store no longer (or never) knew and no labels. */
export class UnknownSeriesRefError extends AppendError {}

/** A query could not be answered (bad matchers, storage failure…). */
export class QueryError extends ArgusError {}
