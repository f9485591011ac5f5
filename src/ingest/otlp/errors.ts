import { ArgusError } from '../../util/index.js';
import {
  AppendError,
  InvalidSeriesError,
  LimitExceededError,
  PermanentAppendError,
  StorageUnavailableError,
} from '../../storage/index.js';

/** Why an OTLP request was refused (a metrics label, like remote_write's reasons). */
export type OtlpRejectReason =
  | 'malformed'
  | 'too_large'
  | 'unsupported_media_type'
  | 'invalid_labels'
  | 'rejected'
  | 'limit_exceeded'
  | 'unavailable';

/**
 * An OTLP export request was refused as a whole. `status` is the HTTP status to answer with
 * (OTLP/HTTP: 400 bad data and 413 too large are not retryable; 429/503 are retryable;
 * 415 for an unknown Content-Type or Content-Encoding). `dataPoints` counts the data points of
 * the refused request when known (0 when the body could not be decoded).
 */
export class OtlpError extends ArgusError {
  constructor(
    readonly status: 400 | 413 | 415 | 429 | 503,
    readonly reason: OtlpRejectReason,
    message: string,
    options?: { cause?: unknown },
    public dataPoints = 0,
  ) {
    super(message, options);
  }
}

/** A malformed body: 400 "cannot decode OTLP metrics request: …". */
export function malformed(detail: string, cause?: unknown): OtlpError {
  return new OtlpError(400, 'malformed', `cannot decode OTLP metrics request: ${detail}`, {
    cause,
  });
}

/** A size limit: 413 "cannot decode OTLP metrics request: …". */
export function tooLarge(detail: string, cause?: unknown): OtlpError {
  return new OtlpError(413, 'too_large', `cannot decode OTLP metrics request: ${detail}`, {
    cause,
  });
}

/**
 * Maps a storage append/commit error to the HTTP-facing error: permanent kinds to 400, limits to
 * 429, unavailability to 503. Undefined for other errors (bugs, I/O), which become a 500.
 */
export function fromAppendError(err: unknown, context: string): OtlpError | undefined {
  if (!(err instanceof AppendError)) return undefined;
  const msg = `${context}: ${err.message}`;
  if (err instanceof LimitExceededError)
    return new OtlpError(429, 'limit_exceeded', msg, { cause: err });
  if (err instanceof StorageUnavailableError)
    return new OtlpError(503, 'unavailable', msg, { cause: err });
  if (!(err instanceof PermanentAppendError)) return undefined;
  const reason = err instanceof InvalidSeriesError ? 'invalid_labels' : 'rejected';
  return new OtlpError(400, reason, msg, { cause: err });
}
