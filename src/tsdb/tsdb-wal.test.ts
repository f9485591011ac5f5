import assert from 'node:assert/strict';
import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Matcher, staleNaN, tenantId } from '../model/index.js';
import { fill, HOUR, ls, readAll, recordingLogger, tempTsdb } from './tsdb-test-helpers.js';

const T0 = Date.now() - 2 * HOUR;

describe('Tsdb WAL replay', () => {
  it('restores the head exactly after close and reopen, for every tenant', async () => {
    const h = await tempTsdb();
    try {
      await fill(h.db, { series: 50, steps: 300, t0: T0, step: 10_000 });
      const app = h.db.appender(tenantId('acme'));
      app.append(0, ls({ __name__: 'a' }), T0, 1);
      app.append(0, ls({ __name__: 'a' }), T0 + 1, staleNaN);
      await app.commit();
      h.db.setMetadata(DEFAULT_TENANT, 'm', { type: 'gauge', help: 'M.', unit: 'bytes' });
      const before = readAll(h.db);
      const acme = readAll(h.db, undefined, tenantId('acme'));
      const db2 = await h.reopen();
      assert.deepEqual(readAll(db2), before);
      assert.deepEqual(readAll(db2, undefined, tenantId('acme')), acme);
      assert.deepEqual(acme[0].vs, [1, 'stale']);
      assert.deepEqual(db2.getMetadata(DEFAULT_TENANT, 'm').get('m'), {
        type: 'gauge',
        help: 'M.',
        unit: 'bytes',
      });
      const st = db2.stats().tenants.find((t) => t.tenant === DEFAULT_TENANT)!;
      // Samples of closed chunks come from the head chunk files, the rest from the WAL.
      assert.ok(st.headChunksLoaded >= 50 * 2, `loaded ${st.headChunksLoaded} chunks`);
      assert.equal(st.replayedSamples + st.replaySamplesInChunks, 50 * 300);
      assert.ok(st.replayedSamples < 50 * 300);
      assert.equal(st.headSeries, 50);
      // New series get refs above every replayed one (refs are never reused).
      const b = db2.appender(DEFAULT_TENANT);
      const oldRef = b.append(0, ls({ __name__: 'm', i: '0' }), T0 + 300 * 10_000, 1);
      const newRef = b.append(0, ls({ __name__: 'new' }), T0 + 300 * 10_000, 1);
      await b.commit();
      assert.ok(newRef > oldRef && newRef > 50, `new ref ${newRef} above replayed refs`);
    } finally {
      await h.cleanup();
    }
  });

  it('keeps the data before a truncated WAL tail', async () => {
    const h = await tempTsdb();
    try {
      await fill(h.db, { series: 3, steps: 10, t0: T0, step: 1000 });
      await h.db.close();
      const walDir = path.join(h.dir, 'default', 'wal');
      const seg = await lastSegment(walDir);
      const size = (await stat(seg)).size;
      await truncate(seg, size - 5); // tear the last commit (step 9)
      const db2 = await h.reopen();
      const got = readAll(db2);
      assert.equal(got.length, 3);
      for (const s of got)
        assert.deepEqual(
          s.ts,
          [...Array(9).keys()].map((k) => T0 + k * 1000),
        );
      // The store is writable after the repair and the new data survives another restart.
      await fill(db2, { series: 3, steps: 1, t0: T0 + 20_000, step: 1 });
      const db3 = await h.reopen();
      assert.equal(readAll(db3)[0].ts.length, 10);
    } finally {
      await h.cleanup();
    }
  });

  it('keeps the data before a bit flip and logs what was dropped', async () => {
    const log = recordingLogger();
    const h = await tempTsdb({}, { logger: log });
    try {
      await fill(h.db, { series: 2, steps: 20, t0: T0, step: 1000 });
      await h.db.close();
      const seg = await lastSegment(path.join(h.dir, 'default', 'wal'));
      const buf = await readFile(seg);
      buf[buf.length - 30] ^= 0x10; // inside the last commit's samples record
      await writeFile(seg, buf);
      const db2 = await h.reopen();
      const got = readAll(db2, [new Matcher('=', '__name__', 'm')]);
      assert.equal(got.length, 2);
      assert.deepEqual(got[0].ts.length, 19);
      assert.ok(log.entries.some((e) => e.level === 'warn' && /damaged/.test(e.msg)));
      const st = db2.stats().tenants.find((t) => t.tenant === 'default');
      assert.equal(st?.walCorruptions, 1);
      assert.ok((st?.walDroppedBytes ?? 0) > 0);
    } finally {
      await h.cleanup();
    }
  });

  it('ignores stray directories and serves an unknown tenant as empty', async () => {
    const h = await tempTsdb();
    try {
      await writeFile(path.join(h.dir, 'note.txt'), 'x');
      await (await import('node:fs/promises')).mkdir(path.join(h.dir, 'Not A Tenant'));
      const db2 = await h.reopen();
      assert.deepEqual(readAll(db2, undefined, tenantId('nobody')), []);
      assert.equal(db2.getMetadata(tenantId('nobody')).size, 0);
    } finally {
      await h.cleanup();
    }
  });
});

async function lastSegment(walDir: string): Promise<string> {
  const segs = (await readdir(walDir)).filter((n) => /^\d{8}$/.test(n)).sort();
  // The newest segment is the empty one opened by the last open(): take the last non-empty.
  for (let i = segs.length - 1; i >= 0; i--) {
    const p = path.join(walDir, segs[i]);
    if ((await stat(p)).size > 8) return p;
  }
  throw new Error('no WAL segment with data');
}
