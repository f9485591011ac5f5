import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT } from '../model/index.js';
import { Wal } from '../tsdb/index.js';
import { encodeEntries, encodeSeal, encodeStream } from './head-wal.js';
import { MS, T0, dump, eq, ls, openStore, tempDir } from './store-test-helpers.js';

const a = ls({ app: 'a' });

async function writeWal(dir: string, batches: Uint8Array[][]): Promise<void> {
  const wal = await Wal.open({ dir: path.join(dir, 'wal') });
  for (const b of batches) await wal.write(b);
  await wal.close();
}

const lines = async (store: Awaited<ReturnType<typeof openStore>>): Promise<string[]> =>
  ((await dump(store.logQuerier(DEFAULT_TENANT), [eq('app', 'a')])).get(a.toString()) ?? []).map(
    (e) => e.line,
  );

describe('LogStore WAL replay', () => {
  it('merges a stream found under two ids and checkpoints the WAL', async () => {
    const { dir, cleanup } = await tempDir();
    const e = (i: number) => ({ ts: T0 + BigInt(i) * MS, line: `e${i}` });
    await writeWal(dir, [
      [encodeStream({ id: 1, tenant: DEFAULT_TENANT, labels: a, nextSeq: 0 })],
      [encodeEntries(1, 0, [e(0), e(2)]).rec],
      // Cut and sealed (seal intent), never reached the chunk store.
      [encodeSeal({ id: 1, seqEnd: 2, pieces: [{ mint: T0, maxt: T0 + 2n * MS, entries: 2 }] })],
      [encodeEntries(1, 2, [e(3)]).rec],
      [encodeStream({ id: 2, tenant: DEFAULT_TENANT, labels: a, nextSeq: 0 })],
      [encodeEntries(2, 0, [e(1), e(4)]).rec],
      [
        encodeSeal({
          id: 2,
          seqEnd: 1,
          pieces: [{ mint: T0 + MS, maxt: T0 + 4n * MS, entries: 2 }],
        }),
      ],
    ]);
    let store = await openStore(dir);
    try {
      assert.deepEqual(await lines(store), ['e0', 'e1', 'e2', 'e3', 'e4']);
      assert.equal(store.stats().headStreams, 1);
      await store.close();
      store = await openStore(dir);
      assert.deepEqual(await lines(store), ['e0', 'e1', 'e2', 'e3', 'e4']);
      await store.flush();
      await store.close();
      store = await openStore(dir);
      assert.deepEqual(await lines(store), ['e0', 'e1', 'e2', 'e3', 'e4']);
      assert.equal(store.stats().chunkStore.entries, 5);
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('re-cuts a group whose seal record does not match its entries, and skips unknown ids', async () => {
    const { dir, cleanup } = await tempDir();
    await writeWal(dir, [
      [encodeStream({ id: 1, tenant: DEFAULT_TENANT, labels: a, nextSeq: 0 })],
      [
        encodeEntries(1, 0, [
          { ts: T0, line: 'x' },
          { ts: T0 + MS, line: 'y' },
        ]).rec,
      ],
      [encodeSeal({ id: 1, seqEnd: 2, pieces: [{ mint: T0, maxt: T0, entries: 1 }] })],
      [encodeEntries(9, 0, [{ ts: T0, line: 'orphan' }]).rec],
      [encodeSeal({ id: 9, seqEnd: 1, pieces: [] })],
    ]);
    const store = await openStore(dir);
    try {
      assert.deepEqual(await lines(store), ['x', 'y']);
      await store.flush();
      assert.deepEqual(await lines(store), ['x', 'y']);
    } finally {
      await store.close();
      await cleanup();
    }
  });
});
