import { ArgusError } from '../../util/index.js';

/** An append the XOR encoding cannot represent (timestamp out of range, chunk full). */
export class ChunkAppendError extends ArgusError {}

/** A chunk whose bytes do not decode (truncated or corrupt). */
export class InvalidChunkError extends ArgusError {}
