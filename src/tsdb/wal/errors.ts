import { ArgusError } from '../../util/index.js';

/**
 * A write could not be made durable (I/O error, WAL closed, or an invalid record). After an I/O
 * error the WAL is failed: every later write rejects with this error too, `cause` being the
 * original failure, so no acknowledged write can be silently lost.
 */
export class WalWriteError extends ArgusError {}

/**
 * Bytes read back from the WAL are malformed: a record payload that does not decode, or a frame
 * that fails its checksum when no repair is possible. Never a RangeError from a bad offset.
 */
export class WalCorruptionError extends ArgusError {}

/** A WAL operation was called out of its contract (e.g. checkpoint of the active segment). */
export class WalUsageError extends ArgusError {}
