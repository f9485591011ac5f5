import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TENANT } from '../model/index.js';
import { dump, eq, openStore, tempDir } from './store-test-helpers.js';

const here = fileURLToPath(import.meta.url);
const ext = path.extname(here);
const child = path.join(path.dirname(here), `store-crash-writer${ext}`);
// Under tsx the child needs the TypeScript loader; compiled tests run plain JS.
const nodeArgs = ext === '.ts' ? ['--import', 'tsx', child] : [child];

/** Runs the writer until it has printed `killAfter` commits and `sealed`, then SIGKILLs it. */
function runAndKill(dir: string, t0: number, fsync: string, killAfter: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeArgs, dir, String(t0), fsync], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: string[] = [];
    let buf = '';
    let err = '';
    let sealed = false;
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`writer made no progress: ${err}`));
    }, 60_000);
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (l === 'sealed') sealed = true;
        else acked.push(l);
      }
      if (sealed && acked.length >= killAfter && p.exitCode === null) p.kill('SIGKILL');
    });
    p.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited early: ${err}`));
      // Lines printed before the kill count as acknowledged (partial last line excluded).
      else resolve(acked);
    });
  });
}

describe('LogStore crash (kill -9 of a writing process)', () => {
  for (const [run, fsync, killAfter] of [
    [0, 'batch', 60],
    [1, 'none', 150],
    [2, 'batch', 400],
  ] as const) {
    it(`keeps every acknowledged entry exactly once (run ${run}, fsync=${fsync})`, async () => {
      const { dir, cleanup } = await tempDir();
      const t0 = Date.now() - 600_000;
      try {
        const acked = await runAndKill(dir, t0, fsync, killAfter);
        assert.ok(acked.length >= killAfter);
        const store = await openStore(dir, { now: Date.now });
        try {
          const stats = store.stats();
          assert.ok(stats.chunkStore.chunks > 0, 'the writer sealed chunks before the kill');
          const got = await dump(store.logQuerier(DEFAULT_TENANT), [eq('job', 'crash')]);
          // Count every line; every line at most once, every acknowledged batch complete.
          const count = new Map<string, number>();
          for (const entries of got.values())
            for (const e of entries) count.set(e.line, (count.get(e.line) ?? 0) + 1);
          for (const [line, n] of count) assert.equal(n, 1, `line ${line} stored once`);
          const batches = new Map<string, number>();
          for (const line of count.keys()) {
            const [w, k] = line.split(':');
            batches.set(`${w}:${k}`, (batches.get(`${w}:${k}`) ?? 0) + 1);
          }
          for (const b of acked)
            assert.equal(batches.get(b), 50, `acknowledged batch ${b} complete`);
          // Nothing half-applied (a batch is one WAL write).
          for (const [b, n] of batches) assert.equal(n, 50, `batch ${b} all-or-nothing`);
          // Time order within each stream.
          for (const entries of got.values())
            for (let i = 1; i < entries.length; i++) assert.ok(entries[i - 1].ts <= entries[i].ts);
        } finally {
          await store.close();
        }
      } finally {
        await cleanup();
      }
    });
  }
});
