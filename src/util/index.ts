/**
 * @module util
 * Small dependency-free helpers shared by every module: the base error classes and fast hashes.
 * Nothing here does I/O or knows about Argus's domain.
 */
export { ArgusError, BugError, errorChain } from './errors.js';
export { hashBytes, hashStrings } from './hash.js';
export { type Logger, nopLogger } from './logger.js';
export { mulberry32 } from './random.js';
export { ProtoReader, WIRE_VARINT, WIRE_I64, WIRE_LEN, WIRE_I32 } from './proto-reader.js';
export { goQuote } from './go-quote.js';
