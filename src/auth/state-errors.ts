import { StateConflictError, StateNotFoundError } from '../state/index.js';
import { AccessConflictError, AccessNotFoundError } from './errors.js';

/**
 * A `.catch` handler turning the state store's conflict/not-found errors into access errors
 * (their messages already read `cannot <verb>: user "alice" already exists`).
 */
export function mapStateError(err: unknown): never {
  if (err instanceof StateConflictError) throw new AccessConflictError(err.message, { cause: err });
  if (err instanceof StateNotFoundError) throw new AccessNotFoundError(err.message, { cause: err });
  throw err;
}
