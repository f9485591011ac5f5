import { ArgusError } from '../util/index.js';

/**
 * Base of every identity and access error. Messages are safe to show to API clients: they never
 * say which half of a credential was wrong and never contain a secret.
 */
export class AuthError extends ArgusError {}

/** No valid credential (the API answers 401). */
export class UnauthenticatedError extends AuthError {}

/** A valid credential without the permission the action needs (403). */
export class ForbiddenError extends AuthError {}

/** Too many failed logins (429); `retryAfterSeconds` goes into the Retry-After header. */
export class RateLimitedError extends AuthError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Bad input to an access operation; `field` names the offending field (`username`, `role`, …). */
export class AccessValidationError extends AuthError {
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The user, token or tenant an operation names does not exist (404). */
export class AccessNotFoundError extends AuthError {}

/** The operation clashes with what exists or with an invariant (409): a taken username, the last system admin. */
export class AccessConflictError extends AuthError {}

/** The message every failed password check gives, whatever was wrong. */
export const INVALID_LOGIN = 'invalid username or password';
