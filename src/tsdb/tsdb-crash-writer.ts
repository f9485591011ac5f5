/**
 * Child process for the crash test (tsdb-crash.test.ts), not production code: opens a Tsdb on
 * argv[2] and runs 4 concurrent writers forever, printing `w:k` after batch k of writer w
 * committed. The parent kills it with SIGKILL mid-stream.
 * argv: dir t0 fsync(batch|none)
 */
import { DEFAULT_TENANT, Labels } from '../model/index.js';
import { nopLogger } from '../util/index.js';
import { defaultTsdbConfig } from './config.js';
import { Tsdb } from './tsdb.js';

const [dir, t0s, fsync] = process.argv.slice(2);
const t0 = Number(t0s);
const SERIES = 50;
const config = defaultTsdbConfig();
config.wal.fsync = fsync === 'none' ? 'none' : 'batch';
const db = new Tsdb({ dir, config, logger: nopLogger, compactionIntervalMs: 0 });
await db.open();

async function writer(w: number): Promise<void> {
  const labels = Array.from({ length: SERIES }, (_, i) =>
    Labels.fromObject({ __name__: 'crash', w: String(w), i: String(i) }),
  );
  for (let k = 0; ; k++) {
    const app = db.appender(DEFAULT_TENANT);
    for (let i = 0; i < SERIES; i++) app.append(0, labels[i], t0 + k * 1000, k);
    await app.commit();
    process.stdout.write(`${w}:${k}\n`);
  }
}

await Promise.all([0, 1, 2, 3].map(writer));
