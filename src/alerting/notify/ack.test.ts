import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AckStore } from './ack.js';
import { tempState } from './testing-doubles.js';

describe('AckStore', () => {
  it('persists acks per firing episode across a reload, and unacks', async () => {
    const st = tempState();
    try {
      const a = new AckStore(st.store.sql, () => 50);
      assert.deepEqual(await a.ack('t', [], 'user:x', ''), []);
      await a.ack('t', [{ fingerprint: 'f', startsAt: 10, alertname: 'A' }], 'user:x', 'mine');
      const b = new AckStore(st.store.sql, () => 60);
      await b.load();
      assert.deepEqual(b.get('t', 'f', 10), {
        fingerprint: 'f',
        startsAt: 10,
        by: 'user:x',
        comment: 'mine',
        at: 50,
      });
      assert.equal(b.get('t', 'f', 11), undefined, 'another episode');
      assert.equal(b.get('u', 'f', 10), undefined, 'another tenant');
      assert.deepEqual(
        await b.unack(
          't',
          [
            { fingerprint: 'f', startsAt: 10, alertname: 'A' },
            { fingerprint: 'g', startsAt: 0, alertname: 'A' },
          ],
          'user:y',
        ),
        ['f'],
      );
      assert.deepEqual(
        await b.unack('t', [{ fingerprint: 'f', startsAt: 10, alertname: 'A' }], 'user:y'),
        [],
      );
      const c = new AckStore(st.store.sql, () => 70);
      await c.load();
      assert.equal(c.get('t', 'f', 10), undefined);
      assert.deepEqual(
        (await st.store.audit.list({ tenant: 't' })).map((e) => e.action),
        ['alert.unack', 'alert.ack'],
      );
    } finally {
      await st.cleanup();
    }
  });
});
