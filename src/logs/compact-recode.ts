import { decodeChunk, encodeChunk } from './chunk.js';

/**
 * The CPU-heavy step of compaction: a q4 chunk re-encoded as columnar, or null when columns
 * come out no smaller (small or odd chunks: the q4 bytes are kept). Runs in a compaction worker.
 */
export function recodeColumnar(q4: Uint8Array): Uint8Array | null {
  const col = encodeChunk(decodeChunk(q4), 'columnar');
  return col.length < q4.length ? col : null;
}
