import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  OutboundBlockedError,
  OutboundGuard,
  ResolveError,
  guardedConnect,
  guardedRequest,
  guardedResolve,
} from './index.js';
import { type LocalServer, serve } from './net-test-helpers.js';
import { DnsStub } from './testing.js';

let dns: DnsStub;
let local: LocalServer; // 127.0.0.1: the rebinding target
let front: LocalServer; // 127.0.0.2: allow-listed first hop that redirects to a rebinding name

before(async () => {
  dns = await DnsStub.start();
  local = await serve('127.0.0.1', (_req, res) => res.end('internal'));
  front = await serve('127.0.0.2', (_req, res) => {
    res.writeHead(302, { location: `http://hop.test:${local.port}/` });
    res.end();
  });
});

after(async () => {
  await Promise.all([dns.close(), local.close(), front.close()]);
});

describe('DNS rebinding', () => {
  it('checks the address resolved at connect time, not the one seen when the URL was saved', async () => {
    const guard = new OutboundGuard({ resolver: dns.resolver() });
    dns.set('rebind.test', { a: ['93.184.216.34'] });
    // When the user saves the check, the name is public.
    assert.deepEqual(await guardedResolve(guard, 'rebind.test'), ['93.184.216.34']);
    assert.equal(guard.check('rebind.test').allowed, true);

    // Later the attacker's DNS answers 127.0.0.1: the connect-time lookup refuses.
    dns.set('rebind.test', { a: ['127.0.0.1'] });
    await assert.rejects(guardedRequest(guard, `http://rebind.test:${local.port}/`), {
      name: 'OutboundBlockedError',
      message:
        'cannot connect to "rebind.test" (127.0.0.1): loopback address; allow it with outbound.allow in argus.yml',
    });
    assert.deepEqual(local.hits, []);
    assert.ok(dns.queries.includes('rebind.test A'), dns.queries.join());
  });

  it('refuses when any answer is not allowed (mixed public and private records)', async () => {
    const guard = new OutboundGuard({ resolver: dns.resolver() });
    dns.set('mixed.test', { a: ['8.8.8.8'], aaaa: ['::1'] });
    await assert.rejects(guardedResolve(guard, 'mixed.test'), (err: unknown) => {
      assert.ok(err instanceof OutboundBlockedError);
      assert.equal(err.address, '::1');
      return true;
    });
    assert.deepEqual(await guardedResolve(guard, 'mixed.test', { family: 4 }), ['8.8.8.8']);
    await assert.rejects(guardedConnect(guard, 'mixed.test', local.port), OutboundBlockedError);
    dns.set('v6.test', { aaaa: ['64:ff9b::a9fe:a9fe'] });
    await assert.rejects(guardedResolve(guard, 'v6.test', { family: 6 }), { message: /metadata/ });
  });

  it('re-checks the resolved address of every redirect hop', async () => {
    const guard = new OutboundGuard({ allow: ['127.0.0.2'], resolver: dns.resolver() });
    dns.set('hop.test', { a: ['127.0.0.1'] });
    await assert.rejects(guardedRequest(guard, `${front.url}/`), (err: unknown) => {
      assert.ok(err instanceof OutboundBlockedError);
      assert.equal(err.address, '127.0.0.1');
      assert.match(err.message, new RegExp(`redirect to http://hop.test:${local.port}/`));
      return true;
    });
    assert.deepEqual(local.hits, []);
  });

  it('lets a name resolving to 127.0.0.1 through when 127.0.0.1/32 is allow-listed', async () => {
    const guard = new OutboundGuard({ allow: ['127.0.0.1/32'], resolver: dns.resolver() });
    dns.set('allowed.test', { a: ['127.0.0.1'] });
    const res = await guardedRequest(guard, `http://allowed.test:${local.port}/x`);
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'internal');
    assert.deepEqual(local.hits, ['GET /x']);
    const sock = await guardedConnect(guard, 'allowed.test', local.port);
    assert.equal(sock.remoteAddress, '127.0.0.1');
    sock.destroy();
  });

  it('works as a plain lookup hook for net.connect (single-address form)', async () => {
    const guard = new OutboundGuard({ resolver: dns.resolver() });
    dns.set('plain.test', { a: ['127.0.0.1'] });
    const connect = (g: OutboundGuard) =>
      new Promise<string>((resolve, reject) => {
        const s = net.connect({
          host: 'plain.test',
          port: local.port,
          family: 4,
          autoSelectFamily: false,
          lookup: g.lookup,
        });
        s.on('connect', () => {
          resolve(s.remoteAddress!);
          s.destroy();
        });
        s.on('error', reject);
      });
    await assert.rejects(connect(guard), OutboundBlockedError);
    const allowed = new OutboundGuard({ allow: ['plain.test'], resolver: dns.resolver() });
    assert.equal(await connect(allowed), '127.0.0.1');
  });

  it('per-tenant allow entries apply to that tenant only', async () => {
    const guard = new OutboundGuard({
      tenants: { acme: { allow: ['*.acme.test'] } },
      resolver: dns.resolver(),
    });
    dns.set('db.acme.test', { a: ['127.0.0.1'] });
    assert.deepEqual(await guardedResolve(guard, 'db.acme.test', { tenant: 'acme' }), [
      '127.0.0.1',
    ]);
    await assert.rejects(
      guardedResolve(guard, 'db.acme.test', { tenant: 'other' }),
      OutboundBlockedError,
    );
    await assert.rejects(guardedResolve(guard, 'db.acme.test'), OutboundBlockedError);
  });

  it('reports names that do not resolve as ResolveError', async () => {
    const guard = new OutboundGuard({ resolver: dns.resolver() });
    await assert.rejects(guardedResolve(guard, 'nxdomain.test'), {
      name: 'ResolveError',
      message: 'cannot resolve "nxdomain.test": no addresses',
    });
    dns.set('empty.test', {});
    await assert.rejects(guardedResolve(guard, 'empty.test'), ResolveError);
    await assert.rejects(guardedRequest(guard, 'http://nxdomain.test/'), ResolveError);
  });

  it('resolves IDN names through their ASCII form', async () => {
    const guard = new OutboundGuard({ resolver: dns.resolver() });
    dns.set('xn--bcher-kva.test', { a: ['10.0.0.1'] });
    await assert.rejects(guardedResolve(guard, 'bücher.test'), { message: /private address/ });
    assert.ok(dns.queries.includes('xn--bcher-kva.test A'));
  });

  it('uses the system resolver when none is given (and still checks its answer)', async () => {
    const guard = new OutboundGuard();
    // "localhost" is refused by name; a literal in a name-shaped string is checked as an IP.
    await assert.rejects(guardedResolve(guard, 'localhost'), OutboundBlockedError);
    const open = new OutboundGuard({ allow: ['localhost', '127.0.0.0/8', '::1'] });
    const got = await guardedResolve(open, 'localhost');
    assert.ok(got.length > 0 && got.every((a) => a === '127.0.0.1' || a === '::1'), got.join());
  });
});
