import { ApiError } from '../errors.js';
import { mapErrors } from '../respond.js';
import { HealthConflictError, HealthInvalidError, HealthNotFoundError } from './source.js';

export const TAG = 'Health';

/** The facade's errors as API errors (an invalid definition lists every problem). */
export const mapped = mapErrors([
  [HealthInvalidError, 'bad_data'],
  [HealthNotFoundError, 'not_found'],
  [HealthConflictError, 'conflict'],
]);

export function notFound(what: 'check' | 'service', name: string): ApiError {
  return new ApiError('not_found', `${what} ${JSON.stringify(name)} not found`);
}

/**
 * The definition to save: the path's name wins; a different `name` in the body is an error
 * (a rename would otherwise silently create a second object).
 */
export function withName(
  definition: Record<string, unknown>,
  name: string,
): Record<string, unknown> {
  const given = definition.name;
  if (given !== undefined && given !== name)
    throw new ApiError(
      'bad_data',
      `invalid request field "definition.name": ${JSON.stringify(given)} does not match the name in the path ${JSON.stringify(name)}`,
    );
  return { ...definition, name };
}

/** Query parameters of a request URL. */
export function queryOf(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}
