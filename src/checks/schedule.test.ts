import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOffset, DueQueue, nextGridTime } from './schedule.js';
import { Semaphore } from './semaphore.js';

describe('checkOffset', () => {
  it('spreads 1,000 checks evenly over the interval, stably', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 1000; i++) {
      const o = checkOffset('default', `check-${i}`, 10_000);
      assert.ok(o >= 0 && o < 10_000);
      buckets[Math.floor(o / 1000)]++;
    }
    for (const b of buckets) assert.ok(b >= 60 && b <= 140, `bucket of ${b}: ${buckets.join()}`);
    assert.equal(checkOffset('a', 'x', 10_000), checkOffset('a', 'x', 10_000));
    assert.notEqual(checkOffset('a', 'x', 10_000), checkOffset('b', 'x', 10_000));
  });

  it('nextGridTime is the first offset + k·interval after now', () => {
    assert.equal(nextGridTime(10_500, 1000, 200), 11_200);
    assert.equal(nextGridTime(10_100, 1000, 200), 10_200);
    assert.equal(nextGridTime(10_200, 1000, 200), 11_200);
  });
});

describe('DueQueue', () => {
  it('pops in due order, only what is due', () => {
    const q = new DueQueue<string>();
    const dues = [50, 10, 40, 30, 20, 60, 5, 45];
    for (const d of dues) q.push(d, `d${d}`);
    assert.equal(q.peek(), 5);
    const out: number[] = [];
    for (let it = q.popDue(45); it; it = q.popDue(45)) out.push(it.due);
    assert.deepEqual(out, [5, 10, 20, 30, 40, 45]);
    assert.equal(q.size, 2);
    assert.equal(q.popDue(49), undefined);
    q.clear();
    assert.equal(q.peek(), undefined);
  });
});

describe('Semaphore', () => {
  it('grants at most `limit`, FIFO, and gives up on abort', async () => {
    const s = new Semaphore(1);
    const r1 = await s.acquire();
    assert.ok(r1);
    const order: string[] = [];
    const ac = new AbortController();
    const p2 = s.acquire().then((r) => (order.push('2'), r));
    const p3 = s.acquire(ac.signal).then((r) => (order.push(r ? '3' : '3-gave-up'), r));
    const p4 = s.acquire().then((r) => (order.push('4'), r));
    assert.equal(s.waiting, 3);
    ac.abort();
    await p3;
    r1();
    r1(); // a second release is a no-op
    (await p2)?.();
    (await p4)?.();
    assert.deepEqual(order, ['3-gave-up', '2', '4']);
    assert.equal(s.active, 0);
    assert.equal(await s.acquire(ac.signal), undefined);
  });
});
