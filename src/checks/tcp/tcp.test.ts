import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { OutboundGuard } from '../../net/index.js';
import { makeCert, probeContext, tempDir } from '../tls/tls-test-helpers.js';
import type { ProbeResult } from '../types.js';
import { tcpKind } from './index.js';

const tmp = tempDir();
let plainPort: number;
let tlsPort: number;
let silentPort: number;
let certFile: string;
const servers: net.Server[] = [];

/** Greets, then echoes each line upper-cased. */
function onConn(sock: net.Socket): void {
  sock.write('220 hello\r\n');
  sock.on('data', (d) => sock.write(d.toString().toUpperCase()));
  sock.on('error', () => {});
}

async function listen(srv: net.Server): Promise<number> {
  servers.push(srv);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return (srv.address() as AddressInfo).port;
}

before(async () => {
  plainPort = await listen(net.createServer(onConn));
  silentPort = await listen(net.createServer((s) => s.on('error', () => {})));
  const cert = makeCert(tmp.dir, 'tcp.test', -1, 10);
  certFile = cert.certFile;
  tlsPort = await listen(tls.createServer({ cert: cert.cert, key: cert.key }, onConn));
});

after(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  tmp.cleanup();
});

const trusted = new OutboundGuard({ trusted: true });
const probe = (
  fields: Record<string, unknown>,
  guard = trusted,
  over: Parameters<typeof probeContext>[1] = {},
): Promise<ProbeResult> => tcpKind.probe(tcpKind.schema.parse(fields), probeContext(guard, over));
const metric = (r: ProbeResult, name: string) => r.metrics.find((m) => m.name === name)?.value;

describe('tcp kind', () => {
  it('connects, sends and matches the reply', async () => {
    const r = await probe({ host: '127.0.0.1', port: plainPort, send: 'ping\n', expect: 'PING' });
    assert.equal(r.error, undefined);
    assert.equal(r.detail?.address, '127.0.0.1');
    assert.equal(metric(r, 'probe_failed_due_to_regex'), 0);
    assert.ok(metric(r, 'probe_dns_lookup_time_seconds')! >= 0);
    assert.equal(tcpKind.target(tcpKind.schema.parse({ host: '::1', port: 5 })), '[::1]:5');
  });

  it('connect-only succeeds without send/expect; a closed port fails', async () => {
    assert.equal((await probe({ host: '127.0.0.1', port: silentPort })).success, true);
    const closed = await probe({ host: '127.0.0.1', port: 1 });
    assert.match(closed.error!, /^cannot connect to 127\.0\.0\.1:1: .*ECONNREFUSED/);
  });

  it('fails an expectation with what was read and why', async () => {
    const r = await probe({ host: '127.0.0.1', port: plainPort, expect: '^250' }, trusted, {
      timeoutMs: 200,
    });
    assert.equal(r.error, 'read "220 hello\\r\\n" (timed out), want a match of "^250"');
    assert.equal(metric(r, 'probe_failed_due_to_regex'), 1);
  });

  it('stops reading at the read limit', async () => {
    const r = await probe({
      host: '127.0.0.1',
      port: plainPort,
      expect: 'nope',
      max_read_bytes: 4,
    });
    assert.equal(r.error, 'read "220 " (read limit of 4 bytes reached), want a match of "nope"');
  });

  it('times out waiting for an expectation that never comes', async () => {
    const r = await probe({ host: '127.0.0.1', port: silentPort, expect: 'x' }, trusted, {
      timeoutMs: 100,
    });
    assert.equal(r.error, 'read "" (timed out), want a match of "x"');
  });

  it('speaks TLS and reports certificate metrics', async () => {
    const strict = await probe({ host: '127.0.0.1', port: tlsPort, tls: true });
    assert.match(strict.error!, /self-signed certificate/);
    const r = await probe({
      host: '127.0.0.1',
      port: tlsPort,
      tls: { ca_file: certFile },
      expect: '^220',
    });
    assert.equal(r.error, undefined);
    const expiry = metric(r, 'probe_ssl_earliest_cert_expiry')!;
    assert.ok(Math.abs(expiry - (Date.now() / 1000 + 10 * 86400)) < 120, String(expiry));
    assert.match(String(r.detail?.tls_version), /^TLS 1\.[23]$/);
  });

  it('refuses loopback and metadata addresses with an untrusted guard', async () => {
    const r = await probe({ host: '127.0.0.1', port: plainPort }, new OutboundGuard());
    assert.match(r.error!, /^cannot connect to "127\.0\.0\.1": loopback address/);
    const m = await probe({ host: '169.254.169.254', port: 80 }, new OutboundGuard());
    assert.match(m.error!, /cloud metadata endpoint/);
    const allowed = await probe(
      { host: '127.0.0.1', port: plainPort },
      new OutboundGuard({ allow: ['127.0.0.1'] }),
    );
    assert.equal(allowed.success, true);
  });

  it('rejects invalid definitions', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ host: 'http://x', port: 1 }, /expected a host name or IP/],
      [{ host: 'x', port: 70000 }, /65535/],
      [{ host: 'x', port: 1, expect: '(' }, /invalid RE2/],
    ];
    for (const [fields, want] of cases) {
      const r = tcpKind.schema.safeParse(fields);
      assert.match(r.error!.issues.map((i) => i.message).join('; '), want);
    }
  });
});
