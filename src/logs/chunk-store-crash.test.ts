import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Matcher, tenantId } from '../model/index.js';
import { crashChunkData } from './chunk-store-crash-writer.js';
import { openStore, withStoreDir, type Recorded } from './chunk-store-test-helpers.js';

const here = fileURLToPath(import.meta.url);
const ext = path.extname(here);
const child = path.join(path.dirname(here), `chunk-store-crash-writer${ext}`);
// Under tsx the child needs the TypeScript loader; compiled tests run plain JS.
const nodeArgs = ext === '.ts' ? ['--import', 'tsx', child] : [child];
const T = tenantId('crash');

/** Runs the writer until it has acknowledged `killAfter` adds, then SIGKILLs it. */
function runAndKill(dir: string, killAfter: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeArgs, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let buf = '';
    let err = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`writer made no progress: ${err}`));
    }, 30_000);
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      acked.push(...parts.map(Number));
      if (acked.length >= killAfter && p.exitCode === null) p.kill('SIGKILL');
    });
    p.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited early: ${err}`));
      else resolve(acked);
    });
  });
}

describe('FileChunkStore crash (kill -9 of a writing, compacting process)', () => {
  it('keeps every acknowledged chunk exactly once, with nothing damaged', () =>
    withStoreDir(async (dir) => {
      const acked: number[] = [];
      for (const killAfter of [20, 37]) {
        acked.push(...(await runAndKill(dir, killAfter)));
        const logs: Recorded[] = [];
        const s = await openStore(dir, logs);
        assert.deepEqual(
          logs.filter((l) => l.level === 'warn'),
          [],
          'no damaged block',
        );
        const found = s.find(T, [new Matcher('=', 'app', 'crash')], 0n, 1n << 62n, []).chunks;
        const byN = new Map<number, number[]>();
        for (const c of found) {
          const n = Number(c.labels.get('n'));
          byN.set(n, [...(byN.get(n) ?? []), c.ref]);
        }
        // Each restart of the writer counts from 0 again: one chunk per (run, i) at the same
        // stream and time, so count per stream = runs that reached i.
        for (const i of new Set(acked)) {
          const want = acked.filter((x) => x === i).length;
          const refs = byN.get(i) ?? [];
          assert.ok(refs.length >= want, `stream n=${i}: ${refs.length} chunks, want >= ${want}`);
          assert.ok(
            refs.length <= want + 1,
            `stream n=${i}: ${refs.length} chunks, want <= ${want + 1}`,
          );
          for (const r of refs) assert.deepEqual(await s.read(r), crashChunkData(i));
        }
        await s.close();
        assert.deepEqual(await readdir(`${dir}/quarantine`).catch(() => []), []);
      }
    }));
});
