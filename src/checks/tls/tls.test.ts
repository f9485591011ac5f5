import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { OutboundGuard } from '../../net/index.js';
import type { ProbeResult } from '../types.js';
import { tlsKind } from './index.js';
import { makeCert, probeContext, tempDir, type TestCert } from './tls-test-helpers.js';

const tmp = tempDir();
const servers: tls.Server[] = [];
const ports: Record<string, number> = {};
const certs: Record<string, TestCert> = {};

before(async () => {
  const windows: Record<string, [number, number]> = {
    good: [-1, 90],
    expiring: [-10, 5],
    expired: [-60, -3],
  };
  for (const [name, [from, to]] of Object.entries(windows)) {
    const c = makeCert(tmp.dir, `${name}.test`, from, to);
    certs[name] = c;
    const srv = tls.createServer({ cert: c.cert, key: c.key }, (s) => s.end());
    servers.push(srv);
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    ports[name] = (srv.address() as AddressInfo).port;
  }
});

after(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  tmp.cleanup();
});

const trusted = new OutboundGuard({ trusted: true });
const probe = (fields: Record<string, unknown>, guard = trusted): Promise<ProbeResult> =>
  tlsKind.probe(tlsKind.schema.parse(fields), probeContext(guard));
const metric = (r: ProbeResult, name: string) => r.metrics.find((m) => m.name === name)?.value;

describe('tls kind', () => {
  it('passes a valid, trusted certificate and reports its dates', async () => {
    const r = await probe({
      host: '127.0.0.1',
      port: ports.good,
      ca_file: certs.good.certFile,
      server_name: 'good.test',
    });
    assert.equal(r.error, undefined);
    assert.equal(r.detail?.days_left, 89);
    assert.equal(r.detail?.subject, 'good.test');
    assert.equal(r.detail?.issuer, 'good.test');
    assert.equal(r.detail?.authorized, true);
    const expiry = metric(r, 'probe_ssl_earliest_cert_expiry')!;
    assert.ok(Math.abs(expiry - (Date.now() / 1000 + 90 * 86400)) < 120, String(expiry));
    assert.equal(metric(r, 'probe_ssl_last_chain_expiry_timestamp_seconds'), expiry);
    assert.ok(r.metrics.some((m) => m.name === 'probe_tls_version_info' && m.labels?.version));
    assert.equal(tlsKind.target(tlsKind.schema.parse({ host: 'a.example' })), 'a.example:443');
  });

  it('fails an expiring certificate below min_days_left, and an expired one', async () => {
    const base = { host: '127.0.0.1', insecure_skip_verify: true };
    const soon = await probe({ ...base, port: ports.expiring });
    assert.match(soon.error!, /^certificate expires in 4 days \(.+\), want at least 14$/);
    assert.equal(soon.detail?.days_left, 4);
    assert.equal((await probe({ ...base, port: ports.expiring, min_days_left: 3 })).success, true);
    const expired = await probe({ ...base, port: ports.expired, min_days_left: 0 });
    assert.match(expired.error!, /^certificate expired 3 days ago \(/);
    assert.ok(metric(expired, 'probe_ssl_earliest_cert_expiry')! < Date.now() / 1000);
  });

  it('fails an untrusted chain and a host name mismatch', async () => {
    const untrusted = await probe({ host: '127.0.0.1', port: ports.good });
    assert.equal(
      untrusted.error,
      'certificate chain is not valid: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
    const wrongName = await probe({
      host: '127.0.0.1',
      port: ports.good,
      ca_file: certs.good.certFile,
      server_name: 'other.test',
    });
    assert.match(wrongName.error!, /^certificate does not match "other\.test": /);
  });

  it('refuses loopback with an untrusted guard and reports a closed port', async () => {
    const r = await probe({ host: '127.0.0.1', port: ports.good }, new OutboundGuard());
    assert.match(r.error!, /^cannot connect to "127\.0\.0\.1": loopback address/);
    const closed = await probe({ host: '127.0.0.1', port: 1 });
    assert.match(closed.error!, /ECONNREFUSED/);
  });

  it('rejects invalid definitions', () => {
    const r = tlsKind.schema.safeParse({ host: 'x', min_days_left: -1, key: 'k' });
    const text = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    assert.match(text, /min_days_left: /);
  });
});
