import assert from 'node:assert/strict';
import { cp, readdir, stat } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { Matcher, tenantId } from '../model/index.js';
import type { FileChunkStore } from './chunk-store.js';
import {
  chunkData,
  lines,
  MS,
  openStore,
  sealed,
  withStoreDir,
  type Recorded,
} from './chunk-store-test-helpers.js';
import type { ChunkData } from './types.js';

const T = tenantId('t1');
const HOUR = 3600_000;
const ALL = [new Matcher('=~', 'app', '.+')];
const END = 1000n * BigInt(HOUR) * MS;

/** Structured lines (columnar wins) with a unique request id each. */
function jsonLines(prefix: string, n: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const level = k % 7 === 0 ? 'warn' : 'info';
    out.push(
      `{"level":"${level}","request_id":"req${prefix}x${k}abcd","status":${200 + (k % 3)},"dur_ms":${(k * 37) % 1000},"msg":"caf\u00e9 \u{1F600} done"}`,
    );
  }
  return out;
}

/**
 * Six adds of three streams each, in two 2 h windows: 6 blocks of q4 chunks. `api` and `web`
 * are structured (columnar is smaller); `db` has a few plain lines (columnar is not: q4 kept).
 */
async function seed(s: FileChunkStore): Promise<void> {
  for (let i = 0; i < 6; i++) {
    const base = (i < 3 ? 10 : 13) * HOUR + i * 60_000;
    await s.add([
      sealed(T, { app: 'api', env: 'prod' }, chunkData(base, jsonLines(`api${i}`, 200))),
      sealed(T, { app: 'web', env: 'prod' }, chunkData(base + 1000, jsonLines(`web${i}`, 150))),
      sealed(T, { app: 'db', env: 'prod' }, chunkData(base + 2000, lines(`db${i}x`, 3))),
    ]);
  }
}

/** Every chunk's data, in find order (stream, then mint). */
async function everything(s: FileChunkStore): Promise<{ key: string; data: ChunkData }[]> {
  const out = [];
  for (const c of s.find(T, ALL, 0n, END, []).chunks) {
    out.push({ key: `${c.labels.toString()}@${c.mint}`, data: await s.read(c.ref) });
  }
  return out;
}

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for (const b of await readdir(`${dir}/tenants/${T}`)) {
    n += (await stat(`${dir}/tenants/${T}/${b}/chunks`)).size;
  }
  return n;
}

const blocks = async (dir: string): Promise<string[]> =>
  (await readdir(`${dir}/tenants/${T}`)).sort();

describe('compaction', () => {
  it('merges small blocks per window, re-encodes q4 as columnar, keeps every entry exactly', () =>
    withStoreDir(async (dir) => {
      const s = await openStore(dir);
      await seed(s);
      const before = await everything(s);
      const statsBefore = s.stats();
      const bytesBefore = await dirBytes(dir);
      assert.equal((await blocks(dir)).length, 6);
      // A whole token of one chunk's lines is a bloom key (tokenize.ts); 13 units long, it is
      // checked by its 2–3 gram minimizers (bloom v2), so a few of the 17 others may pass.
      const tokens = ['reqweb4x7abcd'];
      const skippedBefore = s.find(T, ALL, 0n, END, tokens).skipped;
      assert.ok(skippedBefore >= 13 && skippedBefore <= 17, String(skippedBefore));

      const res = await s.compact();
      assert.equal(res.rewrittenChunks, 12, 'api and web re-encoded, db kept as q4');
      assert.equal((await blocks(dir)).length, 2, 'one block per window');
      const bytesAfter = await dirBytes(dir);
      assert.equal(res.savedBytes, bytesBefore - bytesAfter);
      assert.ok(res.savedBytes > 0, `columnar saves space: ${res.savedBytes}`);

      const found = s.find(T, ALL, 0n, END, []).chunks;
      assert.deepEqual(
        found.map((c) => `${c.labels.get('app')}:${c.format}`),
        [
          ...Array<string>(6).fill('api:columnar'),
          ...Array<string>(6).fill('db:q4'),
          ...Array<string>(6).fill('web:columnar'),
        ],
      );
      assert.deepEqual(await everything(s), before);
      assert.deepEqual(
        { ...s.stats(), bytes: 0 },
        { ...statsBefore, bytes: 0 },
        'same chunks, entries and raw bytes',
      );
      assert.equal(
        s.stats().bytes,
        found.reduce((n, c) => n + c.sizeBytes, 0),
      );
      // Blooms are kept.
      assert.equal(s.find(T, ALL, 0n, END, tokens).skipped, skippedBefore);

      // A compacted store is a fixed point.
      assert.deepEqual(await s.compact(), { rewrittenChunks: 0, savedBytes: 0 });
      const after = await blocks(dir);
      await s.close();

      const s2 = await openStore(dir);
      assert.deepEqual(await blocks(dir), after);
      assert.deepEqual(await everything(s2), before);
      await s2.close();
    }));

  it('reclaims the space of chunks dropped by retention', () =>
    withStoreDir(async (dir) => {
      const s = await openStore(dir);
      await seed(s);
      await s.compact();
      const dropped = await s.applyRetention(
        {
          periodMs: 0,
          streams: [{ matchers: [new Matcher('=', 'app', 'db')], periodMs: 1 }],
          tenants: new Map(),
          maxBytes: 0,
        },
        Date.now(),
      );
      assert.equal(dropped.droppedChunks, 6);
      const want = await everything(s);
      const bytesBefore = await dirBytes(dir);
      const res = await s.compact();
      assert.equal(res.rewrittenChunks, 0, 'already columnar: copied, not re-encoded');
      assert.equal(res.savedBytes, dropped.droppedBytes);
      assert.equal(await dirBytes(dir), bytesBefore - dropped.droppedBytes);
      for (const b of await blocks(dir)) {
        assert.deepEqual((await readdir(`${dir}/tenants/${T}/${b}`)).sort(), ['chunks', 'index']);
      }
      await s.close();
      const s2 = await openStore(dir);
      assert.deepEqual(await everything(s2), want);
      await s2.close();
    }));

  it('serves reads during compaction, and old refs afterwards', () =>
    withStoreDir(async (dir) => {
      const s = await openStore(dir);
      await seed(s);
      const refs = s.find(T, ALL, 0n, END, []).chunks.map((c) => c.ref);
      const want = await Promise.all(refs.map((r) => s.read(r)));
      let done = false;
      let reads = 0;
      const reader = async (): Promise<void> => {
        while (!done) {
          const got = await Promise.all(refs.map((r) => s.read(r)));
          assert.deepEqual(got, want);
          reads++;
        }
      };
      const readers = [reader(), reader()];
      await s.compact();
      done = true;
      await Promise.all(readers);
      assert.ok(reads > 0);
      // Old refs resolve to the compacted copies.
      assert.deepEqual(await Promise.all(refs.map((r) => s.read(r))), want);
      await s.close();
      assert.equal((await blocks(dir)).length, 2, 'old blocks deleted once reads let go');
    }));

  it('stops when aborted and leaves the store as it was', () =>
    withStoreDir(async (dir) => {
      const s = await openStore(dir);
      await seed(s);
      const want = await everything(s);
      const ids = await blocks(dir);
      const ac = new AbortController();
      ac.abort();
      assert.deepEqual(await s.compact(ac.signal), { rewrittenChunks: 0, savedBytes: 0 });
      // Aborts midway through the first unit (after 4 chunk reads).
      let checks = 0;
      const late = {
        get aborted() {
          return ++checks > 4;
        },
      } as AbortSignal;
      assert.deepEqual(await s.compact(late), { rewrittenChunks: 0, savedBytes: 0 });
      assert.ok(checks > 4);
      assert.deepEqual(await blocks(dir), ids);
      assert.deepEqual(await everything(s), want);
      await s.close();
    }));

  it('a crash between writing the new block and deleting the old ones loses and duplicates nothing', () =>
    withStoreDir(async (dir) => {
      const s = await openStore(dir);
      await seed(s);
      const want = await everything(s);
      const old = await blocks(dir);
      await cp(`${dir}/tenants/${T}`, `${dir}/saved`, { recursive: true });
      await s.compact();
      await s.close();
      const compacted = await blocks(dir);
      // Put the sources back, as if the process died right after the swap became durable.
      for (const b of old) {
        await cp(`${dir}/saved/${b}`, `${dir}/tenants/${T}/${b}`, { recursive: true });
      }
      const logs: Recorded[] = [];
      const s2 = await openStore(dir, logs);
      assert.deepEqual(await blocks(dir), compacted);
      assert.deepEqual(await everything(s2), want);
      assert.equal(s2.stats().chunks, 18);
      assert.equal(logs.filter((l) => l.msg === 'log store: removing a compacted block').length, 6);
      await s2.close();
    }));

  it('bounds output blocks by maxBlockBytes', () =>
    withStoreDir(async (dir) => {
      const s0 = await openStore(dir);
      await seed(s0);
      const perBlock = s0.stats().bytes / 6;
      await s0.close();
      // Room for two input blocks per unit, one window for all: 6 blocks become 3.
      const s = await openStore(dir, [], {
        maxBlockBytes: Math.floor(perBlock * 2.5),
        compactWindowMs: 24 * HOUR,
      });
      const want = await everything(s);
      await s.compact();
      assert.equal((await blocks(dir)).length, 3);
      assert.deepEqual(await everything(s), want);
      await s.close();
    }));
});
