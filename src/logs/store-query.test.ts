import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { DEFAULT_TENANT, Labels, Matcher } from '../model/index.js';
import type { LineFilter, LogSelectParams } from '../storage/index.js';
import { compileLineFilters } from '../storage/index.js';
import { buildBloom } from './bloom.js';
import { encodeChunk } from './chunk.js';
import { FileChunkStore } from './chunk-store.js';
import { Head } from './head.js';
import { makeLogQuerier } from './store-query.js';
import type { SealedChunk } from './types.js';

const T0 = 1_700_000_000_000_000_000n;
const streams = [Labels.fromObject({ app: 'a' }), Labels.fromObject({ app: 'b' })];

function sealed(labels: Labels, k: number): SealedChunk {
  const lines: string[] = [];
  const ts = new BigInt64Array(200);
  for (let i = 0; i < 200; i++) {
    ts[i] = T0 + BigInt(k * 200 + i) * 1_000_000n;
    lines.push(i % 50 === 7 ? `req=${k}.${i} status=504 upstream timeout` : `req=${k}.${i} ok`);
  }
  return {
    tenant: DEFAULT_TENANT,
    labels,
    mint: ts[0],
    maxt: ts[199],
    entries: 200,
    rawBytes: lines.reduce((n, l) => n + l.length, 0),
    format: 'q4',
    data: encodeChunk({ ts, lines, fields: lines.map(() => undefined) }, 'q4'),
    bloom: buildBloom(lines),
  };
}

async function withStore(fn: (s: FileChunkStore) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(`${tmpdir()}/argus-store-query-`);
  const s = await FileChunkStore.open({ dir });
  try {
    await s.add(streams.flatMap((l) => [0, 1, 2, 3, 4, 5].map((k) => sealed(l, k))));
    await fn(s);
  } finally {
    await s.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const params = (filters: LineFilter[], direction: 'forward' | 'backward'): LogSelectParams => ({
  matchers: [new Matcher('=~', 'app', '.+')],
  start: T0 + 100n * 1_000_000n,
  end: T0 + 1100n * 1_000_000n,
  filters,
  direction,
});

test('a filtered select returns exactly the passing lines in range, in direction order', async () => {
  await withStore(async (store) => {
    for (const filters of [
      [{ op: '|~', value: 'status=5[0-9]{2}.*timeout' }],
      [
        { op: '|=', value: 'ok' },
        { op: '!~', value: 'req=3' },
      ],
      [],
    ] as LineFilter[][])
      for (const dir of ['forward', 'backward'] as const) {
        const q = makeLogQuerier(new Head(), store, DEFAULT_TENANT);
        const pass = compileLineFilters(filters);
        for await (const s of q.select(params(filters, dir))) {
          const got: bigint[] = [];
          for await (const b of s.entries())
            for (const e of b) {
              assert.ok(pass(e.line), e.line);
              got.push(e.ts);
            }
          const want: bigint[] = [];
          const { start, end } = params([], dir);
          for (const c of store.find(DEFAULT_TENANT, [], 0n, 1n << 62n, []).chunks) {
            if (!c.labels.equals(s.labels)) continue;
            const d = await store.read(c.ref);
            d.lines.forEach((l, i) => {
              if (d.ts[i] >= start && d.ts[i] < end && pass(l)) want.push(d.ts[i]);
            });
          }
          want.sort((x, y) => (x < y ? -1 : 1));
          if (dir === 'backward') want.reverse();
          assert.deepEqual(got, want, `${JSON.stringify(filters)} ${dir}`);
        }
        assert.equal(q.readStats().entries, 2 * 1000);
      }
  });
});

test('opening every stream reads one chunk each; reading on reads ahead', async () => {
  await withStore(async (store) => {
    const q = makeLogQuerier(new Head(), store, DEFAULT_TENANT);
    const its: AsyncIterator<unknown>[] = [];
    for await (const s of q.select(params([{ op: '|=', value: 'req' }], 'backward'))) {
      const it = s.entries()[Symbol.asyncIterator]();
      assert.equal((await it.next()).done, false);
      its.push(it);
    }
    assert.equal(q.readStats().chunks, 2); // the newest chunk of each stream, nothing ahead
    await its[0].return?.();
    await its[1].return?.();
  });
});

test('literals of a regex skip chunks by their blooms', async () => {
  await withStore(async (store) => {
    const q = makeLogQuerier(new Head(), store, DEFAULT_TENANT);
    let n = 0;
    for await (const s of q.select(
      params([{ op: '|~', value: 'req=[0-9] absentword [a-z]+' }], 'forward'),
    ))
      for await (const b of s.entries()) n += b.length;
    assert.equal(n, 0);
    assert.equal(q.readStats().chunks, 0);
    assert.ok(q.readStats().chunksSkipped >= 10, `${q.readStats().chunksSkipped} skipped`);
  });
});
