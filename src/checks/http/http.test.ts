import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { OutboundGuard } from '../../net/index.js';
import { makeCert, probeContext, tempDir } from '../tls/tls-test-helpers.js';
import type { ProbeResult } from '../types.js';
import { type HttpSpec, httpKind } from './index.js';

type Server = http.Server | https.Server;
const servers: Server[] = [];
const tmp = tempDir();
let base: string; // http://127.0.0.1:port
let side: string; // http://127.0.0.2:port: allow-listed, redirects to 127.0.0.1
let secure: string; // https://127.0.0.1:port with a self-signed cert
let cert: ReturnType<typeof makeCert>;
let client: ReturnType<typeof makeCert>;
let mtls: string; // https, requires a client certificate signed as `client`

const handler: http.RequestListener = (req, res) => {
  const u = new URL(req.url!, 'http://x');
  switch (u.pathname) {
    case '/ok':
      return res.end('all ok here');
    case '/json':
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ status: 'ok', n: 7, items: [{ id: 'a' }], 'a.b': true }));
    case '/status':
      res.writeHead(Number(u.searchParams.get('code')));
      return res.end();
    case '/redirect':
      res.writeHead(302, { location: '/ok' });
      return res.end();
    case '/to-loopback':
      res.writeHead(302, { location: `${base}/ok` });
      return res.end();
    case '/auth':
      res.writeHead(req.headers.authorization === u.searchParams.get('want') ? 200 : 401);
      return res.end(req.method);
    case '/big':
      return res.end(Buffer.alloc(4096, 'x'));
    case '/slow':
      return setTimeout(() => res.end('late'), 300);
    default:
      res.writeHead(404);
      return res.end();
  }
};

async function listen(srv: Server, host: string): Promise<number> {
  servers.push(srv);
  await new Promise<void>((resolve) => srv.listen(0, host, resolve));
  return (srv.address() as AddressInfo).port;
}

before(async () => {
  base = `http://127.0.0.1:${await listen(http.createServer(handler), '127.0.0.1')}`;
  side = `http://127.0.0.2:${await listen(http.createServer(handler), '127.0.0.2')}`;
  cert = makeCert(tmp.dir, 'http.test', -1, 30);
  const tlsSrv = https.createServer({ cert: cert.cert, key: cert.key }, handler);
  secure = `https://127.0.0.1:${await listen(tlsSrv, '127.0.0.1')}`;
  client = makeCert(tmp.dir, 'client.test', -1, 30);
  const mtlsSrv = https.createServer(
    {
      cert: cert.cert,
      key: cert.key,
      ca: client.cert,
      requestCert: true,
      rejectUnauthorized: true,
    },
    handler,
  );
  mtls = `https://127.0.0.1:${await listen(mtlsSrv, '127.0.0.1')}`;
});

after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  tmp.cleanup();
});

const trusted = new OutboundGuard({ trusted: true });

async function probe(
  fields: Record<string, unknown>,
  guard = trusted,
  over: Parameters<typeof probeContext>[1] = {},
): Promise<ProbeResult> {
  const spec: HttpSpec = httpKind.schema.parse(fields);
  return httpKind.probe(spec, probeContext(guard, over));
}

function metric(r: ProbeResult, name: string, labels?: Record<string, string>): number | undefined {
  return r.metrics.find(
    (m) => m.name === name && (!labels || JSON.stringify(m.labels) === JSON.stringify(labels)),
  )?.value;
}

describe('http kind', () => {
  it('succeeds on a 2xx and reports blackbox metrics and detail', async () => {
    const r = await probe({ url: `${base}/ok` });
    assert.equal(r.error, undefined);
    assert.equal(r.success, true);
    assert.equal(metric(r, 'probe_http_status_code'), 200);
    assert.equal(metric(r, 'probe_http_content_length'), 11);
    assert.equal(metric(r, 'probe_http_uncompressed_body_length'), 11);
    assert.equal(metric(r, 'probe_http_ssl'), 0);
    assert.equal(metric(r, 'probe_http_version'), 1.1);
    assert.equal(metric(r, 'probe_http_redirects'), 0);
    assert.equal(metric(r, 'probe_failed_due_to_regex'), 0);
    for (const phase of ['resolve', 'connect', 'tls', 'processing', 'transfer'])
      assert.ok(metric(r, 'probe_http_duration_seconds', { phase })! >= 0, phase);
    assert.equal(r.detail?.status, 200);
    assert.equal(r.detail?.address, '127.0.0.1');
    assert.equal(httpKind.target(httpKind.schema.parse({ url: `${base}/ok` })), `${base}/ok`);
  });

  it('checks the status against codes, classes and ranges', async () => {
    const cases: [unknown, number, string | undefined][] = [
      [undefined, 503, 'status 503, want one of 2xx'],
      [[200, '5xx'], 503, undefined],
      ['500-502', 503, 'status 503, want one of 500-502'],
      [404, 404, undefined],
    ];
    for (const [valid, code, want] of cases) {
      const fields = { url: `${base}/status?code=${code}`, valid_status: valid };
      const r = await probe(valid === undefined ? { url: fields.url } : fields);
      assert.equal(r.error, want, JSON.stringify(valid));
      assert.equal(metric(r, 'probe_http_status_code'), code);
    }
  });

  it('follows redirects, or reports the 3xx when told not to', async () => {
    const r = await probe({ url: `${base}/redirect`, body_contains: 'ok' });
    assert.equal(r.success, true);
    assert.equal(metric(r, 'probe_http_redirects'), 1);
    const no = await probe({ url: `${base}/redirect`, follow_redirects: false });
    assert.equal(no.error, 'status 302, want one of 2xx');
    const none = await probe({ url: `${base}/redirect`, max_redirects: 0 });
    assert.match(none.error!, /more than 0 redirects/);
  });

  it('refuses loopback targets and redirects to them with an untrusted guard', async () => {
    const r = await probe({ url: `${base}/ok` }, new OutboundGuard());
    assert.equal(r.success, false);
    assert.match(r.error!, /^cannot connect to "127\.0\.0\.1": loopback address/);
    const meta = await probe({ url: 'http://169.254.169.254/latest/' }, new OutboundGuard());
    assert.match(meta.error!, /cloud metadata endpoint/);
    const hop = await probe(
      { url: `${side}/to-loopback` },
      new OutboundGuard({ allow: ['127.0.0.2'] }),
    );
    assert.match(hop.error!, /\(redirect to http:\/\/127\.0\.0\.1:\d+\/ok\): loopback address/);
  });

  it('checks body contains, keyword absent and RE2 regexes', async () => {
    const url = `${base}/ok`;
    const cases: [Record<string, unknown>, string | undefined, number][] = [
      [{ body_contains: ['all', 'here'] }, undefined, 0],
      [{ body_contains: 'nope' }, 'body does not contain "nope"', 0],
      [{ body_not_contains: 'ok' }, 'body contains "ok", want it absent', 0],
      [{ body_regex: '^all\\s+ok' }, undefined, 0],
      [{ body_regex: ['^ok'] }, 'body does not match "^ok"', 1],
      [{ body_not_regex: 'o+k' }, 'body matches "o+k", want no match', 1],
    ];
    for (const [fields, want, regexFailed] of cases) {
      const r = await probe({ url, ...fields });
      assert.equal(r.error, want, JSON.stringify(fields));
      assert.equal(metric(r, 'probe_failed_due_to_regex'), regexFailed);
    }
  });

  it('checks JSON path conditions', async () => {
    const url = `${base}/json`;
    const cases: [Record<string, unknown>, string | undefined][] = [
      [{ path: '$.status', equals: 'ok' }, undefined],
      [{ path: 'status', equals: 'down' }, 'json status: is "ok", want "down"'],
      [{ path: '$.n', gt: 5, lte: 7 }, undefined],
      [{ path: '$.n', lt: 7 }, 'json $.n: is 7, want < 7'],
      [{ path: '$.items[0].id', equals: 'a' }, undefined],
      [{ path: '$.items[-1].id', matches: '^[a-z]$' }, undefined],
      [{ path: '$["a.b"]', equals: true }, undefined],
      [{ path: '$.missing' }, 'json $.missing: missing, want it present'],
      [{ path: '$.missing', exists: false }, undefined],
      [{ path: '$.status', not_equals: 'ok' }, 'json $.status: is "ok", want anything else'],
      [{ path: '$.status', contains: 'k' }, undefined],
      [{ path: '$.status', gte: 1 }, 'json $.status: is "ok", want a number >= 1'],
    ];
    for (const [cond, want] of cases) {
      const r = await probe({ url, json_path: [cond] });
      assert.equal(r.error, want, JSON.stringify(cond));
    }
    const notJson = await probe({ url: `${base}/ok`, json_path: [{ path: '$.a' }] });
    assert.match(notJson.error!, /^body is not JSON: /);
  });

  it('fails when slower than max_latency', async () => {
    const r = await probe({ url: `${base}/slow`, max_latency: '50ms' });
    assert.match(r.error!, /^response took \d+ms, want at most 50ms$/);
    assert.equal((await probe({ url: `${base}/slow`, max_latency: '5s' })).success, true);
  });

  it('sends basic and bearer credentials from secrets', async () => {
    const basic = `Basic ${Buffer.from('ann:pw').toString('base64')}`;
    const r = await probe(
      {
        url: `${base}/auth?want=${encodeURIComponent(basic)}`,
        method: 'post',
        body: 'x',
        basic_auth: { username: 'ann', password: { secret: 'pw' } },
        body_contains: 'POST',
      },
      trusted,
      { secrets: { pw: 'pw' } },
    );
    assert.equal(r.error, undefined);
    const bearer = await probe({
      url: `${base}/auth?want=${encodeURIComponent('Bearer tok')}`,
      bearer_token: 'tok',
    });
    assert.equal(bearer.success, true);
    const missing = await probe({ url: `${base}/auth`, bearer_token: { secret: 'nope' } });
    assert.equal(missing.error, 'cannot read bearer_token: no secret "nope"');
  });

  it('caps the body at maxBodyBytes and honours the timeout', async () => {
    const r = await probe({ url: `${base}/big` }, trusted, { maxBodyBytes: 1000 });
    assert.match(r.error!, /body exceeds the limit of 1000 bytes/);
    const slow = await probe({ url: `${base}/slow` }, trusted, { timeoutMs: 50 });
    assert.match(slow.error!, /no answer within 50ms|aborted/);
  });

  it('probes https with a self-signed certificate: refused unless trusted or skipped', async () => {
    const strict = await probe({ url: `${secure}/ok` });
    assert.match(strict.error!, /self-signed certificate/);
    const withCa = await probe({ url: `${secure}/ok`, tls: { ca_file: cert.certFile } });
    assert.equal(withCa.error, undefined);
    assert.equal(metric(withCa, 'probe_http_ssl'), 1);
    const expiry = metric(withCa, 'probe_ssl_earliest_cert_expiry')!;
    assert.ok(Math.abs(expiry - (Date.now() / 1000 + 30 * 86400)) < 120, String(expiry));
    assert.equal(metric(withCa, 'probe_ssl_last_chain_expiry_timestamp_seconds'), expiry);
    assert.ok(withCa.metrics.some((m) => m.name === 'probe_tls_version_info' && m.value === 1));
    assert.ok(metric(withCa, 'probe_http_duration_seconds', { phase: 'tls' })! > 0);
    assert.equal(withCa.detail?.cert_days_left, 29);
    assert.equal(withCa.detail?.cert_subject, 'http.test');
    const skip = await probe({ url: `${secure}/ok`, tls: { insecure_skip_verify: true } });
    assert.equal(skip.success, true);
  });

  it('presents a client certificate (key as a file or a stored secret)', async () => {
    const without = await probe({ url: `${mtls}/ok`, tls: { ca: cert.cert } });
    assert.equal(without.success, false);
    const tls = { ca: cert.cert, cert_file: client.certFile };
    const fromFile = await probe({ url: `${mtls}/ok`, tls: { ...tls, key_file: client.keyFile } });
    assert.equal(fromFile.error, undefined);
    const fromSecret = await probe(
      { url: `${mtls}/ok`, tls: { ...tls, key: { secret: 'client-key' } } },
      trusted,
      { secrets: { 'client-key': client.key } },
    );
    assert.equal(fromSecret.error, undefined);
    const noSecret = await probe({ url: `${mtls}/ok`, tls: { ...tls, key: { secret: 'x' } } });
    assert.equal(noSecret.error, 'cannot read tls.key: no secret "x"');
    const noFile = await probe({ url: `${mtls}/ok`, tls: { ...tls, key_file: '/nonexistent' } });
    assert.match(noFile.error!, /^cannot read tls\.key_file: ENOENT/);
  });

  it('rejects invalid definitions with clear messages', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ url: 'ftp://x/' }, /expected an http or https URL, got scheme "ftp"/],
      [{ url: 'http://u:p@x/' }, /credentials in the URL are not allowed/],
      [{ url: 'http://x/', valid_status: ['2xz'] }, /expected a status code \(200\)/],
      [{ url: 'http://x/', body_regex: '(' }, /invalid RE2 regular expression "\("/],
      [{ url: 'http://x/', json_path: [{ path: '$.a[' }] }, /expected \[index\]/],
      [{ url: 'http://x/', bearer_token: 't', basic_auth: { username: 'u', password: 'p' } },
        /basic_auth or bearer_token/], // prettier-ignore
      [{ url: 'http://x/', tls: { cert: 'C' } }, /needs both cert/],
      [{ url: 'http://x/', tls: { ca: 'a', ca_file: 'b' } }, /give ca or ca_file, not both/],
      [{ url: 'http://x/', nope: 1 }, /nope/],
    ];
    for (const [fields, want] of cases) {
      const r = httpKind.schema.safeParse(fields);
      assert.equal(r.success, false);
      assert.match(r.error.issues.map((i) => i.message).join('; '), want);
    }
  });
});
