import { uncompressSync } from 'snappy';
import { RemoteWriteError, malformed } from './errors.js';

/**
 * Decompresses a snappy block-format body, refusing (413) before any allocation when the
 * length header claims more than `maxBytes`: a decompression bomb costs only its header read.
 */
export function decompress(body: Uint8Array, maxBytes: number): Buffer {
  if (body.length === 0) throw malformed('empty body (want a snappy-compressed WriteRequest)');
  let n = 0;
  let shift = 0;
  let i = 0;
  for (; ; i++) {
    if (i >= body.length || i >= 5) throw malformed('invalid snappy length header');
    const c = body[i];
    n += (c & 0x7f) * 2 ** shift;
    shift += 7;
    if (c < 0x80) break;
  }
  if (n > maxBytes) {
    throw new RemoteWriteError(
      413,
      'too_large',
      `cannot decompress remote_write request: decompressed size ${n} bytes exceeds max_decompressed_bytes ${maxBytes}`,
    );
  }
  try {
    return uncompressSync(body, { asBuffer: true }) as Buffer;
  } catch (err) {
    throw malformed(`invalid snappy data: ${(err as Error).message}`, err);
  }
}
