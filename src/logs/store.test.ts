import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Matcher, tenantId } from '../model/index.js';
import {
  InvalidSeriesError,
  LimitExceededError,
  StorageUnavailableError,
} from '../storage/index.js';
import { defaultLogLimits, TRUNCATION_MARKER } from './limits.js';
import {
  MS,
  NOW_MS,
  T0,
  appendOne,
  dump,
  eq,
  ls,
  openStore,
  tempDir,
  testConfig,
} from './store-test-helpers.js';

const app1 = ls({ app: 'a', env: 'prod' });
const app2 = ls({ app: 'b', env: 'prod' });
const lines = (m: Map<string, { line: string }[]>, k: string): string[] =>
  (m.get(k) ?? []).map((e) => e.line);

describe('LogStore', () => {
  it('commits, queries head and chunk store, in both directions, with filters', async () => {
    const { dir, cleanup } = await tempDir();
    const store = await openStore(dir);
    try {
      const r = await appendOne(store, DEFAULT_TENANT, app1, [
        { ts: T0 + 3n * MS, line: 'three trace=abcdef0123456789' },
        { ts: T0 + 1n * MS, line: 'one' },
        { ts: T0 + 2n * MS, line: 'two', fields: [['level', 'info']] },
      ]);
      assert.deepEqual(r, { accepted: 3, bytes: 34, truncated: 0, newStreams: 1, rejected: [] });
      await appendOne(store, DEFAULT_TENANT, app2, [{ ts: T0, line: 'other' }]);
      const q = store.logQuerier(DEFAULT_TENANT);
      let got = await dump(q, [eq('app', 'a')]);
      assert.deepEqual(lines(got, app1.toString()), ['one', 'two', 'three trace=abcdef0123456789']);
      assert.deepEqual(got.get(app1.toString())![1].fields, [['level', 'info']]);
      // Sealed into the chunk store: same answers, and later entries join from the head.
      await store.flush();
      assert.equal(store.stats().headEntries, 0);
      assert.equal(store.stats().chunkStore.chunks, 2);
      await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0 + 4n * MS, line: 'four' }]);
      got = await dump(store.logQuerier(DEFAULT_TENANT), [eq('env', 'prod')], {
        direction: 'backward',
      });
      assert.deepEqual(lines(got, app1.toString()), [
        'four',
        'three trace=abcdef0123456789',
        'two',
        'one',
      ]);
      assert.deepEqual(lines(got, app2.toString()), ['other']);
      const q2 = store.logQuerier(DEFAULT_TENANT);
      got = await dump(q2, [eq('app', 'a')], {
        filters: [{ op: '|=', value: 'abcdef0123456789' }],
        start: T0 + 2n * MS,
        end: T0 + 5n * MS,
      });
      assert.deepEqual(lines(got, app1.toString()), ['three trace=abcdef0123456789']);
      assert.equal(q2.readStats().streams, 1);
      // A filter nothing passes yields no stream at all.
      got = await dump(q2, [eq('app', 'a')], { filters: [{ op: '|~', value: 'nope.*' }] });
      assert.equal(got.size, 0);
      // Other tenants see nothing.
      assert.equal((await dump(store.logQuerier(tenantId('other')), [eq('app', 'a')])).size, 0);
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('answers labels, values, series and index stats over head and chunk store', async () => {
    const { dir, cleanup } = await tempDir();
    const store = await openStore(dir);
    try {
      await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0, line: 'x' }]);
      await store.flush();
      await appendOne(store, DEFAULT_TENANT, ls({ app: 'c', zone: 'z1' }), [
        { ts: T0 + 10n * MS, line: 'yy' },
      ]);
      const q = store.logQuerier(DEFAULT_TENANT);
      const all = [-(2n ** 62n), 2n ** 62n] as const;
      assert.deepEqual(await q.labelNames(...all), ['app', 'env', 'zone']);
      assert.deepEqual(await q.labelValues('app', ...all), ['a', 'c']);
      assert.deepEqual(await q.labelValues('app', T0 + 5n * MS, T0 + 20n * MS), ['c']);
      assert.deepEqual(
        (await q.series(...all, [new Matcher('=~', 'app', '.+')])).map(String).sort(),
        ['{app="a", env="prod"}', '{app="c", zone="z1"}'],
      );
      assert.deepEqual(await q.indexStats(...all, [new Matcher('=~', 'app', '.+')]), {
        streams: 2,
        chunks: 2,
        entries: 2,
        bytes: 3,
      });
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('accepts out-of-order entries within the window, rejects older and future ones', async () => {
    const { dir, cleanup } = await tempDir();
    const store = await openStore(dir, {
      config: testConfig({ out_of_order_window: 60_000, reject_future: 1000 }),
    });
    try {
      const r = await appendOne(store, DEFAULT_TENANT, app1, [
        { ts: T0, line: 'b1' },
        { ts: T0 - 30_000n * MS, line: 'a' },
        { ts: T0, line: 'b2' },
        { ts: T0 - 61_000n * MS, line: 'too old' },
        { ts: T0 + 2000n * MS, line: 'future' },
      ]);
      assert.equal(r.accepted, 3);
      assert.equal(r.rejected.length, 2);
      assert.match(
        r.rejected[0].reason,
        /^entry too far behind: .*\{app="a", env="prod"\}.*window 60s/,
      );
      assert.equal(r.rejected[0].ts, T0 - 61_000n * MS);
      assert.match(r.rejected[1].reason, /^entry too far in the future: /);
      assert.equal(store.stats().rejectedEntries, 2);
      const got = await dump(store.logQuerier(DEFAULT_TENANT), [eq('app', 'a')]);
      assert.deepEqual(lines(got, app1.toString()), ['a', 'b1', 'b2']);
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('rejects entries older than reject_old, even on a new stream', async () => {
    const { dir, cleanup } = await tempDir();
    const store = await openStore(dir, { config: testConfig({ reject_old: 3_600_000 }) });
    try {
      const r = await appendOne(store, DEFAULT_TENANT, app1, [
        { ts: T0 - 2n * 3_600_000n * MS, line: 'from yesterday' },
        { ts: T0 - 1000n * MS, line: 'recent' },
      ]);
      assert.equal(r.accepted, 1);
      assert.match(
        r.rejected[0].reason,
        /^entry too old: .*\{app="a", env="prod"\} is more than 3600s before now \(logs\.store\.reject_old\)$/,
      );
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('truncates long lines at a UTF-8 boundary with a marker and counts them', async () => {
    const { dir, cleanup } = await tempDir();
    const store = await openStore(dir, {
      limits: () => ({ ...defaultLogLimits(), maxLineBytes: 32 }),
    });
    try {
      const long = 'é'.repeat(40);
      const r = await appendOne(store, DEFAULT_TENANT, app1, [
        { ts: T0, line: long },
        { ts: T0, line: 'short' },
      ]);
      assert.equal(r.truncated, 1);
      const got = lines(
        await dump(store.logQuerier(DEFAULT_TENANT), [eq('app', 'a')]),
        app1.toString(),
      );
      assert.ok(got[0].endsWith(TRUNCATION_MARKER));
      assert.ok(Buffer.byteLength(got[0]) <= 32);
      assert.ok(!got[0].includes('\ufffd'));
      assert.equal(got[0], 'é'.repeat(9) + TRUNCATION_MARKER);
      assert.equal(r.bytes, Buffer.byteLength(got[0]) + 5);
      assert.equal(store.stats().truncatedLines, 1);
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('enforces the stream, label and rate limits', async () => {
    const { dir, cleanup } = await tempDir();
    const store = await openStore(dir, {
      limits: () => ({
        ...defaultLogLimits(),
        maxStreams: 2,
        maxLabelNames: 2,
        maxLabelValueBytes: 4,
        rateBytes: 10,
        burstBytes: 20,
      }),
    });
    try {
      await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0, line: 'a' }]);
      const app = store.logAppender(DEFAULT_TENANT);
      app.append(app2, [{ ts: T0, line: 'b' }]);
      assert.throws(
        () => app.append(ls({ app: 'c' }), []),
        (e: unknown) =>
          e instanceof LimitExceededError &&
          /tenant "default": it has 2 active streams, the limit is 2 \(limits.max_log_streams\)/.test(
            e.message,
          ),
      );
      app.rollback();
      const app3 = store.logAppender(DEFAULT_TENANT);
      assert.throws(() => app3.append(ls({ a: '1', b: '2', c: '3' }), []), InvalidSeriesError);
      assert.throws(
        () => app3.append(ls({ a: 'toolong' }), []),
        /is 7 bytes, more than the limit of 4/,
      );
      assert.throws(() => app3.append(ls({ 'a-b': 'x' }), []), /invalid label name "a-b"/);
      assert.throws(() => app3.append(ls({}), []), /no labels/);
      // Rate: 1 byte used of a 20-byte bucket; 20 more are refused with nothing applied.
      await assert.rejects(
        appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0 + MS, line: 'x'.repeat(20) }]),
        (e: unknown) =>
          e instanceof LimitExceededError && /limits.log_ingestion_rate/.test(e.message),
      );
      const got = await dump(store.logQuerier(DEFAULT_TENANT), [eq('app', 'a')]);
      assert.deepEqual(lines(got, app1.toString()), ['a']);
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('tails committed entries of matching streams', async () => {
    const { dir, cleanup } = await tempDir();
    const store = await openStore(dir);
    try {
      const seen: string[] = [];
      const stop = store.tailLogs(DEFAULT_TENANT, [eq('app', 'a')], (l, es) => {
        for (const e of es) seen.push(`${l.get('app')}:${e.line}`);
      });
      store.tailLogs(DEFAULT_TENANT, [], () => {
        throw new Error('bad subscriber');
      });
      await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0, line: 'x' }]);
      await appendOne(store, DEFAULT_TENANT, app2, [{ ts: T0, line: 'y' }]);
      await appendOne(store, tenantId('t2'), app1, [{ ts: T0, line: 'other tenant' }]);
      stop();
      await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0, line: 'after' }]);
      assert.deepEqual(seen, ['a:x']);
      assert.equal(store.stats().tailSubscribers, 1);
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('tails a commit to a subscriber that arrived while its WAL write was in flight', async () => {
    const { dir, cleanup } = await tempDir();
    const store = await openStore(dir);
    try {
      const seen: string[] = [];
      const app = store.logAppender(DEFAULT_TENANT);
      app.append(app1, [
        { ts: T0, line: 'in flight é' },
        { ts: T0 + 1n, line: 'with fields', fields: [['k', 'v']] },
      ]);
      const done = app.commit(); // no subscriber yet: the entries are not kept for tails
      store.tailLogs(DEFAULT_TENANT, [], (_l, es) => {
        for (const e of es) seen.push(`${e.line}|${e.fields?.[0]?.join('=') ?? ''}`);
      });
      await done;
      assert.deepEqual(seen, ['in flight é|', 'with fields|k=v']);
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('stores an exact duplicate (a retried batch) once and counts it as accepted', async () => {
    const { dir, cleanup } = await tempDir();
    let store = await openStore(dir);
    try {
      const batch = [
        { ts: T0 + 1n * MS, line: 'one' },
        { ts: T0 + 2n * MS, line: 'two' },
        { ts: T0 + 2n * MS, line: 'two' }, // the same entry twice in one batch
      ];
      let r = await appendOne(store, DEFAULT_TENANT, app1, batch);
      assert.equal(r.accepted, 3);
      r = await appendOne(store, DEFAULT_TENANT, app1, [
        ...batch, // the retry
        { ts: T0 + 2n * MS, line: 'two, other text' }, // same time, another line: kept
        { ts: T0 + 3n * MS, line: 'three' },
      ]);
      assert.deepEqual([r.accepted, r.rejected], [5, []]);
      const want = ['one', 'two', 'two, other text', 'three'];
      assert.deepEqual(
        lines(await dump(store.logQuerier(DEFAULT_TENANT), [eq('app', 'a')]), app1.toString()),
        want,
      );
      await store.close();
      store = await openStore(dir); // the WAL never held the duplicates
      assert.deepEqual(
        lines(await dump(store.logQuerier(DEFAULT_TENANT), [eq('app', 'a')]), app1.toString()),
        want,
      );
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('replays the WAL on reopen, including sealed and checkpointed state, exactly once', async () => {
    const { dir, cleanup } = await tempDir();
    let store = await openStore(dir, { walSegmentSize: 4096, walCheckpointBytes: 1 << 40 });
    try {
      for (let i = 0; i < 50; i++)
        await appendOne(store, DEFAULT_TENANT, i % 2 ? app1 : app2, [
          { ts: T0 + BigInt(i) * MS, line: `line ${i} ${'p'.repeat(100)}` },
        ]);
      await store.flush();
      for (let i = 50; i < 80; i++)
        await appendOne(store, DEFAULT_TENANT, app1, [
          { ts: T0 + BigInt(i) * MS, line: `line ${i}` },
        ]);
      const before = store.stats().walBytes;
      await store.checkpointWal();
      assert.ok(
        store.stats().walBytes < before,
        `WAL shrank: ${before} -> ${store.stats().walBytes}`,
      );
      for (let i = 80; i < 90; i++)
        await appendOne(store, DEFAULT_TENANT, app1, [
          { ts: T0 + BigInt(i) * MS, line: `line ${i}` },
        ]);
      await store.close();
      store = await openStore(dir);
      const got = await dump(store.logQuerier(DEFAULT_TENANT), [eq('env', 'prod')]);
      const want1: string[] = [];
      const want2: string[] = [];
      for (let i = 0; i < 90; i++) {
        const l = i < 50 ? `line ${i} ${'p'.repeat(100)}` : `line ${i}`;
        if (i % 2 || i >= 50) want1.push(l);
        else want2.push(l);
      }
      assert.deepEqual(lines(got, app1.toString()), want1);
      assert.deepEqual(lines(got, app2.toString()), want2);
      // New appends continue after a reopen.
      await appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0 + 100n * MS, line: 'new' }]);
      await store.flush();
      await store.close();
      store = await openStore(dir);
      const again = await dump(store.logQuerier(DEFAULT_TENANT), [eq('app', 'a')]);
      assert.deepEqual(lines(again, app1.toString()), [...want1, 'new']);
      assert.equal(store.stats().headEntries, 0);
      const walFiles = await readdir(path.join(dir, 'wal'));
      assert.ok(walFiles.length > 0);
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('seals by size, age and idleness; applies retention; refuses after close', async () => {
    const { dir, cleanup } = await tempDir();
    let now = NOW_MS;
    const store = await openStore(dir, {
      now: () => now,
      config: testConfig({
        chunk_target_size: 1000,
        max_chunk_age: 60_000,
        chunk_idle_period: 10_000,
      }),
      retention: () => ({ periodMs: 3_600_000, streams: [], tenants: new Map(), maxBytes: 0 }),
    });
    try {
      // Size: 3 KB in one commit → sealed into pieces of about 1000 bytes.
      const big = Array.from({ length: 30 }, (_, i) => ({
        ts: T0 + BigInt(i) * MS,
        line: 'z'.repeat(99) + (i % 10),
      }));
      await appendOne(store, DEFAULT_TENANT, app1, big);
      await store.checkpointWal(); // waits for the sealing the commit started
      assert.equal(store.stats().chunkStore.chunks, 3);
      assert.equal(store.stats().headEntries, 0);
      // Idle: nothing sealed until the stream was idle long enough.
      await appendOne(store, DEFAULT_TENANT, app2, [{ ts: T0, line: 'idle' }]);
      now += 5_000;
      await store['sealer'].kick();
      assert.equal(store.stats().headEntries, 1);
      assert.equal(store.stats().headStreams, 2);
      now += 6_000;
      await store['sealer'].kick();
      // Sealed, and both streams (empty, idle) forgotten.
      assert.equal(store.stats().headStreams, 0);
      assert.equal(store.stats().chunkStore.chunks, 4);
      // Age: a stream written every 5 s is sealed once its chunk is a minute old.
      for (let i = 1; i <= 13; i++) {
        await appendOne(store, DEFAULT_TENANT, app2, [
          { ts: T0 + BigInt(i) * MS, line: `age ${i}` },
        ]);
        await store['sealer'].kick();
        assert.equal(store.stats().chunkStore.chunks, i < 13 ? 4 : 5, `after ${i} appends`);
        now += 5_000;
      }
      // Retention: everything is older than an hour two hours later.
      now += 2 * 3_600_000;
      await store.runRetention();
      assert.equal(store.stats().chunkStore.chunks, 0);
      assert.equal((await dump(store.logQuerier(DEFAULT_TENANT), [eq('env', 'prod')])).size, 0);
      await store.runCompaction();
    } finally {
      await store.close();
      await cleanup();
    }
    await assert.rejects(
      appendOne(store, DEFAULT_TENANT, app1, [{ ts: T0, line: 'x' }]),
      StorageUnavailableError,
    );
  });
});
