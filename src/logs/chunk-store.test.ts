import assert from 'node:assert/strict';
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { describe, it } from 'node:test';
import { InvalidTenantError, Matcher, tenantId, type TenantId } from '../model/index.js';
import { decodeChunk } from './chunk.js';
import {
  ChunkNotFoundError,
  ChunkReadError,
  ChunkStoreClosedError,
  InvalidChunkError,
} from './chunk-store.js';
import {
  chunkData,
  lines,
  MS,
  openStore,
  sealed,
  withStoreDir,
  type Recorded,
} from './chunk-store-test-helpers.js';

const A = tenantId('team-a');
const B = tenantId('team-b');
const eq = (n: string, v: string): Matcher => new Matcher('=', n, v);
const ALL = [new Matcher('=~', 'app', '.+')];

async function blockDirs(dir: string, tenant: string): Promise<string[]> {
  return (await readdir(`${dir}/tenants/${tenant}`)).sort();
}

describe('FileChunkStore', () => {
  it('stores chunks durably and finds them by stream, time and token', () =>
    withStoreDir(async (dir) => {
      const s = await openStore(dir);
      const api1 = chunkData(1000, lines('api', 50));
      const api2 = chunkData(2000, lines('apj', 50));
      const web = chunkData(1500, lines('web', 20));
      const other = chunkData(1000, lines('oth', 10));
      await s.add([
        sealed(A, { app: 'api', env: 'prod' }, api2),
        sealed(A, { app: 'web', env: 'prod' }, web, 'columnar'),
        sealed(A, { app: 'api', env: 'prod' }, api1),
        sealed(B, { app: 'api', env: 'prod' }, other),
      ]);
      assert.deepEqual(s.stats(), {
        tenants: 2,
        chunks: 4,
        bytes: s.stats().bytes,
        rawBytes: [api1, api2, web, other].reduce(
          (n, d) => n + d.lines.reduce((m, l) => m + Buffer.byteLength(l), 0),
          0,
        ),
        entries: 130,
      });

      // Sorted by stream, then mint; tenant B is not visible from A.
      const all = s.find(A, ALL, 0n, 10_000n * MS, []);
      assert.deepEqual(
        all.chunks.map((c) => [c.labels.get('app'), c.mint]),
        [
          ['api', api1.ts[0]],
          ['api', api2.ts[0]],
          ['web', web.ts[0]],
        ],
      );
      assert.equal(all.skipped, 0);
      assert.equal(all.chunks[2].format, 'columnar');

      // Time range [start, end): a chunk ending before start or starting at end is out.
      const r = s.find(A, [eq('app', 'api')], api1.ts[49] + 1n, api2.ts[0] + 1n, []);
      assert.deepEqual(
        r.chunks.map((c) => c.mint),
        [api2.ts[0]],
      );
      assert.equal(s.find(A, [eq('app', 'api')], 0n, api1.ts[0], []).chunks.length, 0);
      assert.equal(s.find(A, [eq('app', 'nope')], 0n, 10_000n * MS, []).chunks.length, 0);
      assert.equal(s.find(tenantId('nobody'), ALL, 0n, 10_000n * MS, []).chunks.length, 0);
      assert.deepEqual(
        s.find(A, [eq('env', 'prod'), new Matcher('!=', 'app', 'api')], 0n, 10_000n * MS, []).chunks
          .length,
        1,
      );

      // A rare id: the bloom skips every chunk that cannot hold it.
      // A whole token of one chunk's lines is a bloom key (tokenize.ts).
      const tokens = ['reqapjx7abcd'];
      const hit = s.find(A, ALL, 0n, 10_000n * MS, tokens);
      assert.deepEqual(
        hit.chunks.map((c) => c.mint),
        [api2.ts[0]],
      );
      assert.equal(hit.skipped, 2);

      // Reads are byte-exact.
      assert.deepEqual(await s.read(all.chunks[0].ref), api1);
      assert.deepEqual(await s.read(all.chunks[2].ref), web);
      assert.deepEqual(decodeChunk(await s.readBytes(all.chunks[1].ref)), api2);

      assert.deepEqual(
        s.streams(A, 0n, 10_000n * MS).map((l) => l.toString()),
        ['{app="api", env="prod"}', '{app="web", env="prod"}'],
      );
      assert.deepEqual(
        s.streams(A, web.ts[0], web.ts[0] + 1n, [eq('app', 'web')]).map((l) => l.get('app')),
        ['web'],
      );
      assert.deepEqual(s.streams(tenantId('nobody'), 0n, 1n), []);
      await s.close();

      // One block per tenant per add, and everything comes back after a restart.
      assert.equal((await blockDirs(dir, A)).length, 1);
      const s2 = await openStore(dir);
      const again = s2.find(A, ALL, 0n, 10_000n * MS, []);
      assert.deepEqual(
        again.chunks.map((c) => [c.labels.toString(), c.mint, c.maxt, c.entries, c.sizeBytes]),
        all.chunks.map((c) => [c.labels.toString(), c.mint, c.maxt, c.entries, c.sizeBytes]),
      );
      assert.deepEqual(await s2.read(again.chunks[1].ref), api2);
      assert.equal(s2.find(A, ALL, 0n, 10_000n * MS, tokens).skipped, 2);
      await s2.close();
    }));

  it('refuses bad chunks, unknown refs and use after close', () =>
    withStoreDir(async (dir) => {
      const s = await openStore(dir);
      const c = sealed(A, { app: 'x' }, chunkData(1, ['a']));
      await assert.rejects(s.add([{ ...c, mint: c.maxt + 1n }]), InvalidChunkError);
      await assert.rejects(s.add([{ ...c, data: new Uint8Array(0) }]), InvalidChunkError);
      await assert.rejects(s.add([{ ...c, tenant: '../escape' as TenantId }]), InvalidTenantError);
      await assert.rejects(s.read(12345), ChunkNotFoundError);
      await s.add([]);
      assert.deepEqual(await readdir(`${dir}/tenants`), []);
      await s.close();
      await s.close();
      await assert.rejects(s.add([c]), ChunkStoreClosedError);
      await assert.rejects(s.compact(), ChunkStoreClosedError);
      await assert.rejects(
        s.applyRetention({ periodMs: 1, streams: [], tenants: new Map(), maxBytes: 0 }, 0),
        ChunkStoreClosedError,
      );
      await assert.rejects(s.readBytes(1), ChunkStoreClosedError);
    }));

  it('reads with a bounded number of open files', () =>
    withStoreDir(async (dir) => {
      const s = await openStore(dir, [], { maxOpenFiles: 2 });
      const datas = [0, 1, 2, 3, 4].map((i) => chunkData(i * 1000, lines(`s${i}x`, 5)));
      for (const d of datas) await s.add([sealed(A, { app: 'a' }, d)]);
      const found = s.find(A, ALL, 0n, 10_000n * MS, []).chunks;
      assert.equal(found.length, 5);
      for (let round = 0; round < 2; round++) {
        const got = await Promise.all(found.map((c) => s.read(c.ref)));
        assert.deepEqual(got, datas);
      }
      await s.close();
    }));
});

describe('FileChunkStore crash safety', () => {
  /** Three blocks of tenant A (one add each) and one of B; returns their dirs in add order. */
  async function seed(dir: string): Promise<string[]> {
    const s = await openStore(dir);
    for (let i = 0; i < 3; i++) {
      await s.add([
        sealed(A, { app: 'a', n: String(i) }, chunkData(i * 1000, lines(`a${i}x`, 30))),
      ]);
    }
    await s.add([sealed(B, { app: 'b' }, chunkData(0, lines('bx', 30)))]);
    await s.close();
    return (await blockDirs(dir, A)).map((id) => `${dir}/tenants/${A}/${id}`);
  }

  async function quarantined(dir: string): Promise<string[]> {
    return readdir(`${dir}/quarantine`).catch(() => []);
  }

  it('quarantines a block with a truncated chunks file and opens the rest', () =>
    withStoreDir(async (dir) => {
      const blocks = await seed(dir);
      const size = (await stat(`${blocks[1]}/chunks`)).size;
      await truncate(`${blocks[1]}/chunks`, size - 7);
      const logs: Recorded[] = [];
      const s = await openStore(dir, logs);
      assert.deepEqual(
        s.find(A, ALL, 0n, 10_000n * MS, []).chunks.map((c) => c.labels.get('n')),
        ['0', '2'],
      );
      assert.equal(s.find(B, ALL, 0n, 10_000n * MS, []).chunks.length, 1);
      const warn = logs.filter((l) => l.level === 'warn');
      assert.equal(warn.length, 1);
      assert.match(JSON.stringify(warn[0].obj), /chunks file has \d+ bytes, want \d+/);
      assert.equal((await quarantined(dir)).length, 1);
      assert.equal((await blockDirs(dir, A)).length, 2);
      await s.close();
      // Stays out on the next open, with no new warning.
      const logs2: Recorded[] = [];
      const s2 = await openStore(dir, logs2);
      assert.equal(s2.stats().chunks, 3);
      assert.deepEqual(logs2, []);
      await s2.close();
    }));

  it('quarantines a block whose index is damaged or truncated', () =>
    withStoreDir(async (dir) => {
      const blocks = await seed(dir);
      const ix = await readFile(`${blocks[0]}/index`);
      ix[Math.floor(ix.length / 2)] ^= 0x40;
      await writeFile(`${blocks[0]}/index`, ix);
      await truncate(`${blocks[2]}/index`, 3);
      const logs: Recorded[] = [];
      const s = await openStore(dir, logs);
      assert.deepEqual(
        s.find(A, ALL, 0n, 10_000n * MS, []).chunks.map((c) => c.labels.get('n')),
        ['1'],
      );
      const msgs = logs.filter((l) => l.level === 'warn').map((l) => JSON.stringify(l.obj));
      assert.equal(msgs.length, 2);
      assert.ok(msgs.some((m) => m.includes('checksum mismatch')));
      assert.ok(msgs.some((m) => m.includes('want at least 9')));
      assert.equal((await quarantined(dir)).length, 2);
      await s.close();
    }));

  it('quarantines a block with damaged tombstones or filed under another tenant', () =>
    withStoreDir(async (dir) => {
      const blocks = await seed(dir);
      await writeFile(`${blocks[0]}/tombstones`, Buffer.from('ALBT-not-really'));
      const bBlock = (await blockDirs(dir, B))[0];
      await rename(`${dir}/tenants/${B}/${bBlock}`, `${dir}/tenants/${A}/${bBlock}`);
      const logs: Recorded[] = [];
      const s = await openStore(dir, logs);
      assert.deepEqual(
        s.find(A, ALL, 0n, 10_000n * MS, []).chunks.map((c) => c.labels.get('n')),
        ['1', '2'],
      );
      const msgs = logs.filter((l) => l.level === 'warn').map((l) => JSON.stringify(l.obj));
      assert.equal(msgs.length, 2);
      assert.ok(msgs.some((m) => m.includes('tombstones') && m.includes('checksum mismatch')));
      assert.ok(msgs.some((m) => m.includes('tenant \\"team-b\\", want \\"team-a\\"')));
      assert.equal((await quarantined(dir)).length, 2);
      await s.close();
    }));

  it('detects a damaged chunk on read and keeps serving the others', () =>
    withStoreDir(async (dir) => {
      const blocks = await seed(dir);
      const fh = await open(`${blocks[1]}/chunks`, 'r+');
      const b = Buffer.alloc(1);
      await fh.read(b, 0, 1, 20);
      b[0] ^= 0xff;
      await fh.write(b, 0, 1, 20);
      await fh.close();
      const s = await openStore(dir);
      const found = s.find(A, ALL, 0n, 10_000n * MS, []).chunks;
      assert.equal(found.length, 3);
      await assert.rejects(s.read(found[1].ref), (err: Error) => {
        assert.ok(err instanceof ChunkReadError);
        assert.match(err.message, /checksum mismatch/);
        return true;
      });
      assert.equal((await s.read(found[0].ref)).lines.length, 30);
      assert.equal((await s.read(found[2].ref)).lines.length, 30);
      await s.close();
    }));

  it('removes debris of unfinished writes and deletions, ignores a stray tombstones temp file', () =>
    withStoreDir(async (dir) => {
      const blocks = await seed(dir);
      await mkdir(`${dir}/tenants/${A}/0000000000001234567890.tmp`);
      await writeFile(`${dir}/tenants/${A}/0000000000001234567890.tmp/chunks`, 'partial');
      await writeFile(`${blocks[0]}/tombstones.tmp`, 'partial');
      // removeBlock unlinks the index first: a dir without one is a deletion cut short.
      await unlink(`${blocks[2]}/index`);
      await mkdir(`${dir}/tenants/NOT_A_TENANT`);
      const logs: Recorded[] = [];
      const s = await openStore(dir, logs);
      assert.deepEqual(
        s.find(A, ALL, 0n, 10_000n * MS, []).chunks.map((c) => c.labels.get('n')),
        ['0', '1'],
      );
      assert.equal((await blockDirs(dir, A)).length, 2);
      assert.deepEqual(await quarantined(dir), []);
      assert.deepEqual(
        logs.map((l) => [l.level, l.msg]),
        [
          ['warn', 'log store: not a tenant dir, ignored'],
          ['info', 'log store: removing an unfinished block write'],
          ['info', 'log store: removing a partly deleted block'],
        ],
      );
      await s.close();
    }));
});
