import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { emailConfig } from '../../../config/receivers-schema.js';
import { sampleNotification, signal, testContext } from '../testkit.js';
import { createEmail } from './email.js';

const CERT = join(process.cwd(), 'src/net/testdata/tls-cert.pem');
const KEY = join(process.cwd(), 'src/net/testdata/tls-key.pem');

interface Received {
  session: SMTPServerSession;
  secure: boolean;
  raw: string;
  user?: string;
}

async function smtp(
  opts: Partial<SMTPServerOptions> = {},
  port = 0,
): Promise<{ port: number; got: Received[]; rcpts: string[]; close: () => Promise<void> }> {
  const got: Received[] = [];
  const rcpts: string[] = [];
  const server = new SMTPServer({
    key: readFileSync(KEY),
    cert: readFileSync(CERT),
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'argus' && auth.password === 'smtp-pass-123')
        cb(null, { user: 'argus' });
      else cb(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        got.push({
          session,
          // ESMTPS/ESMTPSA: the transaction ran over TLS (RFC 3848).
          secure: /^ESMTPS/.test(session.transmissionType),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string,
        });
        cb();
      });
    },
    onRcptTo(addr, _session, cb) {
      rcpts.push(addr.address);
      cb();
    },
    logger: false,
    ...opts,
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const addr = server.server.address() as AddressInfo;
  return { port: addr.port, got, rcpts, close: () => new Promise((r) => server.close(() => r())) };
}

const header = (raw: string, name: string): string | undefined =>
  new RegExp(`^${name}: (.*(?:\\r\\n[ \\t].*)*)`, 'mi').exec(raw)?.[1].replace(/\r\n[ \t]/g, ' ');

const base = (port: number, extra: Record<string, unknown> = {}) =>
  emailConfig.parse({
    to: 'oncall@example.com',
    from: 'argus@example.com',
    smarthost: `127.0.0.1:${port}`,
    auth_username: 'argus',
    auth_password: 'smtp-pass-123',
    require_tls: true,
    tls_config: { ca_file: CERT, server_name: 'tls.test' },
    ...extra,
  });

describe('email channel', () => {
  const servers: { close: () => Promise<void> }[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));

  it('sends over STARTTLS with AUTH to a real SMTP server: headers, both bodies, threading', async () => {
    const srv = await smtp();
    servers.push(srv);
    const ch = createEmail(
      base(srv.port, { headers: { 'x-team': '{{ .CommonLabels.severity }}' } }),
      testContext(),
    );
    assert.equal(ch.name, 'ops/email[0]');
    const r = await ch.send(sampleNotification(), signal());
    assert.deepEqual(r, { ok: true, retryable: false, status: 250 });
    const [m] = srv.got;
    assert.equal(m.secure, true, 'upgraded with STARTTLS');
    assert.equal(m.user, 'argus');
    assert.deepEqual(srv.rcpts, ['oncall@example.com']);
    assert.equal(header(m.raw, 'Subject'), '[FIRING:1] HighCPU (critical)');
    assert.equal(header(m.raw, 'To'), 'oncall@example.com');
    assert.equal(header(m.raw, 'From'), 'argus@example.com');
    assert.equal(header(m.raw, 'X-Team'), 'critical');
    assert.match(header(m.raw, 'Message-ID') ?? '', /^<ntf-01\.[0-9a-z]+@argus>$/);
    assert.match(header(m.raw, 'References') ?? '', /^<[0-9a-f]{32}@argus>$/);
    assert.match(m.raw, /Content-Type: text\/plain/);
    assert.match(m.raw, /Content-Type: text\/html/);
    assert.match(m.raw, /Acknowledge/);
    // The same group threads to the same reference.
    await ch.send(sampleNotification({ id: 'ntf-02' }), signal());
    assert.equal(header(srv.got[1].raw, 'References'), header(m.raw, 'References'));
  });

  it('refuses to send in the clear when require_tls and the server offers no STARTTLS', async () => {
    const srv = await smtp({ disabledCommands: ['STARTTLS'] });
    servers.push(srv);
    const r = await createEmail(base(srv.port), testContext()).send(sampleNotification(), signal());
    assert.equal(r.ok, false);
    assert.equal(r.retryable, false);
    assert.equal(srv.got.length, 0);
  });

  it('sends in the clear without require_tls (Alertmanager does not try STARTTLS then)', async () => {
    const srv = await smtp({ authOptional: true });
    servers.push(srv);
    const cfg = base(srv.port, {
      require_tls: false,
      auth_username: undefined,
      auth_password: undefined,
    });
    const r = await createEmail(cfg, testContext()).send(sampleNotification(), signal());
    assert.equal(r.ok, true, r.error);
    assert.equal(srv.got[0].secure, false);
  });

  it('maps a bad password to a permanent failure without the password, a 4xx reply to a retry', async () => {
    const srv = await smtp({
      onRcptTo(addr, _s, cb) {
        if (addr.address.startsWith('busy'))
          cb(Object.assign(new Error('try later'), { responseCode: 451 }));
        else cb();
      },
    });
    servers.push(srv);
    const bad = await createEmail(
      base(srv.port, { auth_password: 'wrong-pass-999' }),
      testContext(),
    ).send(sampleNotification(), signal());
    assert.deepEqual([bad.ok, bad.retryable, bad.status], [false, false, 535]);
    assert.doesNotMatch(bad.error!, /wrong-pass-999/);
    const busy = await createEmail(base(srv.port, { to: 'busy@example.com' }), testContext()).send(
      sampleNotification(),
      signal(),
    );
    assert.deepEqual([busy.ok, busy.retryable, busy.status], [false, true, 451]);
  });

  it('connects only through the guard', async () => {
    const srv = await smtp();
    servers.push(srv);
    const r = await createEmail(base(srv.port), testContext({ allowLoopback: false })).send(
      sampleNotification(),
      signal(),
    );
    assert.deepEqual([r.ok, r.retryable], [false, false]);
    assert.match(r.error!, /loopback address/);
    assert.equal(srv.got.length, 0);
  });

  it(
    'uses implicit TLS on port 465',
    { skip: process.getuid?.() !== 0 && 'needs root to listen on 465' },
    async () => {
      let srv;
      try {
        srv = await smtp({ secure: true }, 465);
      } catch {
        return; // 465 taken on this machine: nothing to learn here
      }
      servers.push(srv);
      const r = await createEmail(base(465), testContext()).send(sampleNotification(), signal());
      assert.equal(r.ok, true, r.error);
      assert.equal(srv.got[0].secure, true);
    },
  );
});
