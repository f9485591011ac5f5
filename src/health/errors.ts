import { ArgusError } from '../util/index.js';

/** Base of the health module's errors. */
export class HealthError extends ArgusError {}
/** A definition or window does not validate: `problems`, one per line. */
export class HealthInvalidError extends HealthError {
  constructor(
    readonly problems: readonly string[],
    what = 'service',
  ) {
    super(`invalid ${what}: ${problems.join('; ')}`);
  }
}
export class HealthNotFoundError extends HealthError {}
/** A version conflict, or a change to something argus.yml provisions (read-only). */
export class HealthConflictError extends HealthError {}
