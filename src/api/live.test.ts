import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { tenantId } from '../model/index.js';
import { LiveHub } from '../live/index.js';
import { testApi, type TestApi } from './testing.js';

let api: TestApi;
let base: string;
const hub = new LiveHub({ intervalMs: 20 });

before(async () => {
  api = await testApi({ defaultAuth: false, live: hub });
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
after(() => api.close());

/** Opens the stream and collects parsed events until `stop()`. */
function openStream(auth: string | undefined) {
  const events: { event: string; data: unknown }[] = [];
  let status = 0;
  let headers: http.IncomingHttpHeaders = {};
  let buf = '';
  const req = http.get(`${base}/api/argus/v1/live`, {
    headers: auth === undefined ? {} : { authorization: auth },
  });
  const ready = new Promise<void>((resolve) => {
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (s: string) => {
        buf += s;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (ev !== undefined && data !== undefined)
            events.push({ event: ev, data: JSON.parse(data) });
        }
      });
      resolve();
    });
    req.on('error', () => resolve());
  });
  return {
    events,
    ready,
    get status() {
      return status;
    },
    get headers() {
      return headers;
    },
    stop: () => req.destroy(),
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

describe('GET /api/argus/v1/live (server push)', () => {
  it('streams hello, then a tick when the tenant stores samples', async (t) => {
    const s = openStream(api.adminAuth);
    // A failed assertion must not leave the stream open (closing the server would wait on it).
    t.after(() => s.stop());
    await s.ready;
    assert.equal(s.status, 200);
    assert.match(String(s.headers['content-type']), /^text\/event-stream/);
    // Authenticated: never stored by a cache (the security hook's rule).
    assert.equal(s.headers['cache-control'], 'private, no-store');
    await until(() => s.events.length >= 1, 'hello');
    assert.equal(s.events[0].event, 'hello');
    await until(() => hub.subscribers(tenantId('default')) === 1, 'the subscription');
    hub.notify(tenantId('other'), 5); // another tenant's data: nothing
    hub.notify(tenantId('default'), 7);
    await until(() => s.events.length >= 2, 'a tick');
    assert.equal(s.events[1].event, 'tick');
    assert.equal((s.events[1].data as { samples: number }).samples, 7);
    s.stop();
    await until(() => hub.subscribers(tenantId('default')) === 0, 'the unsubscribe on close');
  });

  it('needs a credential', async () => {
    const s = openStream(undefined);
    await s.ready;
    assert.equal(s.status, 401);
    s.stop();
  });
});
