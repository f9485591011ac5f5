import { parentPort } from 'node:worker_threads';
import { recodeColumnar } from './compact-recode.js';

/** Worker entry of `CompactPool`: re-encodes q4 chunks as columnar off the main thread. */

export interface RecodeJob {
  id: number;
  data: Uint8Array;
}

export type RecodeReply = { id: number; data: Uint8Array | null } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on('message', (job: RecodeJob) => {
    try {
      const col = recodeColumnar(job.data);
      // Copied once out of the writer's larger buffer, so the transfer moves exactly the bytes.
      const data = col && new Uint8Array(col);
      port.postMessage({ id: job.id, data } satisfies RecodeReply, data ? [data.buffer] : []);
    } catch (err) {
      port.postMessage({ id: job.id, error: (err as Error).message } satisfies RecodeReply);
    }
  });
}
