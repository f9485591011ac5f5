import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DEFAULT_TENANT, Matcher } from '../model/index.js';
import { readSeries } from '../storage/testing.js';
import { truncateQuoted } from './push-body.js';
import { testApi, type TestApi } from './testing.js';

describe('POST /api/v1/import/prometheus', () => {
  let t: TestApi;
  before(async () => {
    t = await testApi();
  });
  after(() => t.close());

  const post = (body: string | Buffer, query = '', headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/import/prometheus${query}`,
      headers: { 'content-type': 'text/plain', ...headers },
      payload: body,
    });
  const read = (name: string) => readSeries(t.store, [new Matcher('=', '__name__', name)]);

  it('stores samples with their timestamps, ?timestamp for the rest, extra labels and metadata', async () => {
    const res = await post(
      '# HELP jobs_done Jobs done.\n# TYPE jobs_done counter\njobs_done{queue="a"} 5 1700000000000\njobs_done{queue="b"} 7\n',
      '?timestamp=1700000001000&extra_label=env=batch',
    );
    assert.equal(res.statusCode, 204, res.body);
    assert.deepEqual(read('jobs_done'), [
      {
        labels: '{__name__="jobs_done", env="batch", queue="a"}',
        ts: [1_700_000_000_000],
        vs: [5],
      },
      {
        labels: '{__name__="jobs_done", env="batch", queue="b"}',
        ts: [1_700_000_001_000],
        vs: [7],
      },
    ]);
    assert.equal(
      t.store.getMetadata(DEFAULT_TENANT, 'jobs_done').get('jobs_done')?.help,
      'Jobs done.',
    );
  });

  it('takes gzip bodies', async () => {
    const res = await post(gzipSync('gz_metric 1 1700000002000\n'), '', {
      'content-encoding': 'gzip',
    });
    assert.equal(res.statusCode, 204, res.body);
    assert.deepEqual(read('gz_metric')[0].vs, [1]);
  });

  it('refuses a gzip bomb with 413 naming the limit, other encodings with 415', async () => {
    const small = await testApi({ remoteWrite: { max_body_bytes: 4096 } });
    try {
      const req = (body: Buffer, encoding: string) =>
        small.app.inject({
          method: 'POST',
          url: '/api/v1/import/prometheus',
          headers: { 'content-type': 'text/plain', 'content-encoding': encoding },
          payload: body,
        });
      const big = await req(gzipSync(Buffer.alloc(10 * 8 * 4096, 0x20)), 'gzip');
      assert.equal(big.statusCode, 413);
      assert.equal(
        big.json<{ error: string }>().error,
        'cannot read import request: gzip body decompresses to more than 32768 bytes',
      );
      const deflate = await req(Buffer.from('x 1\n'), 'deflate');
      assert.equal(deflate.statusCode, 415);
      assert.match(deflate.json<{ error: string }>().error, /Content-Encoding "deflate"/);
      const bad = await req(Buffer.from('x 1\n'), 'gzip');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json<{ error: string }>().error, /bad gzip body/);
    } finally {
      await small.close();
    }
  });

  it('truncates huge label values echoed in errors', async () => {
    const res = await post(`big{a="${'v'.repeat(70_000)}"} 1 1700000004000\n`);
    assert.equal(res.statusCode, 400);
    const error = res.json<{ error: string }>().error;
    assert.ok(error.length < 400, `${error.length} chars`);
    assert.match(error, new RegExp(`a="${'v'.repeat(100)}…\\(70000 bytes\\)"`));
  });

  it('truncateQuoted keeps escapes whole', () => {
    const v = `${'a'.repeat(99)}\\"${'b'.repeat(200)}`;
    assert.equal(truncateQuoted(`x "${v}" y`), `x "${'a'.repeat(99)}…(301 bytes)" y`);
    assert.equal(truncateQuoted('short "ok" stays'), 'short "ok" stays');
  });

  it('refuses a bad body whole, naming the line', async () => {
    const res = await post('ok_metric 1 1700000003000\nnot a { metric\n');
    assert.equal(res.statusCode, 400);
    assert.match(res.json<{ error: string }>().error, /line 2/);
    assert.deepEqual(read('ok_metric'), [], 'nothing of it stored');
  });

  it('refuses bad parameters by name', async () => {
    assert.match(
      (await post('x 1\n', '?extra_label=oops')).body,
      /invalid parameter \\"extra_label\\"/,
    );
    assert.match((await post('x 1\n', '?timestamp=now')).body, /invalid parameter \\"timestamp\\"/);
  });
});
