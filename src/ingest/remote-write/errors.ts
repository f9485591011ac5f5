import { ArgusError } from '../../util/index.js';
import {
  AppendError,
  DuplicateSampleError,
  FutureSampleError,
  InvalidSeriesError,
  InvalidTimestampError,
  LimitExceededError,
  OutOfOrderSampleError,
  PermanentAppendError,
  StorageUnavailableError,
  TooOldSampleError,
} from '../../storage/index.js';

/** Why a request (and its samples) was refused: the `reason` label of the rejection counters. */
export type RejectReason =
  | 'malformed'
  | 'too_large'
  | 'invalid_labels'
  | 'invalid_timestamp'
  | 'out_of_order'
  | 'duplicate_timestamp'
  | 'too_old'
  | 'too_far_in_future'
  | 'native_histograms'
  | 'limit_exceeded'
  | 'unavailable'
  | 'rejected';

/**
 * A remote_write request was refused. `status` is the HTTP status to answer with: 400 for data
 * that can never be accepted, 413 for size limits, 429/503 for retryable conditions. `samples`
 * counts the samples of the refused request (best effort; 0 when the body could not be read).
 */
export class RemoteWriteError extends ArgusError {
  constructor(
    readonly status: 400 | 413 | 429 | 503,
    readonly reason: RejectReason,
    message: string,
    options?: { cause?: unknown },
    public samples = 0,
  ) {
    super(message, options);
  }
}

/** A malformed body (bad snappy, bad protobuf): 400 "cannot decode remote_write request: …". */
export function malformed(detail: string, cause?: unknown): RemoteWriteError {
  return new RemoteWriteError(400, 'malformed', `cannot decode remote_write request: ${detail}`, {
    cause,
  });
}

/**
 * Maps a storage append/commit error to the HTTP-facing error: permanent kinds to 400, limits to
 * 429, unavailability to 503. Returns undefined for errors that are not AppendErrors (bugs, I/O):
 * the caller lets those become a 500.
 */
export function fromAppendError(err: unknown, context: string): RemoteWriteError | undefined {
  if (!(err instanceof AppendError)) return undefined;
  const msg = `${context}: ${err.message}`;
  if (err instanceof LimitExceededError)
    return new RemoteWriteError(429, 'limit_exceeded', msg, { cause: err });
  if (err instanceof StorageUnavailableError)
    return new RemoteWriteError(503, 'unavailable', msg, { cause: err });
  if (!(err instanceof PermanentAppendError)) return undefined;
  return new RemoteWriteError(400, permanentReason(err), msg, { cause: err });
}

function permanentReason(err: PermanentAppendError): RejectReason {
  if (err instanceof OutOfOrderSampleError) return 'out_of_order';
  if (err instanceof DuplicateSampleError) return 'duplicate_timestamp';
  if (err instanceof TooOldSampleError) return 'too_old';
  if (err instanceof FutureSampleError) return 'too_far_in_future';
  if (err instanceof InvalidTimestampError) return 'invalid_timestamp';
  if (err instanceof InvalidSeriesError) return 'invalid_labels';
  return 'rejected';
}
