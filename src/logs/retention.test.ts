import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { Matcher, tenantId, type TenantId } from '../model/index.js';
import { ChunkNotFoundError, type FileChunkStore } from './chunk-store.js';
import {
  chunkData,
  lines,
  MS,
  openStore,
  sealed,
  withStoreDir,
} from './chunk-store-test-helpers.js';
import { streamPeriodMs } from './retention.js';
import type { RetentionPolicy } from './types.js';

const A = tenantId('a');
const B = tenantId('b');
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = 100 * DAY;
const STREAMS: [TenantId, string, string][] = [
  [A, 'api', 'prod'],
  [A, 'api', 'dev'],
  [A, 'web', 'prod'],
  [B, 'api', 'dev'],
  [B, 'db', 'prod'],
];
/** Chunk ages (of their newest record); one add per age, so each age is one block per tenant. */
const AGES: [string, number][] = [
  ['40d', 40 * DAY],
  ['5d', 5 * DAY],
  ['2d', 2 * DAY],
  ['1h', HOUR],
];
const ALL = [new Matcher('=~', 'app', '.+')];
const env = (v: string): Matcher[] => [new Matcher('=', 'env', v)];
const app = (v: string): Matcher[] => [new Matcher('=', 'app', v)];

function name(tenant: string, a: string, e: string, age: string): string {
  return `${tenant}/${a}/${e}/${age}`;
}

/** Every chunk: 10 lines ending `age` ago, streams a minute apart so maxt never ties. */
async function seed(s: FileChunkStore): Promise<Map<bigint, string>> {
  const names = new Map<bigint, string>();
  for (const [age, ms] of AGES) {
    const chunks = STREAMS.map(([t, a, e], i) => {
      const d = chunkData(NOW - ms - 9 - i * 60_000, lines(`${t}${a}${e}${age}`, 10));
      names.set(d.ts[0], name(t, a, e, age));
      return sealed(t, { app: a, env: e }, d);
    });
    await s.add(chunks);
  }
  return names;
}

function live(s: FileChunkStore, names: Map<bigint, string>): string[] {
  const out: string[] = [];
  for (const t of [A, B]) {
    for (const c of s.find(t, ALL, 0n, BigInt(NOW + DAY) * MS, []).chunks) {
      out.push(names.get(c.mint)!);
    }
  }
  return out.sort();
}

function policy(p: Partial<RetentionPolicy>): RetentionPolicy {
  return { periodMs: 0, streams: [], tenants: new Map(), maxBytes: 0, ...p };
}

const every = STREAMS.flatMap(([t, a, e]) => AGES.map(([age]) => name(t, a, e, age)));
const older = (days: number, pred: (t: string, a: string, e: string) => boolean): string[] =>
  STREAMS.filter(([t, a, e]) => pred(t, a, e)).flatMap(([t, a, e]) =>
    AGES.filter(([, ms]) => ms > days * DAY).map(([age]) => name(t, a, e, age)),
  );

const CASES: { name: string; policy: RetentionPolicy; dropped: string[] }[] = [
  { name: 'keep forever', policy: policy({}), dropped: [] },
  { name: 'global 30d', policy: policy({ periodMs: 30 * DAY }), dropped: older(30, () => true) },
  {
    name: 'global 30d, {env="dev"} 3d',
    policy: policy({ periodMs: 30 * DAY, streams: [{ matchers: env('dev'), periodMs: 3 * DAY }] }),
    dropped: [...older(30, (_, __, e) => e !== 'dev'), ...older(3, (_, __, e) => e === 'dev')],
  },
  {
    name: 'first stream rule wins: {app="api"} 0 before {env="dev"} 3d',
    policy: policy({
      periodMs: 30 * DAY,
      streams: [
        { matchers: app('api'), periodMs: 0 },
        { matchers: env('dev'), periodMs: 3 * DAY },
      ],
    }),
    dropped: older(30, (_, a) => a !== 'api'),
  },
  {
    name: 'tenant period 1d, global stream rules still win over it',
    policy: policy({
      periodMs: 30 * DAY,
      streams: [{ matchers: env('dev'), periodMs: 3 * DAY }],
      tenants: new Map([[A, { periodMs: DAY, streams: [] }]]),
    }),
    dropped: [
      ...older(1, (t, _, e) => t === A && e !== 'dev'),
      ...older(3, (_, __, e) => e === 'dev'),
      ...older(30, (t, _, e) => t === B && e !== 'dev'),
    ],
  },
  {
    name: 'tenant stream rules before global ones',
    policy: policy({
      periodMs: 30 * DAY,
      streams: [{ matchers: env('dev'), periodMs: 3 * DAY }],
      tenants: new Map([[A, { streams: [{ matchers: app('api'), periodMs: 0 }] }]]),
    }),
    dropped: [
      ...older(30, (t, a, e) => t === A && a !== 'api' && e !== 'dev'),
      ...older(3, (t, _, e) => t === B && e === 'dev'),
      ...older(30, (t, _, e) => t === B && e !== 'dev'),
    ],
  },
  {
    name: 'a tenant with no period of its own falls back to the global one',
    policy: policy({ periodMs: 3 * DAY, tenants: new Map([[B, { streams: [] }]]) }),
    dropped: older(3, () => true),
  },
];

async function applyAndCheck(
  dir: string,
  p: RetentionPolicy,
  want: (names: Map<bigint, string>, s: FileChunkStore) => string[],
): Promise<void> {
  const s = await openStore(dir);
  const names = await seed(s);
  const wantDropped = want(names, s);
  const sizes = new Map<string, number>();
  for (const t of [A, B]) {
    for (const c of s.find(t, ALL, 0n, BigInt(NOW + DAY) * MS, []).chunks) {
      sizes.set(names.get(c.mint)!, c.sizeBytes);
    }
  }
  const res = await s.applyRetention(p, NOW);
  const wantLive = every.filter((n) => !wantDropped.includes(n)).sort();
  assert.deepEqual(live(s, names), wantLive);
  assert.equal(res.droppedChunks, wantDropped.length);
  assert.equal(
    res.droppedBytes,
    wantDropped.reduce((n, k) => n + sizes.get(k)!, 0),
  );
  assert.equal(s.stats().chunks, wantLive.length);
  // Idempotent: nothing more goes.
  assert.deepEqual(await s.applyRetention(p, NOW), { droppedChunks: 0, droppedBytes: 0 });
  await s.close();
  // A restart does not resurrect anything (tombstones and deletions are durable).
  const s2 = await openStore(dir);
  assert.deepEqual(live(s2, names), wantLive);
  await s2.close();
}

describe('retention', () => {
  for (const c of CASES) {
    it(`drops exactly what it should: ${c.name}`, () =>
      withStoreDir((dir) => applyAndCheck(dir, c.policy, () => c.dropped)));
  }

  it('size cap drops the oldest chunks over all tenants, after the periods', () =>
    withStoreDir(async (dir) => {
      // Later streams are older (a minute apart). The api streams' 40d chunks go by period, so
      // the cap takes the two oldest of the rest: B/db/prod/40d, then A/web/prod/40d.
      const order = ['b/db/prod/40d', 'a/web/prod/40d'];
      let cap = 0;
      await applyAndCheck(
        dir,
        {
          periodMs: 0,
          streams: [{ matchers: app('api'), periodMs: 30 * DAY }],
          tenants: new Map(),
          get maxBytes() {
            return cap;
          },
        },
        (names, s) => {
          let total = 0;
          const size = new Map<string, number>();
          for (const t of [A, B]) {
            for (const ch of s.find(t, ALL, 0n, BigInt(NOW + DAY) * MS, []).chunks) {
              const n = names.get(ch.mint)!;
              size.set(n, ch.sizeBytes);
              if (!(n.includes('/api/') && n.endsWith('/40d'))) total += ch.sizeBytes;
            }
          }
          cap = total - size.get(order[0])! - size.get(order[1])!;
          return [...older(30, (_, a) => a === 'api'), ...order];
        },
      );
    }));

  it('deletes blocks whose every chunk is dropped and tombstones the others', () =>
    withStoreDir(async (dir) => {
      const s = await openStore(dir);
      await seed(s);
      const blocks = async (t: string): Promise<string[]> =>
        (await readdir(`${dir}/tenants/${t}`)).sort();
      const before = await blocks(A);
      assert.equal(before.length, 4);
      // 40d and 5d blocks of A go whole; the 2d block loses its dev chunk only.
      await s.applyRetention(
        policy({ periodMs: 3 * DAY, streams: [{ matchers: env('dev'), periodMs: DAY }] }),
        NOW,
      );
      await s.close();
      const after = await blocks(A);
      assert.deepEqual(after, before.slice(2));
      assert.deepEqual((await readdir(`${dir}/tenants/${A}/${after[0]}`)).sort(), [
        'chunks',
        'index',
        'tombstones',
      ]);
      assert.deepEqual(await readdir(`${dir}/tenants/${A}/${after[1]}`), ['chunks', 'index']);
    }));

  it('a read in flight finishes on a block retention deletes; later reads of it fail', () =>
    withStoreDir(async (dir) => {
      const s = await openStore(dir);
      const names = await seed(s);
      const old = s.find(A, ALL, 0n, BigInt(NOW - 30 * DAY) * MS, []).chunks;
      assert.deepEqual(
        old.map((c) => names.get(c.mint)),
        ['a/api/dev/40d', 'a/api/prod/40d', 'a/web/prod/40d'],
      );
      const inflight = s.read(old[0].ref);
      await s.applyRetention(policy({ periodMs: 30 * DAY }), NOW);
      assert.equal((await inflight).lines.length, 10);
      await assert.rejects(s.read(old[0].ref), ChunkNotFoundError);
      await s.close();
      assert.equal((await readdir(`${dir}/tenants/${A}`)).length, 3);
    }));

  it('periods: first match wins, tenant rules first, 0 = forever', () => {
    const p = policy({
      periodMs: 5,
      streams: [{ matchers: env('dev'), periodMs: 2 }],
      tenants: new Map([
        [A, { periodMs: 7, streams: [{ matchers: app('api'), periodMs: 0 }] }],
        [B, { streams: [] }],
      ]),
    });
    const l = (a: string, e: string) => sealed(A, { app: a, env: e }, chunkData(0, ['x'])).labels;
    assert.equal(streamPeriodMs(p, A, l('api', 'dev')), 0);
    assert.equal(streamPeriodMs(p, A, l('web', 'dev')), 2);
    assert.equal(streamPeriodMs(p, A, l('web', 'prod')), 7);
    assert.equal(streamPeriodMs(p, B, l('api', 'prod')), 5);
    assert.equal(streamPeriodMs(p, tenantId('c'), l('api', 'dev')), 2);
  });
});
