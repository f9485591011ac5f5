/**
 * @module util
 * Small dependency-free helpers shared by every module: the base error classes and fast hashes.
 * Nothing here does I/O or knows about Argus's domain.
 */
export { ArgusError, BugError, errorChain } from './errors.js';
export { hashBytes, hashStrings } from './hash.js';
export { type Logger, nopLogger } from './logger.js';
export { mulberry32 } from './random.js';
