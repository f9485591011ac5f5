import {
  AccessConflictError,
  AccessNotFoundError,
  AccessValidationError,
  ForbiddenError,
  RateLimitedError,
  UnauthenticatedError,
} from '../auth/index.js';
import { InvalidTenantError } from '../model/index.js';
import { PromQLError } from '../promql/index.js';
import { InvalidSecretError, SecretNotFoundError } from '../secrets/index.js';
import { LimitExceededError, QueryError, StorageUnavailableError } from '../storage/index.js';
import { TenantLimitError } from '../tenancy/index.js';
import { ArgusError } from '../util/index.js';

/** The closed set of error types of the Prometheus-compatible JSON API. */
export type ErrorType =
  | 'bad_data'
  | 'execution'
  | 'not_found'
  | 'unavailable'
  | 'internal'
  // Query failures (PromQL): the deadline passed, or the client/server gave up.
  | 'timeout'
  | 'canceled'
  // Argus's additions (authentication, authorization, limits, conflicts).
  | 'unauthorized'
  | 'forbidden'
  | 'too_many_requests'
  | 'conflict';

const STATUS: Record<ErrorType, number> = {
  bad_data: 400,
  execution: 422,
  not_found: 404,
  unavailable: 503,
  internal: 500,
  timeout: 503,
  // Prometheus's "client closed connection" (nginx's 499).
  canceled: 499,
  unauthorized: 401,
  forbidden: 403,
  too_many_requests: 429,
  conflict: 409,
};

/** An API request failed; rendered as `{status:"error", errorType, error}` with the matching HTTP status. */
export class ApiError extends ArgusError {
  readonly status: number;
  constructor(
    readonly errorType: ErrorType,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.status = STATUS[errorType];
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
  /** For 429s: when the client may retry (sent as `Retry-After`). */
  readonly retryAfterSeconds?: number;
}

/** A bad request parameter: 400 bad_data naming the parameter. */
export function badParam(name: string, why: string, cause?: unknown): ApiError {
  return new ApiError('bad_data', `invalid parameter "${name}": ${why}`, { cause });
}

/** Maps any error raised while answering to an ApiError (unknown ones become `internal`). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof InvalidTenantError)
    return new ApiError('bad_data', err.message, { cause: err });
  if (err instanceof PromQLError) return new ApiError(err.errorType, err.message, { cause: err });
  if (err instanceof StorageUnavailableError)
    return new ApiError('unavailable', err.message, { cause: err });
  if (err instanceof QueryError) return new ApiError('execution', err.message, { cause: err });
  if (err instanceof UnauthenticatedError)
    return new ApiError('unauthorized', err.message, { cause: err });
  if (err instanceof ForbiddenError) return new ApiError('forbidden', err.message, { cause: err });
  if (err instanceof RateLimitedError)
    return new ApiError('too_many_requests', err.message, {
      cause: err,
      retryAfterSeconds: err.retryAfterSeconds,
    });
  if (err instanceof TenantLimitError)
    return new ApiError('too_many_requests', err.message, {
      cause: err,
      retryAfterSeconds: err.retryAfterMs === undefined ? undefined : err.retryAfterMs / 1000,
    });
  if (err instanceof LimitExceededError)
    return new ApiError('too_many_requests', err.message, { cause: err });
  if (err instanceof AccessValidationError)
    return new ApiError('bad_data', err.message, { cause: err });
  if (err instanceof AccessNotFoundError)
    return new ApiError('not_found', err.message, { cause: err });
  if (err instanceof AccessConflictError)
    return new ApiError('conflict', err.message, { cause: err });
  if (err instanceof InvalidSecretError)
    return new ApiError('bad_data', err.message, { cause: err });
  if (err instanceof SecretNotFoundError)
    return new ApiError('not_found', err.message, { cause: err });
  return new ApiError(
    'internal',
    `internal error: ${err instanceof Error ? err.message : String(err)}`,
    { cause: err },
  );
}

/** Success envelope. */
export interface Success<T> {
  status: 'success';
  data: T;
  warnings?: string[];
  infos?: string[];
}

/** Error envelope. */
export interface Failure {
  status: 'error';
  errorType: ErrorType;
  error: string;
}

export type ApiResponse<T> = Success<T> | Failure;
