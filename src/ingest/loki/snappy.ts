import { uncompressSync } from 'snappy';
import { LogInputError } from '../logs-common/index.js';

/**
 * Decompresses a snappy block-format body, refusing (413) before any allocation when the length
 * header claims more than `maxBytes`: a decompression bomb costs only its header read.
 */
export function decompressSnappy(body: Uint8Array, maxBytes: number): Buffer {
  const fail = (why: string, cause?: unknown): never => {
    throw new LogInputError(400, `cannot decompress Loki push request: ${why}`, { cause });
  };
  if (body.length === 0) fail('empty body (want a snappy-compressed PushRequest)');
  let n = 0;
  let shift = 0;
  for (let i = 0; ; i++) {
    if (i >= body.length || i >= 5) fail('invalid snappy length header');
    const c = body[i];
    n += (c & 0x7f) * 2 ** shift;
    shift += 7;
    if (c < 0x80) break;
  }
  if (n > maxBytes)
    throw new LogInputError(
      413,
      `cannot decompress Loki push request: decompressed size ${n} bytes exceeds the limit of ${maxBytes} bytes`,
    );
  try {
    return uncompressSync(body, { asBuffer: true }) as Buffer;
  } catch (err) {
    return fail(`invalid snappy data: ${(err as Error).message}`, err);
  }
}
