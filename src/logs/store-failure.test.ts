import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT } from '../model/index.js';
import { QueryError, StorageUnavailableError } from '../storage/index.js';
import { ChunkNotFoundError, FileChunkStore } from './chunk-store.js';
import { MS, T0, appendOne, dump, eq, ls, openStore, tempDir } from './store-test-helpers.js';
import type { ChunkStore, SealedChunk } from './types.js';

const app1 = ls({ app: 'a' });

/** A FileChunkStore whose add fails before (or after) storing, while `mode` says so. */
function flaky(inner: FileChunkStore): ChunkStore & { mode: 'ok' | 'before' | 'after' } {
  const w = Object.create(inner) as FileChunkStore & { mode: 'ok' | 'before' | 'after' };
  w.mode = 'ok';
  w.add = async (chunks: readonly SealedChunk[]) => {
    if (w.mode === 'before') throw new Error('disk full (test)');
    await inner.add(chunks);
    if (w.mode === 'after') throw new Error('lost the answer (test)');
  };
  return w;
}

const lines = async (store: Awaited<ReturnType<typeof openStore>>): Promise<string[]> =>
  ((await dump(store.logQuerier(DEFAULT_TENANT), [eq('app', 'a')])).get(app1.toString()) ?? []).map(
    (e) => e.line,
  );

describe('LogStore when the chunk store fails', () => {
  for (const mode of ['before', 'after'] as const) {
    it(`keeps every entry exactly once when add fails ${mode} storing, live and after reopen`, async () => {
      const { dir, cleanup } = await tempDir();
      const chunksDir = path.join(dir, 'chunks');
      let inner = await FileChunkStore.open({ dir: chunksDir });
      const cs = flaky(inner);
      let store = await openStore(dir, { chunkStore: cs });
      try {
        const want = ['e0', 'e1', 'e2'];
        await appendOne(
          store,
          DEFAULT_TENANT,
          app1,
          want.map((line, i) => ({ ts: T0 + BigInt(i) * MS, line })),
        );
        cs.mode = mode;
        await assert.rejects(store.flush(), (e: unknown) => {
          assert.ok(e instanceof StorageUnavailableError);
          assert.match(
            e.message,
            /cannot flush the log store: stream \{app="a"\} is not sealed: .*test/,
          );
          return true;
        });
        assert.equal(store.stats().sealErrors, 1);
        assert.equal(store.stats().sealingChunks, 1);
        // Whether or not the store kept the chunk, queries see each entry once.
        assert.deepEqual(await lines(store), want);
        assert.equal(inner.stats().chunks, mode === 'after' ? 1 : 0);
        // More entries arrive while the seal is pending.
        await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0 + 5n * MS, line: 'e5' }]);
        want.push('e5');
        await store.checkpointWal();
        await store.close();
        await inner.close();
        // Reopen (as after a crash): replay drops what the chunk store has and reseals the rest.
        inner = await FileChunkStore.open({ dir: chunksDir });
        store = await openStore(dir, { chunkStore: inner });
        assert.deepEqual(await lines(store), want);
        await store.flush();
        assert.deepEqual(await lines(store), want);
        assert.equal(store.stats().headEntries, 0);
        assert.equal(inner.stats().entries, 4);
        await store.close();
        store = await openStore(dir, { chunkStore: inner });
        assert.deepEqual(await lines(store), want);
      } finally {
        await store.close();
        await inner.close();
        await cleanup();
      }
    });
  }

  it('retries a failed seal on the next pass once the chunk store works again', async () => {
    const { dir, cleanup } = await tempDir();
    const inner = await FileChunkStore.open({ dir: path.join(dir, 'chunks') });
    const cs = flaky(inner);
    const store = await openStore(dir, { chunkStore: cs });
    try {
      await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0, line: 'x' }]);
      cs.mode = 'before';
      await assert.rejects(store.flush(), StorageUnavailableError);
      cs.mode = 'ok';
      await store.flush();
      assert.equal(inner.stats().chunks, 1);
      assert.deepEqual(await lines(store), ['x']);
    } finally {
      await store.close();
      await inner.close();
      await cleanup();
    }
  });

  it('skips a chunk dropped between selection and read, names one that cannot be read', async () => {
    const { dir, cleanup } = await tempDir();
    const inner = await FileChunkStore.open({ dir: path.join(dir, 'chunks') });
    const w = Object.create(inner) as FileChunkStore;
    let fail: Error | null = null;
    w.read = (ref: number) => (fail ? Promise.reject(fail) : inner.read(ref));
    // Filtered reads take the encoded bytes (chunk-scan.ts).
    w.readBytes = (ref: number) => (fail ? Promise.reject(fail) : inner.readBytes(ref));
    const store = await openStore(dir, { chunkStore: w });
    try {
      await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0, line: 'old' }]);
      await store.flush();
      await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0 + MS, line: 'new' }]);
      fail = new ChunkNotFoundError('gone (test)');
      assert.deepEqual(await lines(store), ['new']);
      fail = new Error('EIO (test)');
      await assert.rejects(
        lines(store),
        (e: unknown) =>
          e instanceof QueryError &&
          /cannot read a log chunk of stream \{app="a"\}: EIO \(test\)/.test(e.message),
      );
    } finally {
      await store.close();
      await inner.close();
      await cleanup();
    }
  });

  it('holds commits back while the sealing backlog is over its limit', async () => {
    const { dir, cleanup } = await tempDir();
    const inner = await FileChunkStore.open({ dir: path.join(dir, 'chunks') });
    const cs = flaky(inner);
    const store = await openStore(dir, { chunkStore: cs, maxSealBacklogBytes: 10 });
    try {
      await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0, line: 'x'.repeat(20) }]);
      cs.mode = 'before';
      await assert.rejects(store.flush(), StorageUnavailableError);
      assert.equal(store.stats().sealingBytes, 20);
      await assert.rejects(
        appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0 + MS, line: 'y' }]),
        (e: unknown) =>
          e instanceof StorageUnavailableError &&
          /20 bytes wait to be sealed \(limit 10\) and sealing fails: disk full/.test(e.message),
      );
      cs.mode = 'ok';
      await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0 + MS, line: 'y' }]);
      assert.equal(store.stats().sealingBytes, 0);
      assert.equal(inner.stats().chunks, 1);
      assert.deepEqual(await lines(store), ['x'.repeat(20), 'y']);
    } finally {
      await store.close();
      await inner.close();
      await cleanup();
    }
  });
});
