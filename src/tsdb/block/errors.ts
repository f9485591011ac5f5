import { ArgusError } from '../../util/index.js';

/** A block's files are missing, truncated, or fail a magic/version/CRC/structure check. */
export class CorruptBlockError extends ArgusError {}

/** The caller handed writeBlock data that violates its contract (unsorted series, bad range). */
export class BlockWriteError extends ArgusError {}
