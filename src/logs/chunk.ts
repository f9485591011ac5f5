import { ArgusError } from '../util/index.js';
import { decodeColumnar, encodeColumnar } from './chunk-columnar.js';
import { scanColumnar } from './chunk-columnar-scan.js';
import {
  ChunkCorruptionError,
  FORMAT_COLUMNAR,
  FORMAT_Q4,
  decodeQ4,
  encodeQ4,
  scanQ4,
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

/**
 * The records of the chunk whose line passes `pass`, in chunk order. `required` are literals
 * every passing line contains (the `|=` values): a q4 chunk is decompressed and each literal is
 * searched for with one native `indexOf` over the lines' bytes before any line is split, so a
 * chunk the bloom let through by a false positive costs one decompression and no allocation per
 * line (ADR "literal prefilter"); a columnar chunk has its columns searched and rebuilds only
 * the lines that can hold them (`scanColumnar`). `pass` still decides for every returned record.
 */
export function scanChunk(
  data: Uint8Array,
  pass: (line: string) => boolean,
  required: readonly string[] = [],
): ChunkData {
  if (checkHeader(data) === FORMAT_Q4) return scanQ4(data, pass, required);
  return scanColumnar(
    data,
    pass,
    required.map((lit) => [lit]),
  );
}

/** `|=` values of `filters` that are not empty (the `required` of `scanChunk`). */
export function requiredLiterals(filters: readonly { op: string; value: string }[]): string[] {
  return filters.filter((f) => f.op === '|=' && f.value !== '').map((f) => f.value);
}

/** The format byte of an encoded chunk (after checking its version), for stats and compaction. */
export function chunkFormatOf(data: Uint8Array): ChunkFormat {
  return checkHeader(data) === FORMAT_Q4 ? 'q4' : 'columnar';
}

export function filterChunk(c: ChunkData, pass: (line: string) => boolean): ChunkData {
  const keep: number[] = [];
  for (let i = 0; i < c.lines.length; i++) if (pass(c.lines[i])) keep.push(i);
  if (keep.length === c.lines.length) return c;
  const ts = new BigInt64Array(keep.length);
  const lines: string[] = new Array<string>(keep.length);
  const fields: ChunkData['fields'] = new Array<ChunkData['fields'][number]>(keep.length);
  for (let j = 0; j < keep.length; j++) {
    ts[j] = c.ts[keep[j]];
    lines[j] = c.lines[keep[j]];
    fields[j] = c.fields[keep[j]];
  }
  return { ts, lines, fields };
}

/** Readable versions per format (columnar 2 is written; 1 is still read). */
const VERSIONS: Record<number, number[]> = { [FORMAT_Q4]: [1], [FORMAT_COLUMNAR]: [1, 2] };

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
