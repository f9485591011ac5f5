import { parentPort } from 'node:worker_threads';
import { encodeSealed, type EncodeInput } from './chunk-encode.js';

/**
 * Worker entry of `ChunkEncoderPool`: encodes a chunk and builds its bloom off the main thread,
 * and hands both back by transferring their buffers.
 */

export type EncodeJob = { id: number } & EncodeInput;

export type EncodeReply =
  { id: number; data: Uint8Array; bloom: Uint8Array } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on('message', (job: EncodeJob) => {
    try {
      const enc = encodeSealed(job);
      // Copy the encoding once out of the writer's larger buffer, so the transfer is exact.
      const data = new Uint8Array(enc.data);
      const bloom = enc.bloom;
      port.postMessage({ id: job.id, data, bloom } satisfies EncodeReply, [
        // Both are fresh, unpooled ArrayBuffers (never shared), so they can move.
        data.buffer,
        bloom.buffer as ArrayBuffer,
      ]);
    } catch (err) {
      port.postMessage({ id: job.id, error: (err as Error).message } satisfies EncodeReply);
    }
  });
}
