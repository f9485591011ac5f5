import { AccessConflictError, AccessNotFoundError } from './errors.js';

/**
 * A `.catch` handler turning the state store's conflict/not-found errors into access errors
 * (their messages already read "cannot <verb>: user "alice" already exists").
 */
export function mapStateError(_verb: string): (err: unknown) => never {
  return (err: unknown) => {
    const name = (err as Error | null)?.name;
    if (name === 'StateConflictError')
      throw new AccessConflictError((err as Error).message, { cause: err });
    if (name === 'StateNotFoundError')
      throw new AccessNotFoundError((err as Error).message, { cause: err });
    throw err;
  };
}
