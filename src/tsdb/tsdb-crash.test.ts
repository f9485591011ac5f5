import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TENANT, Matcher } from '../model/index.js';
import { nopLogger } from '../util/index.js';
import { defaultTsdbConfig } from './config.js';
import { Tsdb } from './tsdb.js';
import { readAll } from './tsdb-test-helpers.js';

const here = fileURLToPath(import.meta.url);
const ext = path.extname(here);
const child = path.join(path.dirname(here), `tsdb-crash-writer${ext}`);
// Under tsx the child needs the TypeScript loader; compiled tests run plain JS.
const nodeArgs = ext === '.ts' ? ['--import', 'tsx', child] : [child];

/** Runs the writer until it has printed `killAfter` commits, then SIGKILLs it. */
function runAndKill(dir: string, t0: number, fsync: string, killAfter: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeArgs, dir, String(t0), fsync], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: string[] = [];
    let buf = '';
    let err = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`writer made no progress: ${err}`));
    }, 20_000);
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      acked.push(...lines);
      if (acked.length >= killAfter && p.exitCode === null) p.kill('SIGKILL');
    });
    p.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited early: ${err}`));
      // Lines printed before the kill count as acknowledged (partial last line excluded).
      else resolve(acked);
    });
  });
}

describe('Tsdb crash (kill -9 of a writing process)', () => {
  for (const [i, fsync, killAfter] of [
    [0, 'batch', 37],
    [1, 'none', 150],
    [2, 'batch', 400],
  ] as const) {
    it(`keeps every acknowledged batch, none half-applied (run ${i}, fsync=${fsync})`, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'argus-tsdb-crash-'));
      const t0 = Date.now() - 3_000_000;
      try {
        const acked = await runAndKill(dir, t0, fsync, killAfter);
        assert.ok(acked.length >= killAfter);
        const db = new Tsdb({
          dir,
          config: defaultTsdbConfig(),
          logger: nopLogger,
          compactionIntervalMs: 0,
        });
        await db.open();
        try {
          const got = readAll(db, [new Matcher('=', '__name__', 'crash')], DEFAULT_TENANT);
          // Per writer: the set of batch numbers each series holds.
          const perWriter = new Map<string, Set<number>[]>();
          for (const s of got) {
            const w = /w="(\d)"/.exec(s.labels)![1];
            const list = perWriter.get(w) ?? [];
            list.push(new Set(s.ts.map((t) => (t - t0) / 1000)));
            perWriter.set(w, list);
          }
          for (const line of acked) {
            const [w, k] = line.split(':').map(Number);
            const series = perWriter.get(String(w)) ?? [];
            assert.equal(series.length, 50, `writer ${w} has all its series`);
            for (const ks of series) assert.ok(ks.has(k), `acknowledged batch ${w}:${k} present`);
          }
          // All-or-nothing: every series of a writer holds the same batches.
          for (const [w, series] of perWriter) {
            const first = [...series[0]].sort((a, b) => a - b).join(',');
            for (const ks of series) {
              assert.equal([...ks].sort((a, b) => a - b).join(','), first, `writer ${w} batches`);
            }
          }
        } finally {
          await db.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
