import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, LookupFunction } from 'node:net';
import dns from 'node:dns';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGzip, gzipSync } from 'node:zlib';
import { scrapeConfigSchema } from './config.js';
import { scrapeAgent, scrapeRequest } from './fetch.js';

const TLS = path.join(process.cwd(), 'test/integration/testdata/tls');
const BODY = '# TYPE up gauge\nup 1\n';
const opts = { accept: 'text/plain;version=0.0.4', timeoutMs: 2000, bodySizeLimit: 0 };
const job = (over: object = {}) => scrapeConfigSchema.parse({ job_name: 'j', ...over });

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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

  it('inflates a gzip bomb only up to the limit, or 1GiB-style ceiling without one', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    handler = (_q, s) => {
      s.on('error', () => undefined); // the client hangs up mid-body
      s.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb);
    };
    await assert.rejects(
      scrapeRequest(`${base}/m`, job(), { ...opts, bodySizeLimit: 1024 * 1024 }),
      { message: 'body size limit exceeded (body_size_limit 1048576 bytes)' },
    );
    await assert.rejects(
      scrapeRequest(`${base}/m`, job(), { ...opts, maxBodyBytes: 8 * 1024 * 1024 }),
      {
        message:
          'body size limit exceeded (no body_size_limit set; Argus refuses bodies over 8MiB)',
      },
    );
    // An endless gzip stream: the deadline stops it and hangs up on the server.
    let closed = false;
    handler = (_q, s) => {
      s.on('error', () => undefined);
      s.on('close', () => (closed = true));
      s.writeHead(200, { 'content-encoding': 'gzip' });
      const gz = createGzip();
      gz.pipe(s);
      const zeros = Buffer.alloc(1024 * 1024);
      const pump = () => {
        if (!s.destroyed && gz.write(zeros)) setImmediate(pump);
      };
      gz.on('drain', pump);
      s.on('close', () => gz.destroy());
      pump();
    };
    await assert.rejects(scrapeRequest(`${base}/m`, job(), { ...opts, timeoutMs: 300 }), {
      message: 'context deadline exceeded (scrape_timeout 0.3s)',
    });
    await waitFor(() => closed, 'the server to see the hang-up');
  });

  it('follows redirects as Go: relative Locations, each a GET, at most 10 requests', async () => {
    const methods: string[] = [];
    handler = (q, s) => {
      methods.push(`${q.method} ${q.url}`);
      const n = Number(/^\/r(\d+)$/.exec(q.url ?? '')?.[1] ?? -1);
      if (n > 0) s.writeHead(n % 2 ? 302 : 301, { location: `r${n - 1}` }).end();
      else if (n === 0) s.end(BODY);
      else s.writeHead(404).end();
    };
    // 9 redirects: 10 requests, as Go's client allows.
    assert.equal((await scrapeRequest(`${base}/r9`, job(), opts)).body.toString(), BODY);
    assert.deepEqual(
      methods,
      [9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((n) => `GET /r${n}`),
    );
    await assert.rejects(scrapeRequest(`${base}/r10`, job(), opts), {
      message: 'stopped after 10 redirects',
    });
    await assert.rejects(scrapeRequest(`${base}/r1`, job({ follow_redirects: false }), opts), {
      message: 'server returned HTTP status 302 Found',
    });
    handler = (_q, s) => s.writeHead(302, { location: 'ftp://x/y' }).end();
    await assert.rejects(scrapeRequest(`${base}/m`, job(), opts), {
      message: 'cannot follow redirect to "ftp://x/y": unsupported protocol scheme "ftp"',
    });
  });

  it('follows a redirect to another host on a fresh connection, through the lookup', async () => {
    const other = http.createServer((q, s) => {
      otherSeen.push(q.headers);
      s.end('other 1\n');
    });
    const otherSeen: http.IncomingHttpHeaders[] = [];
    const port = await listen(other);
    const looked: string[] = [];
    const lookup = ((host: string, o: dns.LookupOptions, cb: never) => {
      looked.push(host);
      dns.lookup(host, { ...o, family: 4 }, cb);
    }) as unknown as LookupFunction;
    handler = (q, s) =>
      q.url === '/away'
        ? s.writeHead(307, { location: `http://localhost:${port}/metrics` }).end()
        : s.end(BODY);
    const agent = scrapeAgent(`${base}/away`);
    try {
      const withAuth = job({ authorization: { credentials: 't0k' } });
      const r = await scrapeRequest(`${base}/away`, withAuth, { ...opts, agent, lookup });
      assert.equal(r.body.toString(), 'other 1\n');
      // The target's IP literal is checked too, then the other host's name is resolved.
      assert.deepEqual(looked, ['127.0.0.1', 'localhost']);
      assert.equal(seen.at(-1)!.authorization, 'Bearer t0k');
      assert.equal(otherSeen.length, 1);
      // Go's client keeps credentials only for the same host or its subdomains.
      assert.equal(otherSeen[0].authorization, undefined);
      assert.equal(otherSeen[0].accept, opts.accept);
      // The target's pooled connection still goes to the target.
      assert.equal(
        (await scrapeRequest(`${base}/m`, job(), { ...opts, agent })).body.toString(),
        BODY,
      );
    } finally {
      agent.destroy();
      other.closeAllConnections();
      await new Promise((r) => other.close(r));
    }
  });

  it('asks the lookup about an IP literal a redirect points to', async () => {
    const port = Number(new URL(base).port);
    const lookup = ((host: string, o: dns.LookupOptions, cb: (e: Error | null) => void) => {
      if (host === '127.0.0.1') cb(new Error('refused: 127.0.0.1 is loopback'));
      else dns.lookup(host, { ...o, family: 4 }, cb as never);
    }) as unknown as LookupFunction;
    handler = (q, s) =>
      q.url === '/to-ip'
        ? s.writeHead(302, { location: `http://127.0.0.1:${port}/m` }).end()
        : s.end(BODY);
    await assert.rejects(
      scrapeRequest(`http://localhost:${port}/to-ip`, job(), { ...opts, lookup }),
      { message: 'refused: 127.0.0.1 is loopback' },
    );
    // Without a guard the same redirect is followed.
    const r = await scrapeRequest(`http://localhost:${port}/to-ip`, job(), opts);
    assert.equal(r.body.toString(), BODY);
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
