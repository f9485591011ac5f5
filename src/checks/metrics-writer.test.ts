import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Matcher, type Labels } from '../model/index.js';
import {
  OutOfOrderSampleError,
  StorageUnavailableError,
  UnknownSeriesRefError,
  type Appendable,
  type AppendResult,
} from '../storage/index.js';
import { MemStore, readSeries } from '../storage/testing.js';
import { nopLogger } from '../util/index.js';
import { checkLabels, MetricsWriter, SeriesSet } from './metrics-writer.js';
import { ok } from './testing.js';

/** A MemStore in front of which commits can be made to fail and refs forgotten. */
function flaky(mem: MemStore) {
  const calls: string[] = [];
  let failCommit = false;
  let forgetRefs = false;
  const app: Appendable = {
    appender(t) {
      const inner = mem.appender(t);
      return {
        append(ref: number, labels: Labels | null, ts: number, v: number) {
          calls.push(labels === null ? 'ref' : 'labels');
          if (labels === null && forgetRefs) throw new UnknownSeriesRefError(`unknown ref ${ref}`);
          if (ts < 0) throw new OutOfOrderSampleError('out of order');
          return inner.append(ref, labels, ts, v);
        },
        commit(): Promise<AppendResult> {
          if (failCommit) {
            inner.rollback();
            return Promise.reject(new StorageUnavailableError('disk gone'));
          }
          return inner.commit();
        },
        rollback: () => inner.rollback(),
      };
    },
  };
  return {
    app,
    calls,
    set: (o: { failCommit?: boolean; forgetRefs?: boolean }) => {
      failCommit = o.failCommit ?? failCommit;
      forgetRefs = o.forgetRefs ?? forgetRefs;
    },
  };
}

describe('MetricsWriter', () => {
  it('reuses series refs, retries an unknown ref with labels, survives a failed commit', async () => {
    const mem = new MemStore();
    const f = flaky(mem);
    const warned: string[] = [];
    const w = new MetricsWriter({
      appendable: f.app,
      logger: { ...nopLogger, warn: (_o, m) => warned.push(m) },
      flushMs: 60_000,
    });
    const set = new SeriesSet(
      DEFAULT_TENANT,
      checkLabels({ check: 'c', kind: 'k', target: 't', labels: {} }),
    );
    // MemStore hands out a series' ref once the series exists (from its second sample on).
    w.write(set, 1000, ok());
    await w.flush();
    w.write(set, 1500, ok());
    await w.flush();
    assert.deepEqual(f.calls.splice(0), ['labels', 'labels', 'labels', 'labels']);
    w.write(set, 2000, ok());
    await w.flush();
    assert.deepEqual(f.calls.splice(0), ['ref', 'ref']);
    f.set({ forgetRefs: true });
    w.write(set, 3000, ok());
    await w.flush();
    assert.deepEqual(f.calls.splice(0), ['ref', 'labels', 'ref', 'labels']);
    f.set({ forgetRefs: false, failCommit: true });
    w.write(set, 4000, ok());
    await w.flush();
    assert.deepEqual(warned, ['cannot store check results']);
    assert.equal(w.stats.commitErrors, 1);
    assert.equal(w.stats.samplesDropped, 2);
    f.set({ failCommit: false });
    w.write(set, 5000, ok());
    await w.flush();
    assert.deepEqual(f.calls.slice(-2), ['labels', 'labels'], 'refs dropped after a failed commit');
    const s = readSeries(mem, [new Matcher('=', '__name__', 'probe_success')]);
    assert.deepEqual(s[0].ts, [1000, 1500, 2000, 3000, 5000]);
    // An append the store refuses (out of order here) is dropped and counted, not fatal.
    w.write(set, -1, ok());
    await w.flush();
    assert.equal(w.stats.samplesDropped, 4);
  });

  it('commits at once when maxPending samples are queued', async () => {
    const mem = new MemStore();
    const w = new MetricsWriter({
      appendable: mem,
      logger: nopLogger,
      flushMs: 60_000,
      maxPending: 4,
    });
    const sets = [1, 2].map(
      (i) =>
        new SeriesSet(
          DEFAULT_TENANT,
          checkLabels({ check: `c${i}`, kind: 'k', target: 't', labels: {} }),
        ),
    );
    w.write(sets[0], 1000, ok());
    assert.equal(w.stats.commits, 0);
    w.write(sets[1], 1000, ok());
    await w.flush(); // waits for the flush the 4th sample started
    assert.equal(w.stats.commits, 1);
    assert.equal(w.stats.samplesAppended, 4);
  });
});
