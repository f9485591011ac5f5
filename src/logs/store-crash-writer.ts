/**
 * Child process for the crash test (store-crash.test.ts), not production code: opens a LogStore
 * on argv[2] with small chunks and WAL segments (so sealing and checkpoints run all the time)
 * and runs 4 concurrent writers forever, printing `w:k` after batch k of writer w committed.
 * It prints `sealed` once chunks reached the chunk store. The parent kills it with SIGKILL mid-stream. argv: dir t0Ms fsync(batch|none)
 */
import { DEFAULT_TENANT, Labels } from '../model/index.js';
import { defaultLogsStoreConfig } from './config.js';
import { LogStore } from './store.js';

const [dir, t0s, fsync] = process.argv.slice(2);
const t0 = BigInt(t0s) * 1_000_000n;
const STREAMS = 10;
const PER_STREAM = 5;
const config = {
  ...defaultLogsStoreConfig(),
  chunk_target_size: 1024,
  wal: { fsync: fsync === 'none' ? ('none' as const) : ('batch' as const) },
};
const store = await LogStore.open({
  dir,
  config,
  walSegmentSize: 16 * 1024,
  walCheckpointBytes: 64 * 1024,
  sealCheckIntervalMs: 0,
});

let sealedSaid = false;

async function writer(w: number): Promise<void> {
  const labels = Array.from({ length: STREAMS }, (_, i) =>
    Labels.fromObject({ job: 'crash', w: String(w), i: String(i) }),
  );
  for (let k = 0; ; k++) {
    const app = store.logAppender(DEFAULT_TENANT);
    for (let i = 0; i < STREAMS; i++) {
      const entries = [];
      // Out of order within the batch on purpose (j descending), same timestamp twice.
      for (let j = PER_STREAM - 1; j >= 0; j--)
        entries.push({
          ts: t0 + BigInt(k * 10 + (j >> 1)),
          line: `${w}:${k}:${i}:${j} ${'x'.repeat(40)}`,
        });
      app.append(labels[i], entries);
    }
    const r = await app.commit();
    if (r.accepted !== STREAMS * PER_STREAM)
      throw new Error(`batch ${w}:${k}: ${JSON.stringify(r)}`);
    process.stdout.write(`${w}:${k}\n`);
    if (!sealedSaid && store.stats().sealedChunks > 0) {
      sealedSaid = true;
      process.stdout.write('sealed\n');
    }
  }
}

await Promise.all([0, 1, 2, 3].map(writer));
