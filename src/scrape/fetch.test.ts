import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { scrapeConfigSchema } from './config.js';
import { scrapeAgent, scrapeRequest } from './fetch.js';

const TLS = path.join(process.cwd(), 'test/integration/testdata/tls');
const BODY = '# TYPE up gauge\nup 1\n';
const opts = { accept: 'text/plain;version=0.0.4', timeoutMs: 2000, bodySizeLimit: 0 };
const job = (over: object = {}) => scrapeConfigSchema.parse({ job_name: 'j', ...over });

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

describe('scrapeRequest', () => {
  let handler: Handler = (_q, s) => s.end(BODY);
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((q, s) => {
    seen.push(q.headers);
    handler(q, s);
  });
  let base = '';
  let dir = '';
  before(async () => {
    base = `http://127.0.0.1:${await listen(server)}`;
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-fetch-'));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('sends Accept, gzip and the timeout header; returns body and content type', async () => {
    handler = (_q, s) =>
      s.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(BODY);
    const r = await scrapeRequest(`${base}/metrics`, job(), opts);
    assert.equal(r.body.toString(), BODY);
    assert.equal(r.contentType, 'text/plain; version=0.0.4');
    const h = seen.at(-1)!;
    assert.equal(h.accept, 'text/plain;version=0.0.4');
    assert.equal(h['accept-encoding'], 'gzip');
    assert.equal(h['x-prometheus-scrape-timeout-seconds'], '2');
  });

  it('decompresses gzip and applies body_size_limit to the decompressed size', async () => {
    const big = 'x'.repeat(100_000);
    handler = (_q, s) => s.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(big));
    assert.equal((await scrapeRequest(`${base}/m`, job(), opts)).body.length, 100_000);
    await assert.rejects(scrapeRequest(`${base}/m`, job(), { ...opts, bodySizeLimit: 50_000 }), {
      message: 'body size limit exceeded (body_size_limit 50000 bytes)',
    });
    // A body that claims gzip but is not: the scrape fails with the zlib reason.
    handler = (_q, s) => s.writeHead(200, { 'content-encoding': 'gzip' }).end('plain text');
    await assert.rejects(scrapeRequest(`${base}/m`, job(), opts), {
      message: /^cannot read response: gzip: incorrect header check/,
    });
  });

  it('reuses one keep-alive connection per agent', async () => {
    const ports = new Set<number>();
    handler = (q, s) => {
      ports.add(q.socket.remotePort ?? 0);
      s.end('m 1\n');
    };
    const agent = scrapeAgent(`${base}/m`);
    try {
      for (let i = 0; i < 3; i++) await scrapeRequest(`${base}/m`, job(), { ...opts, agent });
    } finally {
      agent.destroy();
    }
    assert.equal(ports.size, 1);
  });

  it('names non-2xx statuses, timeouts and refused connections', async () => {
    handler = (_q, s) => s.writeHead(503).end('down');
    await assert.rejects(scrapeRequest(`${base}/m`, job(), opts), {
      message: 'server returned HTTP status 503 Service Unavailable',
    });
    handler = () => undefined; // never answers
    await assert.rejects(scrapeRequest(`${base}/m`, job(), { ...opts, timeoutMs: 200 }), {
      message: 'context deadline exceeded (scrape_timeout 0.2s)',
    });
    await assert.rejects(scrapeRequest('http://127.0.0.1:1/m', job(), opts), /ECONNREFUSED/);
  });

  it('sends basic auth (password from a file, re-read each time) and bearer credentials', async () => {
    handler = (_q, s) => s.end(BODY);
    const pw = path.join(dir, 'pw');
    await writeFile(pw, 'first\n');
    const basic = job({ basic_auth: { username: 'u', password_file: pw } });
    await scrapeRequest(`${base}/m`, basic, opts);
    assert.equal(seen.at(-1)!.authorization, `Basic ${Buffer.from('u:first').toString('base64')}`);
    await writeFile(pw, 'second');
    await scrapeRequest(`${base}/m`, basic, opts);
    assert.equal(seen.at(-1)!.authorization, `Basic ${Buffer.from('u:second').toString('base64')}`);
    await scrapeRequest(`${base}/m`, job({ authorization: { credentials: 't0k' } }), opts);
    assert.equal(seen.at(-1)!.authorization, 'Bearer t0k');
    await assert.rejects(
      scrapeRequest(
        `${base}/m`,
        job({ authorization: { credentials_file: path.join(dir, 'none') } }),
        opts,
      ),
      /cannot read credentials or TLS files/,
    );
  });
});

describe('scrapeRequest over TLS', () => {
  let base = '';
  let server: https.Server;
  const auths: (string | undefined)[] = [];
  before(async () => {
    server = https.createServer(
      {
        cert: await readFile(path.join(TLS, 'a.crt')),
        key: await readFile(path.join(TLS, 'a.key')),
      },
      (q, s) => {
        auths.push(q.headers.authorization);
        s.end(BODY);
      },
    );
    base = `https://127.0.0.1:${await listen(server)}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('scrapes a TLS target with basic auth, trusting ca_file; refuses an unknown CA', async () => {
    const ok = job({
      scheme: 'https',
      basic_auth: { username: 'u', password: 'p' },
      tls_config: { ca_file: path.join(TLS, 'a.crt') },
    });
    assert.equal((await scrapeRequest(`${base}/metrics`, ok, opts)).body.toString(), BODY);
    assert.equal(auths.at(-1), `Basic ${Buffer.from('u:p').toString('base64')}`);
    const wrongCa = job({ scheme: 'https', tls_config: { ca_file: path.join(TLS, 'b.crt') } });
    await assert.rejects(
      scrapeRequest(`${base}/metrics`, wrongCa, opts),
      /self.signed|certificate/,
    );
    const skip = job({ scheme: 'https', tls_config: { insecure_skip_verify: true } });
    assert.equal((await scrapeRequest(`${base}/metrics`, skip, opts)).body.toString(), BODY);
  });
});
