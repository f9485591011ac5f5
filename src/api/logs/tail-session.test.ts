import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { closeReason, MAX_BUFFERED_BYTES, TailSession, type TailSocket } from './tail-session.js';

/** A socket whose send queue the test controls (ws's bufferedAmount). */
class QueueSocket implements TailSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  ping(): void {}
  terminate(): void {}
  on(): void {}
}

const app = Labels.fromObject({ app: 'a' });
const batch = (...ts: number[]) => [
  { labels: app, entries: ts.map((t) => ({ ts: BigInt(t), line: `l${t}` })) },
];

describe('TailSession', () => {
  it('drops what a slow client cannot take and reports it in the next frame', () => {
    const s = new QueueSocket();
    const t = new TailSession(s, 0, 100);
    t.replayed([], 0n);
    t.live(batch(1));
    s.bufferedAmount = MAX_BUFFERED_BYTES + 1;
    t.live(batch(2, 3));
    assert.equal(s.sent.length, 1);
    assert.equal(t.droppedTotal, 2);
    s.bufferedAmount = 0;
    t.live(batch(4));
    assert.deepEqual(JSON.parse(s.sent[1]), {
      streams: [{ stream: { app: 'a' }, values: [['4', 'l4']] }],
      dropped_entries: [
        { labels: { app: 'a' }, timestamp: '2' },
        { labels: { app: 'a' }, timestamp: '3' },
      ],
    });
    // Reported once.
    t.live(batch(5));
    assert.deepEqual((JSON.parse(s.sent[2]) as { dropped_entries: unknown[] }).dropped_entries, []);
  });

  it('holds live entries during the replay and keeps only those at or after its end', () => {
    const s = new QueueSocket();
    const t = new TailSession(s, 0, 100);
    t.live(batch(5, 10, 11));
    assert.equal(s.sent.length, 0);
    t.replayed(batch(1, 5), 10n);
    assert.deepEqual(
      s.sent.map((f) => (JSON.parse(f) as { streams: { values: string[][] }[] }).streams[0].values),
      [
        [
          ['1', 'l1'],
          ['5', 'l5'],
        ],
        [
          ['10', 'l10'],
          ['11', 'l11'],
        ],
      ],
    );
  });

  it('caps what waits for the replay, and reports the rest as dropped', () => {
    const s = new QueueSocket();
    const t = new TailSession(s, 0, 2);
    t.live(batch(10, 11));
    t.live(batch(12));
    assert.equal(t.droppedTotal, 1);
    t.replayed([], 10n);
    assert.deepEqual(JSON.parse(s.sent[0]), {
      streams: [
        {
          stream: { app: 'a' },
          values: [
            ['10', 'l10'],
            ['11', 'l11'],
          ],
        },
      ],
      dropped_entries: [{ labels: { app: 'a' }, timestamp: '12' }],
    });
  });

  it('drops beyond the delay buffer and sends nothing to a closed socket', () => {
    const s = new QueueSocket();
    const t = new TailSession(s, 60_000, 2);
    t.replayed([], 0n);
    t.live(batch(1, 2));
    t.live(batch(3));
    assert.equal(t.droppedTotal, 1);
    t.stop();
    t.live(batch(4));
    assert.equal(s.sent.length, 0);
    const closed = new QueueSocket();
    closed.readyState = 3;
    const c = new TailSession(closed, 0, 100);
    c.replayed(batch(1), 0n);
    assert.equal(closed.sent.length, 0);
  });

  it('cuts close reasons to the 123 bytes a close frame allows', () => {
    assert.equal(closeReason('short'), 'short');
    const long = closeReason('é'.repeat(200));
    assert.ok(Buffer.byteLength(long) <= 123, String(Buffer.byteLength(long)));
    assert.ok(long.endsWith('…'));
  });
});
