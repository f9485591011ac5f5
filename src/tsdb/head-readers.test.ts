import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeadReaders } from './head-readers.js';

describe('HeadReaders (compaction waits for open head queriers)', () => {
  it('resolves once the readers of data before the truncation point close', async () => {
    const rs = new HeadReaders();
    const old = rs.add(1000);
    rs.add(5000); // reads only after the truncation point: does not block
    let done: boolean | undefined;
    const wait = rs.drained(2000, 60_000, 1).then((ok) => (done = ok));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(done, undefined, 'still waiting while the old reader is open');
    rs.close(old);
    rs.close(old); // idempotent
    assert.equal(await wait, true);
    assert.equal(rs.size, 1);
  });

  it('gives up after the limit when a reader is never closed', async () => {
    const rs = new HeadReaders();
    rs.add(0);
    assert.equal(await rs.drained(10, 30, 1), false);
  });
});
