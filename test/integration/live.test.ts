import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { ADMIN_AUTH, remoteWrite, startArgus } from './helpers.js';

describe('live push channel against a real server', () => {
  it('ticks after remote-written samples are stored, and shutdown ends open streams', async () => {
    const argus = await startArgus();
    try {
      const events: string[] = [];
      const req = http.get(`${argus.url}/api/argus/v1/live`, {
        headers: { authorization: ADMIN_AUTH },
      });
      req.on('error', () => {});
      req.on('response', (res) => {
        res.setEncoding('utf8');
        res.on('data', (s: string) => {
          for (const m of s.matchAll(/^event: (\w+)$/gm)) events.push(m[1]);
        });
      });
      for (let i = 0; i < 300 && !events.includes('hello'); i++)
        await new Promise((r) => setTimeout(r, 10));
      assert.ok(events.includes('hello'));
      const now = Date.now();
      const status = await remoteWrite(argus.url, [
        {
          labels: [
            ['__name__', 'live_probe'],
            ['job', 't'],
          ],
          samples: [{ t: now, v: 1 }],
        },
      ]);
      assert.equal(status.status, 204);
      // Bounded wait: the tick follows the commit (at most one interval, 1 s, later).
      for (let i = 0; i < 300 && !events.includes('tick'); i++)
        await new Promise((r) => setTimeout(r, 10));
      assert.ok(events.includes('tick'), `events: ${events.join(',')}`);
      // An open stream must not hold shutdown until its timeout (which exits 1).
      const exit = await argus.stop('SIGTERM');
      assert.equal(exit.code, 0);
    } finally {
      await argus.stop();
    }
  });
});
