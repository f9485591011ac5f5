import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_PING_MESSAGE } from './ping.js';
import { healthTestApi, type HealthTestApi } from './testing.js';

const PING = '/api/argus/v1/ping';

describe('heartbeat pings', () => {
  let api: HealthTestApi;
  before(async () => {
    api = await healthTestApi();
    for (const t of ['tok-a', 'tok-b', 'tok-c', 'tok-d', 'tok-e'])
      api.source.tokens.set(t, ['default', `job-${t}`]);
  });
  after(() => api.close());

  it('answer 200 OK without credentials, for GET, HEAD and POST, on each kind', async () => {
    const r = await api.app.inject({ method: 'GET', url: `${PING}/tok-a` });
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, 'OK');
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.equal(r.headers['cache-control'], 'no-store');
    const s = await api.app.inject({ method: 'POST', url: `${PING}/tok-a/start` });
    assert.equal(s.statusCode, 200);
    const h = await api.app.inject({ method: 'HEAD', url: `${PING}/tok-b` });
    assert.equal(h.statusCode, 200);
    const f = await api.app.inject({ method: 'GET', url: `${PING}/tok-b/fail` });
    assert.equal(f.statusCode, 200);
    assert.deepEqual(
      api.source.pings.map((p) => [p.token, p.kind]),
      [
        ['tok-a', 'success'],
        ['tok-a', 'start'],
        ['tok-b', 'success'],
        ['tok-b', 'fail'],
      ],
    );
    assert.equal(api.source.pings[3].message, undefined);
  });

  it('404 "unknown token" for a token no check has', async () => {
    for (const url of [`${PING}/nope`, `${PING}/nope/start`, `${PING}/nope/fail`]) {
      const r = await api.app.inject({ method: 'POST', url });
      assert.equal(r.statusCode, 404, url);
      assert.equal(r.body, 'unknown token');
    }
  });

  it('keep a /fail body of any type as the message, cut at 10 KiB, never refused', async () => {
    const post = (payload: string | Buffer, type?: string) =>
      api.app.inject({
        method: 'POST',
        url: `${PING}/tok-c/fail`,
        payload,
        headers: type === undefined ? {} : { 'content-type': type },
      });
    const last = () => api.source.pings.filter((p) => p.token === 'tok-c').at(-1)!;
    // Distinct kinds/tokens are not rate-limited against each other; same token+kind is: use
    // fresh tokens per body type.
    let r = await post('disk full on /var', 'text/plain');
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(last().message, 'disk full on /var');

    api.source.tokens.set('tok-json', ['default', 'j']);
    r = await api.app.inject({
      method: 'POST',
      url: `${PING}/tok-json/fail`,
      payload: '{"exit":1}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(api.source.pings.at(-1)!.message, '{"exit":1}');

    api.source.tokens.set('tok-big', ['default', 'b']);
    const big = Buffer.alloc(3 * 1024 * 1024, 'x');
    r = await api.app.inject({
      method: 'POST',
      url: `${PING}/tok-big/fail`,
      payload: big,
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(api.source.pings.at(-1)!.message!.length, MAX_PING_MESSAGE);

    // A multi-byte character cut at the edge is dropped, not kept half.
    api.source.tokens.set('tok-utf', ['default', 'u']);
    r = await api.app.inject({
      method: 'POST',
      url: `${PING}/tok-utf/fail`,
      payload: 'x'.repeat(MAX_PING_MESSAGE - 1) + 'é',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    assert.equal(r.statusCode, 200);
    assert.equal(api.source.pings.at(-1)!.message, 'x'.repeat(MAX_PING_MESSAGE - 1));
  });

  it('ignores a second ping of the same token and kind within a second, still answering OK', async () => {
    const n = () => api.source.pings.filter((p) => p.token === 'tok-d').length;
    for (let i = 0; i < 3; i++) {
      const r = await api.app.inject({ method: 'GET', url: `${PING}/tok-d` });
      assert.equal(r.statusCode, 200);
    }
    assert.equal(n(), 1);
    // Another kind of the same token is its own stream.
    await api.app.inject({ method: 'GET', url: `${PING}/tok-d/start` });
    assert.equal(n(), 2);
  });

  it('a facade failure is a 500 text answer, logged', async () => {
    const orig = api.source.ping.bind(api.source);
    api.source.ping = () => {
      throw new Error('boom');
    };
    try {
      const r = await api.app.inject({ method: 'GET', url: `${PING}/tok-e` });
      assert.equal(r.statusCode, 500);
      assert.equal(r.body, 'internal error');
      assert.ok(api.logs.some((l) => l.msg === 'cannot record heartbeat ping'));
    } finally {
      api.source.ping = orig;
    }
  });
});
