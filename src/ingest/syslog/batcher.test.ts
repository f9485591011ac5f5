import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels } from '../../model/index.js';
import {
  MemLogStore,
  StorageUnavailableError,
  type LogAppendable,
  type LogAppender,
} from '../../storage/index.js';
import { nopLogger } from '../../util/index.js';
import { Batcher } from './batcher.js';

const app = Labels.fromObject({ job: 'syslog', app: 'a' });
const e = (i: number) => ({ ts: BigInt(i), line: `m${i}` });

/** A store whose commits wait for `release()`, failing while `fail` is set. */
function gated(store: MemLogStore) {
  let open: (() => void)[] = [];
  const state = { fail: false, commits: 0 };
  const appendable: LogAppendable = {
    logAppender(tenant): LogAppender {
      const a = store.logAppender(tenant);
      return {
        append: (l, x) => a.append(l, x),
        rollback: () => a.rollback(),
        commit: async () => {
          state.commits++;
          await new Promise<void>((r) => open.push(r));
          if (state.fail) {
            a.rollback();
            throw new StorageUnavailableError('cannot commit logs: test');
          }
          return a.commit();
        },
      };
    },
  };
  const release = () => {
    const o = open;
    open = [];
    for (const r of o) r();
  };
  return { appendable, state, release };
}

describe('Batcher', () => {
  it('commits full batches one at a time and signals back-pressure', async () => {
    const store = new MemLogStore();
    const g = gated(store);
    const b = new Batcher(g.appendable, DEFAULT_TENANT, nopLogger, 2, 60_000, 5);
    b.add('k', () => app, e(1));
    assert.equal(b.busy, false);
    b.add('k', () => app, e(2)); // full: the commit starts
    assert.equal(b.busy, true);
    let idle = false;
    b.onIdle(() => (idle = true));
    b.add('k', () => app, e(3));
    b.add('k', () => app, e(4));
    b.add('k', () => app, e(5));
    b.add('k', () => app, e(6));
    b.add('k', () => app, e(7));
    b.add('k', () => app, e(8)); // over the hard cap of 5 held: dropped
    assert.equal(b.stats.dropped, 1);
    assert.equal(g.state.commits, 1);
    g.release();
    await new Promise((r) => setImmediate(r));
    assert.equal(idle, false); // the next full batch started at once
    assert.equal(g.state.commits, 2);
    const drained = b.drain();
    for (let i = 0; i < 5 && g.state.commits < 4; i++) {
      g.release();
      await new Promise((r) => setImmediate(r));
    }
    g.release();
    await drained;
    assert.equal(idle, true);
    assert.deepEqual(b.stats, { committed: 7, dropped: 1 });
  });

  it('counts records the store refuses, and keeps going', async () => {
    const store = new MemLogStore();
    const g = gated(store);
    const b = new Batcher(g.appendable, DEFAULT_TENANT, nopLogger, 10, 1);
    b.add('bad', () => Labels.EMPTY, e(1)); // no labels: refused by append
    b.add('k', () => app, e(2));
    g.state.fail = true;
    const d = b.drain();
    await new Promise((r) => setTimeout(r, 5));
    g.release();
    await d;
    assert.deepEqual(b.stats, { committed: 0, dropped: 2 });
    g.state.fail = false;
    b.add('k', () => app, e(3));
    const d2 = b.drain();
    await new Promise((r) => setTimeout(r, 5));
    g.release();
    await d2;
    assert.deepEqual(b.stats, { committed: 1, dropped: 2 });
  });
});
