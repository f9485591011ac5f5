/**
 * Child process of chunk-store-crash.test.ts: adds one chunk per block as fast as it can
 * (stream `n=<i>`), printing `i` once `add` resolved (durable), and compacts every 8 adds so a
 * kill can land mid-compaction too. Runs until killed.
 *
 *   node chunk-store-crash-writer.js <dir>
 */
import { tenantId } from '../model/index.js';
import { FileChunkStore } from './chunk-store.js';
import { chunkData, lines, sealed } from './chunk-store-test-helpers.js';

const T = tenantId('crash');

/** The chunk the writer adds for `i`; the test rebuilds it to compare. */
export function crashChunkData(i: number): ReturnType<typeof chunkData> {
  return chunkData(1_000_000 + i * 1000, lines(`c${i}x`, 20 + (i % 13)));
}

async function main(dir: string): Promise<void> {
  const s = await FileChunkStore.open({ dir });
  let compacting: Promise<unknown> = Promise.resolve();
  for (let i = 0; ; i++) {
    await s.add([sealed(T, { app: 'crash', n: String(i) }, crashChunkData(i))]);
    process.stdout.write(`${i}\n`);
    if (i % 8 === 7) compacting = compacting.then(() => s.compact());
  }
}

if (process.argv[2]) void main(process.argv[2]);
