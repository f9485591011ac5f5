import { encodeInput, encodeSealed, type Encoded, type JoinedChunk } from './chunk-encode.js';
import type { ChunkData, ChunkFormat } from './types.js';

/**
 * Encodes sealed chunks (codec + token bloom). The store takes any implementation: the worker
 * pool (off the event loop) in the server, this inline one where no pool is given.
 */
export interface ChunkEncoder {
  encode(c: ChunkData, format: ChunkFormat): Promise<{ data: Uint8Array; bloom: Uint8Array }>;
  /**
   * A q4 chunk whose lines hold no "\n", given joined (the head's bytes): no string per line.
   * The encoder may take over `j`'s buffers. Optional: without it the sealer uses `encode`.
   */
  encodeJoined?(j: JoinedChunk): Promise<Encoded>;
  close?(): Promise<void>;
}

/** Encodes on the calling thread (tests, tools, and a fallback without worker threads). */
export const inlineChunkEncoder: ChunkEncoder = {
  encode: (c, format) => {
    try {
      return Promise.resolve(encodeSealed(encodeInput(c, format)));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  },
  encodeJoined: (j) => {
    try {
      return Promise.resolve(encodeSealed({ joined: j }));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  },
};
