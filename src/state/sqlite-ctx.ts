import type Database from 'better-sqlite3';
import type { Logger } from '../util/index.js';
import { StateConflictError, StateNotFoundError, type StateThing } from './errors.js';

/** What every SQLite repository shares: the connection, the clock and the write path. */
export interface SqliteCtx {
  readonly db: Database.Database;
  readonly now: () => number;
  readonly logger: Logger;
  /**
   * Runs `fn` in a BEGIN IMMEDIATE transaction (waits for the write lock up to the busy
   * timeout rather than failing on another process's write) and counts the commit for
   * `changeVersion`. `fn` MUST be synchronous.
   */
  write<T>(fn: () => T): T;
  /** Counts a commit made outside `write` (single-statement updates). */
  committed(): void;
}

/** A row id that must exist, checked inside the write transaction. */
export function mustExist<T>(row: T | undefined, thing: StateThing, key: string, verb: string): T {
  if (row === undefined) throw new StateNotFoundError(thing, key, verb);
  return row;
}

/** True for SQLite's unique/primary-key constraint errors (the only ones we expect to race). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs an insert, turning a unique violation into a StateConflictError about `thing key`. */
export function insertOrConflict<T>(fn: () => T, thing: StateThing, key: string, verb: string): T {
  try {
    return fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new StateConflictError(thing, key, verb, { cause: err });
    throw err;
  }
}

/** SQLite stores booleans as 0/1. */
export const bit = (b: boolean): number => (b ? 1 : 0);
