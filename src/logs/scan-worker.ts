import { parentPort } from 'node:worker_threads';
import type { LineFilter } from '../storage/index.js';
import { planScan, scanChunkBytes, type ScanPlan } from './chunk-scan.js';

/**
 * Worker entry of `ScanPool`: decompresses and filters one encoded chunk off the main thread
 * and sends back only the passing records.
 */

export interface ScanJob {
  id: number;
  filters: readonly LineFilter[];
  bytes: Uint8Array;
  start: bigint;
  end: bigint;
  inRange: boolean;
}

export type ScanReply =
  | {
      id: number;
      ts: BigInt64Array;
      lines: string[];
      fields: (readonly (readonly [string, string])[] | undefined)[];
      entries: number;
    }
  | { id: number; error: string };

const plans = new Map<string, ScanPlan>();

function planFor(filters: readonly LineFilter[]): ScanPlan {
  const key = JSON.stringify(filters);
  let p = plans.get(key);
  if (!p) {
    if (plans.size >= 32) plans.clear(); // a handful of live queries at a time
    plans.set(key, (p = planScan(filters)));
  }
  return p;
}

const port = parentPort;
if (port) {
  port.on('message', (job: ScanJob) => {
    try {
      const r = scanChunkBytes(job.bytes, planFor(job.filters), job.start, job.end, job.inRange);
      const ts = BigInt64Array.from(r.data.ts);
      port.postMessage(
        {
          id: job.id,
          ts,
          lines: r.data.lines,
          fields: r.data.fields,
          entries: r.entries,
        } satisfies ScanReply,
        [ts.buffer],
      );
    } catch (err) {
      port.postMessage({ id: job.id, error: (err as Error).message } satisfies ScanReply);
    }
  });
}
