import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tenantId } from '../model/index.js';
import { LiveHub, type Tick } from './hub.js';

const A = tenantId('a');
const B = tenantId('b');
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LiveHub', () => {
  it('ticks at once, then coalesces a burst into one tick at the end of the interval', async () => {
    const hub = new LiveHub({ intervalMs: 50 });
    const got: Tick[] = [];
    const off = hub.subscribe(A, (t) => got.push(t));
    hub.notify(A, 3);
    assert.equal(got.length, 1, 'leading edge');
    assert.equal(got[0].samples, 3);
    for (let i = 0; i < 100; i++) hub.notify(A, 1);
    assert.equal(got.length, 1);
    for (let i = 0; i < 100 && got.length < 2; i++) await wait(10);
    assert.equal(got.length, 2, 'trailing edge');
    assert.equal(got[1].samples, 100);
    await wait(80);
    assert.equal(got.length, 2, 'no tick without new data');
    off();
    hub.notify(A, 1);
    assert.equal(got.length, 2);
    assert.equal(hub.subscribers(A), 0);
  });

  it('keeps tenants apart and survives a throwing listener', () => {
    const hub = new LiveHub({ intervalMs: 1000 });
    const a: Tick[] = [];
    const b: Tick[] = [];
    hub.subscribe(A, () => {
      throw new Error('closed stream');
    });
    hub.subscribe(A, (t) => a.push(t));
    hub.subscribe(B, (t) => b.push(t));
    hub.notify(A, 1);
    assert.equal(a.length, 1);
    assert.equal(b.length, 0);
    hub.notify(tenantId('nobody'), 1); // no listeners: nothing to do
    assert.equal(hub.subscribers(A), 2);
    hub.close();
  });

  it('close() ends every subscription and clears pending ticks', async () => {
    const hub = new LiveHub({ intervalMs: 30 });
    let ended = 0;
    const got: Tick[] = [];
    hub.subscribe(
      A,
      (t) => got.push(t),
      () => ended++,
    );
    hub.subscribe(
      B,
      () => {},
      () => ended++,
    );
    hub.notify(A, 1);
    hub.notify(A, 1); // pending trailing tick
    hub.close();
    assert.equal(ended, 2);
    await wait(60);
    assert.equal(got.length, 1, 'the pending tick never fires');
    assert.equal(hub.subscribers(A), 0);
  });
});
