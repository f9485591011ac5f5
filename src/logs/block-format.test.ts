import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { tenantId } from '../model/index.js';
import { decodeIndex, decodeTombstones, encodeIndex } from './block-format.js';
import { openStore, withStoreDir } from './chunk-store-test-helpers.js';

// Committed bytes of format version 1 (docs/format/logs-blocks.md): readers must keep reading
// them. Chunk and bloom bytes are placeholders: the block layer never interprets them.
const FIXTURE = path.join(process.cwd(), 'src/logs/testdata/blocks/v1');
const BLOCK = `${FIXTURE}/tenants/fixture/018f0000000000aabbccdd`;

describe('log block format v1', () => {
  it('decodes the committed index and tombstones, and re-encodes the index byte-exactly', async () => {
    const buf = await readFile(`${BLOCK}/index`);
    const ix = decodeIndex(buf, 'fixture');
    assert.equal(ix.tenant, 'fixture');
    assert.deepEqual(ix.sources, ['018e0000000000deadbeef']);
    assert.deepEqual(
      ix.streams.map((l) => l.toString()),
      ['{app="api", env="prod"}', '{app="web", path="/ü ✓"}'],
    );
    assert.deepEqual(
      ix.chunks.map((c) => [
        c.stream,
        c.mint,
        c.maxt,
        c.entries,
        c.rawBytes,
        c.offset,
        c.size,
        c.format,
        c.settled,
        Buffer.from(c.bloom).toString(),
      ]),
      [
        [0, 1700000000000000000n, 1700000059999999999n, 3, 42, 8, 9, 'q4', false, 'bloom1'],
        [0, 1700000060000000000n, 1700000119000000000n, 5, 77, 17, 10, 'columnar', false, 'b2'],
        [1, 1700000000000000001n, 1700000000000000001n, 1, 9, 27, 5, 'q4', true, ''],
      ],
    );
    assert.deepEqual(encodeIndex(ix), buf);
    assert.deepEqual(decodeTombstones(await readFile(`${BLOCK}/tombstones`), 'fixture'), [1]);
  });

  it('opens as a store: tombstoned chunk hidden, chunk bytes CRC-checked', () =>
    withStoreDir(async (dir) => {
      await cp(FIXTURE, dir, { recursive: true });
      const s = await openStore(dir);
      const found = s.find(tenantId('fixture'), [], 0n, 1n << 62n, []).chunks;
      assert.deepEqual(
        await Promise.all(found.map(async (c) => Buffer.from(await s.readBytes(c.ref)).toString())),
        ['chunk-one', 'three'],
      );
      assert.deepEqual(s.stats(), { tenants: 1, chunks: 2, bytes: 14, rawBytes: 51, entries: 4 });
      await s.close();
    }));

  it('rejects unknown versions and magics', () => {
    const good = encodeIndex({ tenant: 't', sources: [], streams: [], chunks: [] });
    const bad = (mut: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(good);
      mut(b);
      b.writeUInt32LE(crc32(b.subarray(0, b.length - 4)), b.length - 4);
      return b;
    };
    assert.throws(
      () =>
        decodeIndex(
          bad((b) => (b[4] = 2)),
          'x',
        ),
      /version 2, want 1/,
    );
    assert.throws(
      () =>
        decodeIndex(
          bad((b) => (b[0] = 0)),
          'x',
        ),
      /magic 414c4200, want 414c4249/,
    );
    assert.throws(() => decodeTombstones(good, 'x'), /magic 414c4249, want 414c4254/);
  });
});
