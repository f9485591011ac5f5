import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls, { type TLSSocket } from 'node:tls';
import {
  OutboundBlockedError,
  OutboundError,
  OutboundGuard,
  OutboundTimeoutError,
  guardedConnect,
} from './index.js';
import { DnsStub } from './testing.js';

const testdata = join(process.cwd(), 'src/net/testdata');
const cert = readFileSync(join(testdata, 'tls-cert.pem'));
const key = readFileSync(join(testdata, 'tls-key.pem'));

let tcp: net.Server; // 127.0.0.2: accepts and says hello
let silent: net.Server; // 127.0.0.2: accepts TCP, never speaks TLS
let secure: tls.Server; // 127.0.0.2, certificate for tls.test / 127.0.0.2
let dns: DnsStub;

const listen = async (srv: net.Server): Promise<number> => {
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.2', resolve));
  return (srv.address() as AddressInfo).port;
};
let ports: { tcp: number; silent: number; secure: number };
const open = new Set<net.Socket>();
const track = (s: net.Socket) => {
  open.add(s);
  s.on('close', () => open.delete(s));
};

before(async () => {
  tcp = net.createServer((s) => s.end('hello\n'));
  silent = net.createServer(track);
  secure = tls.createServer({ cert, key }, (s) => s.end('tls hello\n'));
  ports = { tcp: await listen(tcp), silent: await listen(silent), secure: await listen(secure) };
  dns = await DnsStub.start();
  dns.set('tls.test', { a: ['127.0.0.2'] });
});

after(async () => {
  for (const s of open) s.destroy();
  await Promise.all([tcp, silent, secure].map((s) => new Promise((r) => s.close(r))));
  await dns.close();
});

const read = (s: net.Socket): Promise<string> =>
  new Promise((resolve) => {
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('end', () => resolve(out));
  });

describe('guardedConnect', () => {
  it('connects to an allowed address and refuses others before connecting', async () => {
    const g = new OutboundGuard({ allow: ['127.0.0.2'] });
    const s = await guardedConnect(g, '127.0.0.2', ports.tcp);
    assert.equal(await read(s), 'hello\n');
    await assert.rejects(guardedConnect(g, '127.1', ports.tcp), {
      name: 'OutboundBlockedError',
      message:
        'cannot connect to "127.1" (127.0.0.1): loopback address; allow it with outbound.allow in argus.yml',
    });
    await assert.rejects(
      guardedConnect(new OutboundGuard(), '0x7f000002', ports.tcp),
      OutboundBlockedError,
    );
  });

  it('connects with TLS to a name checked at connect time', async () => {
    const g = new OutboundGuard({ allow: ['127.0.0.2'], resolver: dns.resolver() });
    const s = (await guardedConnect(g, 'tls.test', ports.secure, {
      tls: { ca: cert },
    })) as TLSSocket;
    assert.equal(s.authorized, true);
    assert.equal(await read(s), 'tls hello\n');
    const refused = new OutboundGuard({ resolver: dns.resolver() });
    await assert.rejects(
      guardedConnect(refused, 'tls.test', ports.secure, { tls: { ca: cert } }),
      (err: unknown) => err instanceof OutboundBlockedError && err.address === '127.0.0.2',
    );
  });

  it('times out a handshake that never completes', async () => {
    const g = new OutboundGuard({ allow: ['127.0.0.2'] });
    await assert.rejects(
      guardedConnect(g, '127.0.0.2', ports.silent, { tls: { ca: cert }, timeoutMs: 150 }),
      (err: unknown) => err instanceof OutboundTimeoutError && err.timeoutMs === 150,
    );
  });

  it('wraps connection errors', async () => {
    const g = new OutboundGuard({ allow: ['127.0.0.2'] });
    const port = ports.tcp;
    await new Promise((r) => tcp.close(r));
    await assert.rejects(guardedConnect(g, '127.0.0.2', port), (err: unknown) => {
      assert.ok(err instanceof OutboundError && !(err instanceof OutboundBlockedError));
      assert.equal(err.message, `cannot connect to 127.0.0.2:${port}`);
      return true;
    });
    tcp = net.createServer();
    await listen(tcp);
  });
});
