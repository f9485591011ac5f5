import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseMultipart } from './form.js';
import { testApi, type TestApi } from './testing.js';

const CT = 'multipart/form-data; boundary=XyZ';
const body = (...parts: string[]) => Buffer.from(`${parts.join('')}--XyZ--\r\n`);
const field = (name: string, value: string, extra = '') =>
  `--XyZ\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n${value}\r\n`;

describe('multipart/form-data bodies', () => {
  it('reads fields, repeated names kept, files and unnamed parts skipped (as Go ReadForm)', () => {
    const p = parseMultipart(
      body(
        'preamble\r\n',
        field('query', 'sum(up)\r\nby (job)'),
        field('match[]', 'a'),
        field('match[]', 'b'),
        field('upload', 'ignored', '; filename="q.txt"'),
        '--XyZ\r\n\r\nno headers\r\n',
        '--XyZ\r\nContent-Disposition: form-data\r\n\r\nno name\r\n',
      ),
      CT,
    );
    assert.equal(p.get('query'), 'sum(up)\r\nby (job)');
    assert.deepEqual(p.getAll('match[]'), ['a', 'b']);
    assert.deepEqual([...p.keys()], ['query', 'match[]', 'match[]']);
  });

  it('accepts a quoted boundary and a name with escapes', () => {
    const p = parseMultipart(
      Buffer.from('--a b\r\nContent-Disposition: form-data; name="x\\"y"\r\n\r\n1\r\n--a b--'),
      'multipart/form-data; boundary="a b"',
    );
    assert.equal(p.get('x"y'), '1');
  });

  const bad: [string, string, string][] = [
    ['no boundary', body(field('q', '1')).toString(), 'multipart/form-data'],
    ['boundary never seen', 'hello', CT],
    ['no CRLF after the boundary', '--XyZjunk', CT],
    ['unterminated headers', '--XyZ\r\nContent-Disposition: form-data; name="q"', CT],
    ['unclosed part', '--XyZ\r\nContent-Disposition: form-data; name="q"\r\n\r\nvalue', CT],
    ['too many parts', `${field('a', '1').repeat(1001)}--XyZ--`, CT],
  ];
  for (const [name, text, ct] of bad) {
    it(`refuses a body with ${name} (400)`, () => {
      assert.throws(
        () => parseMultipart(Buffer.from(text), ct),
        (err: Error & { statusCode?: number }) =>
          err.statusCode === 400 &&
          err.message.startsWith('cannot parse multipart/form-data body: '),
      );
    });
  }
});

describe('POST /api/v1/query with multipart/form-data (curl -F), over HTTP', () => {
  let t: TestApi;
  let base = '';
  before(async () => {
    t = await testApi();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => t.close());

  it('answers the query as Prometheus does', async () => {
    const form = new FormData();
    form.set('query', '1 + 1');
    form.set('time', '1700000000');
    const res = await fetch(`${base}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: t.adminAuth },
      body: form,
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), {
      status: 'success',
      data: { resultType: 'scalar', result: [1700000000, '2'] },
    });
  });

  it('keeps the body limit and says what is malformed', async () => {
    const big = new FormData();
    big.set('query', 'x'.repeat(2_000_000));
    const tooBig = await fetch(`${base}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: t.adminAuth },
      body: big,
    });
    assert.equal(tooBig.status, 413);
    const bad = await fetch(`${base}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: t.adminAuth, 'content-type': 'multipart/form-data' },
      body: 'query=1',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), {
      status: 'error',
      errorType: 'bad_data',
      error: 'cannot parse multipart/form-data body: Content-Type has no boundary parameter',
    });
  });
});
