import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type HopInfo,
  InvalidDestinationError,
  OutboundBlockedError,
  OutboundError,
  OutboundGuard,
  OutboundTimeoutError,
  ResponseTooLargeError,
  TooManyRedirectsError,
  guardedRequest,
} from './index.js';
import { type LocalServer, serve } from './net-test-helpers.js';

// The first hop is served from 127.0.0.2 (allow-listed); 127.0.0.1 and ::1 are not.
let front: LocalServer;
let other: LocalServer; // 127.0.0.3, allow-listed: a second origin
let victim: LocalServer; // 127.0.0.1: must never be reached
let victim6: LocalServer; // ::1
const guard = () => new OutboundGuard({ allow: ['127.0.0.2', '127.0.0.3/32'] });

before(async () => {
  victim = await serve('127.0.0.1', (_req, res) => res.end('secret'));
  victim6 = await serve('::1', (_req, res) => res.end('secret6'));
  other = await serve('127.0.0.3', (req, res) => res.end(JSON.stringify(req.headers)));
  front = await serve('127.0.0.2', (req, res, body) => {
    const u = new URL(req.url!, 'http://x');
    const redirect = (to: string, status = 302) => {
      res.writeHead(status, { location: to });
      res.end('moved');
    };
    switch (u.pathname) {
      case '/ok':
        return res.end(`ok ${req.method} ${body.toString()}`);
      case '/to-loopback':
        return redirect(`${victim.url}/secret`);
      case '/to-v6':
        return redirect(`${victim6.url}/`);
      case '/to-metadata':
        return redirect('http://169.254.169.254/latest/meta-data/');
      case '/to-localhost':
        return redirect(`http://localhost:${victim.port}/`);
      case '/to-decimal':
        return redirect(`http://2130706433:${victim.port}/`);
      case '/to-ftp':
        return redirect('ftp://127.0.0.2/');
      case '/relative':
        return redirect('/ok?from=relative', Number(u.searchParams.get('status') ?? 302));
      case '/to-other':
        return redirect(`${other.url}/echo`, 307);
      case '/loop':
        return redirect('/loop');
      case '/huge': {
        const chunk = Buffer.alloc(64 * 1024, 'x');
        for (let i = 0; i < 16; i++) res.write(chunk);
        return res.end();
      }
      case '/declared':
        res.writeHead(200, { 'content-length': String(5 * 2 ** 20) });
        return res.write('x'); // then stalls: the cap must trip on the header alone
      case '/slow':
        return; // never answers
      case '/slow-body':
        res.writeHead(200);
        return res.write('partial');
      default:
        res.writeHead(404);
        return res.end();
    }
  });
});

after(async () => {
  await Promise.all([front.close(), other.close(), victim.close(), victim6.close()]);
});

function blocked(reason: string, hop: string) {
  return (err: unknown) => {
    assert.ok(err instanceof OutboundBlockedError, String(err));
    assert.equal(err.reason, reason);
    assert.ok(err.message.includes(`redirect to ${hop}`), err.message);
    return true;
  };
}

describe('guardedRequest', () => {
  it('makes a request to an allow-listed destination', async () => {
    const res = await guardedRequest(guard(), `${front.url}/ok`, { method: 'POST', body: 'hi' });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'ok POST hi');
    assert.equal(res.url, `${front.url}/ok`);
    assert.deepEqual(res.redirects, []);
  });

  it('refuses the first hop when it is not allowed, without connecting', async () => {
    await assert.rejects(guardedRequest(new OutboundGuard(), `${front.url}/ok`), {
      name: 'OutboundBlockedError',
      message: `cannot connect to "127.0.0.2": loopback address; allow it with outbound.allow in argus.yml`,
    });
  });

  it('refuses a redirect to 127.0.0.1, naming the hop; the target is never contacted', async () => {
    const hop = `${victim.url}/secret`;
    await assert.rejects(
      guardedRequest(guard(), `${front.url}/to-loopback`),
      blocked('loopback', hop),
    );
    await assert.rejects(guardedRequest(guard(), `${front.url}/to-loopback`), {
      message: `cannot connect to "127.0.0.1" (redirect to ${hop}): loopback address; allow it with outbound.allow in argus.yml`,
    });
    assert.deepEqual(victim.hits, []);
  });

  it('refuses redirects to [::1], metadata, localhost and decimal spellings', async () => {
    const g = guard();
    await assert.rejects(
      guardedRequest(g, `${front.url}/to-v6`),
      blocked('loopback', `${victim6.url}/`),
    );
    await assert.rejects(
      guardedRequest(g, `${front.url}/to-metadata`),
      blocked('metadata', 'http://169.254.169.254/latest/meta-data/'),
    );
    await assert.rejects(
      guardedRequest(g, `${front.url}/to-localhost`),
      blocked('loopback', `http://localhost:${victim.port}/`),
    );
    await assert.rejects(
      guardedRequest(g, `${front.url}/to-decimal`),
      blocked('loopback', `http://127.0.0.1:${victim.port}/`),
    );
    assert.deepEqual(victim.hits, []);
    assert.deepEqual(victim6.hits, []);
  });

  it('follows allowed redirects, 303 turning POST into GET, 307 keeping it', async () => {
    const g = guard();
    const r303 = await guardedRequest(g, `${front.url}/relative?status=303`, {
      method: 'POST',
      body: 'payload',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(r303.body.toString(), 'ok GET ');
    assert.equal(r303.url, `${front.url}/ok?from=relative`);
    assert.deepEqual(r303.redirects, [`${front.url}/ok?from=relative`]);
    const r307 = await guardedRequest(g, `${front.url}/relative?status=307`, {
      method: 'POST',
      body: 'payload',
    });
    assert.equal(r307.body.toString(), 'ok POST payload');
  });

  it('drops credentials on a cross-origin redirect', async () => {
    const res = await guardedRequest(guard(), `${front.url}/to-other`, {
      headers: { Authorization: 'Bearer s3cret', Cookie: 'a=b', 'x-keep': '1' },
    });
    const seen = JSON.parse(res.body.toString()) as Record<string, string>;
    assert.equal(seen.authorization, undefined);
    assert.equal(seen.cookie, undefined);
    assert.equal(seen['x-keep'], '1');
    assert.equal(front.last?.authorization, 'Bearer s3cret');
  });

  it('stops after maxRedirects, or returns the 3xx when not following', async () => {
    await assert.rejects(
      guardedRequest(guard(), `${front.url}/loop`, { maxRedirects: 3 }),
      (err: unknown) => err instanceof TooManyRedirectsError && err.maxRedirects === 3,
    );
    const res = await guardedRequest(guard(), `${front.url}/loop`, { followRedirects: false });
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, '/loop');
  });

  it('refuses schemes other than http and https, also on redirect', async () => {
    await assert.rejects(guardedRequest(guard(), 'file:///etc/passwd'), InvalidDestinationError);
    await assert.rejects(guardedRequest(guard(), 'gopher://127.0.0.2/'), {
      message: 'cannot request gopher://127.0.0.2/: scheme "gopher" is not http or https',
    });
    await assert.rejects(guardedRequest(guard(), `${front.url}/to-ftp`), InvalidDestinationError);
    await assert.rejects(guardedRequest(guard(), 'not a url'), InvalidDestinationError);
  });

  it('caps the body, counting streamed bytes and trusting a declared length', async () => {
    await assert.rejects(guardedRequest(guard(), `${front.url}/huge`, { maxBodyBytes: 100_000 }), {
      name: 'ResponseTooLargeError',
      message: `cannot read response from ${front.url}/huge: body exceeds the limit of 100000 bytes`,
    });
    const g = new OutboundGuard({ allow: ['127.0.0.2'], maxBodyBytes: 2 ** 20 });
    await assert.rejects(guardedRequest(g, `${front.url}/declared`), ResponseTooLargeError);
    const ok = await guardedRequest(guard(), `${front.url}/huge`, { maxBodyBytes: 2 ** 20 });
    assert.equal(ok.body.length, 2 ** 20);
  });

  it('bounds the whole exchange by one deadline', async () => {
    await assert.rejects(guardedRequest(guard(), `${front.url}/slow`, { timeoutMs: 150 }), {
      name: 'OutboundTimeoutError',
      message: `cannot complete request to ${front.url}/slow: no answer within 150ms`,
    });
    const g = new OutboundGuard({ allow: ['127.0.0.2'], timeoutMs: 150 });
    await assert.rejects(guardedRequest(g, `${front.url}/slow-body`), OutboundTimeoutError);
  });

  it('honours an abort signal', async () => {
    const ac = new AbortController();
    const p = guardedRequest(guard(), `${front.url}/slow`, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user cancelled')), 20);
    await assert.rejects(p, { name: 'OutboundError', message: /aborted/ });
    await assert.rejects(
      guardedRequest(guard(), `${front.url}/ok`, { signal: AbortSignal.abort() }),
      {
        message: /aborted/,
      },
    );
  });

  it('wraps network errors in a typed error with the cause', async () => {
    const port = victim.port; // 127.0.0.2 has nothing listening on the victim's port
    await assert.rejects(guardedRequest(guard(), `http://127.0.0.2:${port}/`), (err: unknown) => {
      assert.ok(err instanceof OutboundError);
      assert.match(err.message, /ECONNREFUSED/);
      assert.ok(err.cause instanceof Error);
      return true;
    });
  });

  it('trusts config destinations unless guard_config_targets is set', async () => {
    const trusted = new OutboundGuard().forConfigTargets();
    const res = await guardedRequest(trusted, `${front.url}/to-loopback`);
    assert.equal(res.body.toString(), 'secret');
    assert.deepEqual(victim.hits, ['GET /secret']);
    const guarded = new OutboundGuard({ guardConfigTargets: true }).forConfigTargets();
    await assert.rejects(guardedRequest(guarded, `${front.url}/ok`), OutboundBlockedError);
  });
});

describe('guardedRequest onHop', () => {
  it('reports every hop in order with its status and non-negative phase timings', async () => {
    const hops: HopInfo[] = [];
    const res = await guardedRequest(guard(), `${front.url}/to-other`, {
      onHop: (h) => hops.push(h),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      hops.map((h) => [h.url, h.status, h.httpVersion, h.tls]),
      [
        [`${front.url}/to-other`, 307, '1.1', undefined],
        [res.url, 200, '1.1', undefined],
      ],
    );
    for (const h of hops) {
      for (const v of Object.values(h.timings)) assert.ok(v >= 0, `${v} >= 0`);
      assert.equal(h.timings.tlsMs, 0);
    }
    assert.equal(hops[0].timings.transferMs, 0);
    assert.equal(hops[1].remoteAddress, '127.0.0.3');
  });

  it('reports the TLS protocol and the peer certificate of an https hop', async () => {
    const testdata = join(process.cwd(), 'src/net/testdata');
    const srv = https.createServer(
      {
        cert: readFileSync(join(testdata, 'tls-cert.pem')),
        key: readFileSync(join(testdata, 'tls-key.pem')),
      },
      (_req, res) => res.end('tls ok'),
    );
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.2', resolve));
    try {
      const { port } = srv.address() as AddressInfo;
      const hops: HopInfo[] = [];
      const res = await guardedRequest(guard(), `https://127.0.0.2:${port}/`, {
        tls: { rejectUnauthorized: false },
        onHop: (h) => hops.push(h),
      });
      assert.equal(res.body.toString(), 'tls ok');
      assert.equal(hops.length, 1);
      const tls = hops[0].tls!;
      assert.match(tls.protocol ?? '', /^TLSv1\.[23]$/);
      assert.equal(tls.authorized, false);
      assert.ok(tls.authorizationError);
      assert.equal(tls.certificates.length, 1);
      assert.equal(tls.certificates[0].subject.CN, 'tls.test');
    } finally {
      srv.closeAllConnections();
      await new Promise((resolve) => srv.close(resolve));
    }
  });
});
