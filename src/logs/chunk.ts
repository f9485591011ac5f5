import { ArgusError } from '../util/index.js';
import { decodeColumnar, encodeColumnar } from './chunk-columnar.js';
import {
  ChunkCorruptionError,
  FORMAT_COLUMNAR,
  FORMAT_Q4,
  decodeQ4,
  encodeQ4,
} from './chunk-q4.js';
import type { ChunkData, ChunkFormat } from './types.js';

/**
 * Log chunk codecs (ADR 0005 §3–4; bytes in docs/format/logs-chunk.md). Every chunk starts with
 * a format byte and a version byte, so old chunks stay readable for good. Readers never trust
 * the bytes: anything unexpected is a `ChunkCorruptionError` naming what is wrong.
 */

export { ChunkCorruptionError, FORMAT_COLUMNAR, FORMAT_Q4 };

export function encodeChunk(c: ChunkData, format: ChunkFormat): Uint8Array {
  if (c.lines.length !== c.ts.length || c.fields.length !== c.lines.length)
    throw new ArgusError(
      `cannot encode log chunk: ${c.ts.length} timestamps, ${c.lines.length} lines, ${c.fields.length} fields (want equal lengths)`,
    );
  const b = format === 'columnar' ? encodeColumnar(c) : encodeQ4(c);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); // a plain view, not a Buffer
}

export function decodeChunk(data: Uint8Array): ChunkData {
  switch (checkHeader(data)) {
    case FORMAT_Q4:
      return decodeQ4(data);
    default:
      return decodeColumnar(data);
  }
}

/** The format byte of an encoded chunk (after checking its version), for stats and compaction. */
export function chunkFormatOf(data: Uint8Array): ChunkFormat {
  return checkHeader(data) === FORMAT_Q4 ? 'q4' : 'columnar';
}

/** Readable versions per format (columnar 3 is written; 1 and 2 are still read). */
const VERSIONS: Record<number, number[]> = { [FORMAT_Q4]: [1], [FORMAT_COLUMNAR]: [1, 2, 3] };

function checkHeader(data: Uint8Array): number {
  if (data.length < 2)
    throw new ChunkCorruptionError(
      `cannot decode log chunk: ${data.length} bytes (want at least a format and a version byte)`,
    );
  const want = VERSIONS[data[0]];
  if (want === undefined)
    throw new ChunkCorruptionError(
      `cannot decode log chunk: unknown format byte ${data[0]} (want ${FORMAT_Q4} q4 or ${FORMAT_COLUMNAR} columnar)`,
    );
  if (!want.includes(data[1]))
    throw new ChunkCorruptionError(
      `cannot decode log chunk: format ${data[0]} version ${data[1]} (want ${want.join(' or ')})`,
    );
  return data[0];
}
