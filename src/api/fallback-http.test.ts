import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MAX_PARAM_LENGTH } from './fallback.js';
import { testApi, type TestApi } from './testing.js';

/** Errors fastify, its router and Node's HTTP parser raise, over real HTTP on 127.0.0.1. */
describe('early and method errors over HTTP', () => {
  let t: TestApi;
  let base = '';
  before(async () => {
    t = await testApi();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => t.close());

  const call = (method: string, url: string, init: RequestInit = {}) =>
    fetch(base + url, { method, ...init });

  it('answers a known path with another method 405 with Allow, in the envelope', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/api/v1/query', 'GET, HEAD, POST'],
      ['PUT', '/api/v1/labels', 'GET, HEAD, POST'],
      ['DELETE', '/api/v1/label/job/values', 'GET, HEAD'],
      ['GET', '/api/v1/admin/tsdb/snapshot', 'POST, PUT'],
      ['PATCH', '/-/reload', 'POST'],
    ];
    for (const [method, url, allow] of cases) {
      const res = await call(method, `${url}?secret=s3cr3t`);
      assert.equal(res.status, 405, `${method} ${url}`);
      assert.equal(res.headers.get('allow'), allow);
      assert.ok(res.headers.get('content-security-policy'));
      assert.deepEqual(await res.json(), {
        status: 'error',
        errorType: 'bad_data',
        error: `method ${method} not allowed for ${url}; allowed: ${allow}`,
      });
    }
  });

  it('keeps 404 for unknown paths', async () => {
    const res = await call('DELETE', '/api/v1/nothing');
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('allow'), null);
    assert.equal(
      ((await res.json()) as { error: string }).error,
      'no route DELETE /api/v1/nothing',
    );
  });

  it('answers a bad percent-encoding in the path 400 bad_data, naming it', async () => {
    const res = await call('GET', '/api/v1/quer%y?token=argus_secret');
    assert.equal(res.status, 400);
    assert.ok(res.headers.get('content-security-policy'));
    const text = await res.text();
    assert.doesNotMatch(text, /argus_secret/);
    assert.deepEqual(JSON.parse(text), {
      status: 'error',
      errorType: 'bad_data',
      error: 'invalid URL path "/api/v1/quer%y": bad percent-encoding (write % as %25)',
    });
  });

  it('reads a percent sign in the query string as a parameter value', async () => {
    const res = await call('GET', '/api/v1/query?query=%');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { errorType: string; error: string };
    assert.equal(body.errorType, 'bad_data');
    assert.match(body.error, /^invalid parameter "query": parse error/);
  });

  it('matches label names up to MAX_PARAM_LENGTH, and answers longer ones 414', async () => {
    const ok = await call('GET', `/api/v1/label/${'a'.repeat(300)}/values`);
    assert.equal(ok.status, 200, await ok.text());
    const long = await call('GET', `/api/v1/label/${'a'.repeat(MAX_PARAM_LENGTH + 1)}/values`);
    assert.equal(long.status, 414);
    assert.equal(long.headers.get('x-frame-options'), 'DENY');
    const body = (await long.json()) as { status: string; errorType: string; error: string };
    assert.equal(body.errorType, 'bad_data');
    assert.match(body.error, new RegExp(`longer than ${MAX_PARAM_LENGTH} characters$`));
  });

  it('answers headers too large 431 in the envelope, echoing nothing', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const s = net.connect(Number(new URL(base).port), '127.0.0.1', () =>
        s.write(
          `GET /api/v1/query?query=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer argus_secret\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        ),
      );
      let d = '';
      s.on('data', (c: Buffer) => (d += c.toString()));
      s.on('close', () => resolve(d));
      s.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.doesNotMatch(raw, /argus_secret|aaaa/);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Record<string, string>;
    assert.equal(body.status, 'error');
    assert.equal(body.errorType, 'bad_data');
    assert.match(body.error, /^request header fields too large/);
  });

  it('answers a malformed request line 400 in the envelope', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const s = net.connect(Number(new URL(base).port), '127.0.0.1', () =>
        s.write('NOT HTTP AT ALL\r\n\r\n'),
      );
      let d = '';
      s.on('data', (c: Buffer) => (d += c.toString()));
      s.on('close', () => resolve(d));
      s.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(
      raw,
      /\{"status":"error","errorType":"bad_data","error":"malformed HTTP request"\}$/,
    );
  });

  it('answers malformed JSON where JSON is expected 400 bad_data', async () => {
    const res = await call('POST', '/api/argus/v1/login', {
      headers: { 'content-type': 'application/json' },
      body: '{"username": "admin", "password": "hunter2',
    });
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.doesNotMatch(text, /hunter2/);
    const body = JSON.parse(text) as { errorType: string; error: string };
    assert.equal(body.errorType, 'bad_data');
    assert.match(body.error, /^invalid JSON body: /);
  });

  it('names the accepted content types in a 415', async () => {
    const res = await call('POST', '/api/v1/query', {
      headers: { 'content-type': 'text/csv' },
      body: 'query,1',
    });
    assert.equal(res.status, 415);
    assert.deepEqual(await res.json(), {
      status: 'error',
      errorType: 'bad_data',
      error:
        'unsupported Content-Type "text/csv" for POST /api/v1/query: send application/x-www-form-urlencoded or multipart/form-data, or the parameters in the URL',
    });
    const login = await call('POST', '/api/argus/v1/login', {
      headers: { 'content-type': 'text/csv' },
      body: 'x',
    });
    assert.equal(login.status, 415);
    assert.match(
      ((await login.json()) as { error: string }).error,
      /^unsupported Content-Type "text\/csv" for POST \/api\/argus\/v1\/login: send application\/json$/,
    );
  });
});
