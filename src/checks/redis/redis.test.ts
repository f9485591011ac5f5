import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OutboundGuard, guardedConnect } from '../../net/index.js';
import {
  TestServer,
  firstExisting,
  freePort,
  spawnAs,
  tempDir,
  testContext,
} from '../servers-testing.js';
import { redisKind, type RedisSpec } from './index.js';
import { RespClient, RespErrorReply, encodeCommand, parseReply } from './resp.js';

const trusted = new OutboundGuard({ trusted: true });
const PASSWORD = 'pw-Redis-7f3a';
const bin = firstExisting(['/usr/bin/redis-server']);
const testdata = join(process.cwd(), 'src/net/testdata');
const spec = (over: Record<string, unknown>): RedisSpec => redisKind.schema.parse(over);

describe(
  'redis kind against redis-server',
  { skip: bin ? false : 'redis-server missing: install the Debian package redis-server' },
  () => {
    let srv: TestServer;
    let tlsPort: number;
    before(async () => {
      const port = await freePort();
      tlsPort = await freePort();
      const dir = tempDir('redis');
      const proc = spawnAs(undefined, bin!, [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1 127.0.0.2',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--requirepass',
        PASSWORD,
        ...['--tls-port', String(tlsPort), '--tls-auth-clients', 'no'],
        ...['--tls-cert-file', join(testdata, 'tls-cert.pem')],
        ...['--tls-key-file', join(testdata, 'tls-key.pem')],
      ]);
      srv = new TestServer(proc, dir, port);
      await srv.ready();
      // A key in db 3 for the SELECT test, written with the kind's own client.
      const sock = await guardedConnect(trusted, '127.0.0.1', port);
      const c = new RespClient(sock, 1 << 16);
      assert.equal(await c.command(['AUTH', PASSWORD]), 'OK');
      assert.equal(await c.command(['SELECT', '3']), 'OK');
      assert.equal(await c.command(['SET', 'argus:probe', 'hello-db3']), 'OK');
      sock.destroy();
    });
    after(() => srv?.stop());

    const base = () => ({ host: '127.0.0.1', port: srv.port, password: { secret: 'redis' } });
    const ctx = () => testContext(trusted, { secrets: { redis: PASSWORD } });

    it('PINGs with AUTH and reports the query time; the target has no password', async () => {
      const s = spec(base());
      const r = await redisKind.probe(s, ctx());
      assert.equal(r.error, undefined);
      assert.equal(r.success, true);
      assert.deepEqual(
        r.metrics.map((m) => m.name),
        ['probe_db_query_duration_seconds'],
      );
      assert.equal(redisKind.target(s), `127.0.0.1:${srv.port}`);
    });

    it('surfaces -NOAUTH verbatim without a password', async () => {
      const r = await redisKind.probe(spec({ host: '127.0.0.1', port: srv.port }), ctx());
      assert.equal(r.success, false);
      assert.equal(r.error, 'cannot PING: server replied -NOAUTH Authentication required.');
    });

    it('reports a wrong password without echoing it', async () => {
      const r = await redisKind.probe(
        spec({ ...base(), password: 'not-the-password' }),
        testContext(trusted),
      );
      assert.equal(r.success, false);
      assert.match(r.error!, /^cannot authenticate \(AUTH\): server replied -WRONGPASS /);
      assert.doesNotMatch(r.error!, /not-the-password/);
    });

    it('speaks TLS, verifying the certificate against tls_ca', async () => {
      const ca = readFileSync(join(testdata, 'tls-cert.pem'), 'utf8');
      const s = spec({ ...base(), host: '127.0.0.2', port: tlsPort, tls: true, tls_ca: ca });
      const r = await redisKind.probe(s, ctx());
      assert.equal(r.error, undefined);
      const expiry = r.metrics.find((m) => m.name === 'probe_ssl_earliest_cert_expiry');
      assert.equal(expiry?.value, Date.parse('Nov  3 03:30:26 2126 GMT') / 1000);
      const noCa = await redisKind.probe({ ...s, tls_ca: undefined }, ctx());
      assert.match(noCa.error!, /self.signed certificate/);
      const skip = await redisKind.probe(
        { ...s, tls_ca: undefined, tls_insecure_skip_verify: true },
        ctx(),
      );
      assert.equal(skip.error, undefined);
    });

    it('SELECTs the db before the command', async () => {
      const s3 = spec({ ...base(), db: 3, command: 'GET argus:probe', expect_contains: 'db3' });
      const r3 = await redisKind.probe(s3, ctx());
      assert.equal(r3.error, undefined);
      assert.deepEqual(r3.detail, { db: 3, replyBytes: 9 });
      const r0 = await redisKind.probe({ ...s3, db: 0 }, ctx());
      assert.equal(r0.error, 'GET argus:probe reply does not contain "db3"');
      const bad = await redisKind.probe({ ...s3, db: 99999 }, ctx());
      assert.equal(
        bad.error,
        'cannot select db 99999: server replied -ERR DB index is out of range',
      );
    });

    it('checks INFO replication for a role', async () => {
      const s = spec({ ...base(), command: 'INFO replication', expect_contains: 'role:master' });
      assert.equal((await redisKind.probe(s, ctx())).error, undefined);
      const s2 = { ...s, expect_contains: 'role:slave' };
      assert.equal(
        (await redisKind.probe(s2, ctx())).error,
        'INFO replication reply does not contain "role:slave"',
      );
    });
  },
);

describe('redis kind without a server', () => {
  it('is refused by an untrusted guard', async () => {
    const r = await redisKind.probe(
      spec({ host: '127.0.0.1', port: 6379 }),
      testContext(new OutboundGuard()),
    );
    assert.equal(r.success, false);
    assert.equal(
      r.error,
      'cannot connect to "127.0.0.1": loopback address; allow it with outbound.allow in argus.yml',
    );
  });

  it('validates its fields', () => {
    assert.equal(spec({ host: 'r' }).port, 6379);
    const bad = redisKind.schema.safeParse({ host: 'r', command: 'FLUSHALL' });
    assert.equal(bad.success, false);
    assert.match(bad.error.issues[0].message, /^expected a read-only command/);
    const noCmd = redisKind.schema.safeParse({ host: 'r', expect_contains: 'x' });
    assert.deepEqual(noCmd.error!.issues[0].path, ['expect_contains']);
    assert.equal(redisKind.schema.safeParse({ host: 'r', nope: 1 }).success, false);
  });

  const fake = async (
    reply: (s: net.Socket) => void,
  ): Promise<{ port: number; close: () => Promise<void> }> => {
    const socks = new Set<net.Socket>();
    const srv = net.createServer((s) => {
      socks.add(s);
      s.once('data', () => reply(s));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return {
      port: (srv.address() as AddressInfo).port,
      close: () => {
        for (const s of socks) s.destroy();
        return new Promise((r) => srv.close(() => r()));
      },
    };
  };

  it('reports protocol errors, closed connections, oversized replies and odd PING answers', async () => {
    const cases: [(s: net.Socket) => void, string, number?][] = [
      [
        (s) => s.write('HTTP/1.1 400 Bad Request\r\n'),
        'cannot read redis reply: unexpected first byte "H", want one of + - : $ *',
      ],
      [(s) => s.end(), 'cannot read redis reply: connection closed by the server'],
      [(s) => s.write('+PONG and more\r\n'), 'cannot PING: got "PONG and more", want +PONG'],
      [
        (s) => s.write(`$100\r\n${'x'.repeat(100)}\r\n`),
        'cannot read redis reply: more than 64 bytes (the body limit)',
        64,
      ],
      [(s) => s.write('$abc\r\n'), 'cannot read redis reply: bad bulk string length "abc"'],
    ];
    for (const [reply, want, max] of cases) {
      const f = await fake(reply);
      try {
        const r = await redisKind.probe(
          spec({ host: '127.0.0.1', port: f.port }),
          testContext(trusted, max ? { maxBodyBytes: max } : {}),
        );
        assert.equal(r.error, want);
      } finally {
        await f.close();
      }
    }
  });

  it('times out a silent server', async () => {
    const f = await fake(() => undefined);
    try {
      const r = await redisKind.probe(
        spec({ host: '127.0.0.1', port: f.port }),
        testContext(trusted, { timeoutMs: 200 }),
      );
      assert.match(r.error!, /^no answer within the timeout of 200ms/);
    } finally {
      await f.close();
    }
  });
});

describe('RESP', () => {
  it('encodes commands as arrays of bulk strings', () => {
    assert.equal(encodeCommand(['GET', 'ké']).toString(), '*2\r\n$3\r\nGET\r\n$3\r\nké\r\n');
  });
  it('parses each reply type and waits for incomplete ones', () => {
    const all = Buffer.from('+OK\r\n-ERR x\r\n:42\r\n$-1\r\n*-1\r\n*2\r\n$1\r\na\r\n:1\r\n');
    const got = [];
    for (let at = 0; at < all.length;) {
      const p = parseReply(all, at)!;
      got.push(p.value);
      at = p.next;
    }
    assert.deepEqual(got, ['OK', new RespErrorReply('ERR x'), 42, null, null, ['a', 1]]);
    for (const part of ['$5\r\nab', '*2\r\n:1\r\n', '+OK'])
      assert.equal(parseReply(Buffer.from(part)), undefined);
  });
});
