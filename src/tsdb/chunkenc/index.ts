/**
 * Chunk encodings of the tsdb module (internal to tsdb; other modules never import this).
 * XOR (Gorilla) chunks, byte-compatible with Prometheus's; format in docs/format/chunks.md.
 */
export {
  XorEncoder,
  chunkNumSamples,
  MAX_SAMPLES_PER_CHUNK,
  MAX_SAMPLES_IN_FORMAT,
  ENCODING_XOR,
  ENCODER_STATE_SIZE,
} from './xor-encoder.js';
export { XorIterator } from './xor-iterator.js';
export { ChunkAppendError, InvalidChunkError } from './errors.js';
export { SlabAllocator, SLAB_SIZE } from './slabs.js';
