import { buildBloom, buildBloomUtf8 } from './bloom.js';
import { encodeChunk } from './chunk.js';
import { encodeQ4Joined } from './chunk-q4.js';
import type { ChunkData, ChunkFormat } from './types.js';

/**
 * Sealing's encode step (codec + bloom) split in two halves: `encodeInput` (cheap, on the
 * thread that has the chunk) and `encodeSealed` (the work, in a worker or inline). A q4 chunk
 * whose lines hold no "\n" (nearly all) travels as one joined string: a worker receives one
 * flat string instead of a string per line, encodes it to UTF-8 once, and both the codec and
 * the bloom read those bytes (the bytes are what `encodeChunk` and `buildBloom` would make).
 */

/**
 * A q4 chunk as its lines joined by "\n" (a string, or its UTF-8 as the head holds it);
 * `fields` null when no record has any.
 */
export interface JoinedChunk {
  ts: BigInt64Array;
  text: string | Uint8Array;
  fields: ChunkData['fields'] | null;
}

export type EncodeInput = { chunk: ChunkData; format: ChunkFormat } | { joined: JoinedChunk };

export interface Encoded {
  data: Uint8Array;
  bloom: Uint8Array;
}

export function encodeInput(c: ChunkData, format: ChunkFormat): EncodeInput {
  if (format !== 'q4' || c.lines.length !== c.ts.length || c.fields.length !== c.ts.length)
    return { chunk: c, format };
  let anyFields = false;
  for (let i = 0; i < c.lines.length; i++) {
    if (c.lines[i].includes('\n')) return { chunk: c, format };
    const f = c.fields[i];
    if (f !== undefined && f.length > 0) anyFields = true;
  }
  return { joined: { ts: c.ts, text: c.lines.join('\n'), fields: anyFields ? c.fields : null } };
}

export function encodeSealed(input: EncodeInput): Encoded {
  if ('chunk' in input)
    return { data: encodeChunk(input.chunk, input.format), bloom: buildBloom(input.chunk.lines) };
  const { ts, text, fields } = input.joined;
  const bytes =
    typeof text === 'string'
      ? Buffer.from(text, 'utf8')
      : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  const data = encodeQ4Joined(ts, bytes, fields);
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    bloom: buildBloomUtf8(bytes),
  };
}
