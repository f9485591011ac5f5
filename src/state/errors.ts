import { ArgusError } from '../util/index.js';

/** Base class of every error the state store throws. */
export class StateError extends ArgusError {}

/** What a conflict or a missing row is about; callers (API, CLI) map it to their own wording. */
export type StateThing = 'tenant' | 'user' | 'token' | 'session' | 'secret' | 'membership';

/** A unique name is taken: `cannot create user: user "alice" already exists`. */
export class StateConflictError extends StateError {
  constructor(
    readonly thing: StateThing,
    readonly key: string,
    verb: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot ${verb}: ${thing} ${key} already exists`, options);
  }
}

/** A row the call names does not exist: `cannot set role: user id 42 not found`. */
export class StateNotFoundError extends StateError {
  constructor(
    readonly thing: StateThing,
    readonly key: string,
    verb: string,
  ) {
    super(`cannot ${verb}: ${thing} ${key} not found`);
  }
}

/** The database was written by a newer Argus (its schema version is above the highest we know). */
export class StateVersionError extends StateError {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `cannot open state database ${file}: its schema is format version ${found}, this Argus supports up to ${supported} (upgrade Argus, or restore a backup)`,
    );
  }
}

/** Stored data that cannot be what this store wrote (bad JSON, an impossible value). */
export class StateCorruptError extends StateError {}

/** Formats a name for messages: `"alice"`. Numbers (ids) are shown as `id 42`. */
export function quoted(key: string | number): string {
  return typeof key === 'number' ? `id ${key}` : JSON.stringify(key);
}
