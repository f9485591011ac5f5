import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApi, type TestApi } from './testing.js';

describe('errors nobody answered', () => {
  let t: TestApi;
  before(async () => {
    t = await testApi({ defaultAuth: false });
  });
  after(() => t.close());

  const cases: [
    string,
    { method: 'POST'; url: string; ct: string; body: string },
    number,
    string,
  ][] = [
    [
      'malformed JSON',
      { method: 'POST', url: '/api/argus/v1/login', ct: 'application/json', body: '{bad' },
      400,
      "invalid JSON body: Body is not valid JSON but content-type is set to 'application/json'",
    ],
    [
      'a text body where JSON is wanted',
      { method: 'POST', url: '/api/argus/v1/login', ct: 'text/plain', body: 'admin' },
      400,
      'invalid request body: want a JSON object (Content-Type: application/json)',
    ],
    [
      'a body over the JSON limit',
      {
        method: 'POST',
        url: '/api/argus/v1/login',
        ct: 'application/json',
        body: JSON.stringify({ username: 'x'.repeat(2_000_000) }),
      },
      413,
      'request body exceeds 1048576 bytes',
    ],
    [
      'an unknown media type',
      { method: 'POST', url: '/api/argus/v1/login', ct: 'application/x-weird', body: 'x' },
      415,
      'unsupported Content-Type',
    ],
  ];
  for (const [name, req, status, msg] of cases) {
    it(`answers ${name} with ${status} in the JSON envelope`, async () => {
      const res = await t.app.inject({
        method: req.method,
        url: req.url,
        headers: { 'content-type': req.ct },
        payload: req.body,
      });
      assert.equal(res.statusCode, status, res.body);
      const body = res.json<{ status: string; error: string }>();
      assert.equal(body.status, 'error');
      assert.ok(body.error.startsWith(msg), body.error);
      assert.ok(res.headers['content-security-policy']);
    });
  }

  it('answers unknown routes with a 404 naming the route, without credentials needed', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v2/nothing?x=1' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), {
      status: 'error',
      errorType: 'not_found',
      error: 'no route GET /api/v2/nothing',
    });
  });
});
