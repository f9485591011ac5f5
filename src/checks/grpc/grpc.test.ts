import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { OutboundGuard } from '../../net/index.js';
import { testContext } from '../servers-testing.js';
import { grpcKind, type GrpcSpec } from './index.js';
import { decodeHealthResponse, encodeHealthRequest } from './health-proto.js';

const trusted = new OutboundGuard({ trusted: true });
const testdata = join(process.cwd(), 'src/net/testdata');
const cert = readFileSync(join(testdata, 'tls-cert.pem'));
const key = readFileSync(join(testdata, 'tls-key.pem'));
const spec = (over: Record<string, unknown>): GrpcSpec => grpcKind.schema.parse(over);

// The health service, written independently of the kind's encoder: status by service name.
const STATUS: Record<string, number> = { '': 1, api: 1, batch: 2 };
const healthService: grpc.ServiceDefinition = {
  check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: (v: Buffer) => v,
    requestDeserialize: (b: Buffer) => ({
      service: b.length === 0 ? '' : b.subarray(2).toString(),
    }),
    responseSerialize: (status: number) => Buffer.from([0x08, status]),
    responseDeserialize: (b: Buffer) => b,
  },
};
let lastMetadata: grpc.Metadata | undefined;
const handlers: grpc.UntypedServiceImplementation = {
  check: (
    call: grpc.ServerUnaryCall<{ service: string }, number>,
    cb: grpc.sendUnaryData<number>,
  ) => {
    lastMetadata = call.metadata;
    const s = STATUS[call.request.service];
    if (s === undefined) cb({ code: grpc.status.NOT_FOUND, details: 'unknown service ü' });
    else cb(null, s);
  },
};

const start = async (
  creds: grpc.ServerCredentials,
  host: string,
): Promise<[grpc.Server, number]> => {
  const srv = new grpc.Server();
  srv.addService(healthService, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    srv.bindAsync(`${host}:0`, creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  return [srv, port];
};

describe('grpc kind against a grpc-js health server', () => {
  let plain: grpc.Server, secure: grpc.Server;
  let port: number, tlsPort: number;
  before(async () => {
    [plain, port] = await start(grpc.ServerCredentials.createInsecure(), '127.0.0.1');
    [secure, tlsPort] = await start(
      grpc.ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }]),
      '127.0.0.2',
    );
  });
  after(() => {
    plain?.forceShutdown();
    secure?.forceShutdown();
  });

  const metric = (
    r: {
      metrics: readonly {
        name: string;
        value: number;
        labels?: Readonly<Record<string, string>>;
      }[];
    },
    name: string,
    label?: string,
  ) =>
    r.metrics.find(
      (m) => m.name === name && (label === undefined || m.labels?.serving_status === label),
    )?.value;

  it('is up when SERVING, with blackbox metrics and metadata sent', async () => {
    const s = spec({
      host: '127.0.0.1',
      port,
      service: 'api',
      metadata: { 'x-team': 'db' },
      bearer_token: { secret: 'tok' },
    });
    const r = await grpcKind.probe(s, testContext(trusted, { secrets: { tok: 't0ken-abc' } }));
    assert.equal(r.error, undefined);
    assert.equal(r.success, true);
    assert.equal(metric(r, 'probe_grpc_healthcheck_response', 'SERVING'), 1);
    assert.equal(metric(r, 'probe_grpc_healthcheck_response', 'NOT_SERVING'), 0);
    assert.equal(metric(r, 'probe_grpc_status_code'), 0);
    assert.equal(metric(r, 'probe_grpc_ssl'), 0);
    assert.ok(metric(r, 'probe_grpc_duration_seconds')! >= 0);
    assert.deepEqual(lastMetadata?.get('x-team'), ['db']);
    assert.deepEqual(lastMetadata?.get('authorization'), ['Bearer t0ken-abc']);
    assert.equal(grpcKind.target(s), `127.0.0.1:${port}`);
    const whole = await grpcKind.probe(spec({ host: '127.0.0.1', port }), testContext(trusted));
    assert.equal(whole.error, undefined);
  });

  it('is down when NOT_SERVING', async () => {
    const r = await grpcKind.probe(
      spec({ host: '127.0.0.1', port, service: 'batch' }),
      testContext(trusted),
    );
    assert.equal(r.success, false);
    assert.equal(r.error, 'service "batch" is NOT_SERVING, want SERVING');
    assert.equal(metric(r, 'probe_grpc_healthcheck_response', 'NOT_SERVING'), 1);
    assert.equal(metric(r, 'probe_grpc_healthcheck_response', 'SERVING'), 0);
  });

  it('reports an unknown service with grpc-status and message', async () => {
    const r = await grpcKind.probe(
      spec({ host: '127.0.0.1', port, service: 'nope' }),
      testContext(trusted),
    );
    assert.equal(r.error, 'health check failed with grpc-status 5 (NOT_FOUND): unknown service ü');
    assert.equal(metric(r, 'probe_grpc_status_code'), 5);
    assert.equal(metric(r, 'probe_grpc_healthcheck_response', 'SERVING'), 0);
  });

  it('speaks TLS with ALPN h2, verifying against the CA', async () => {
    const ca = cert.toString();
    const r = await grpcKind.probe(
      spec({ host: '127.0.0.2', port: tlsPort, tls: true, tls_ca: ca }),
      testContext(trusted),
    );
    assert.equal(r.error, undefined);
    assert.equal(metric(r, 'probe_grpc_ssl'), 1);
    assert.equal(
      metric(r, 'probe_ssl_earliest_cert_expiry'),
      Date.parse('Nov  3 03:30:26 2126 GMT') / 1000,
    );
    assert.equal(
      r.metrics.find((m) => m.name === 'probe_tls_version_info')?.labels?.version,
      'TLS 1.3',
    );
    const unverified = await grpcKind.probe(
      spec({ host: '127.0.0.2', port: tlsPort, tls: true }),
      testContext(trusted),
    );
    assert.match(unverified.error!, /self.signed certificate/);
    const skip = await grpcKind.probe(
      spec({ host: '127.0.0.2', port: tlsPort, tls: true, tls_insecure_skip_verify: true }),
      testContext(trusted),
    );
    assert.equal(skip.error, undefined);
  });
});

describe('grpc kind without a health server', () => {
  it('is refused by an untrusted guard', async () => {
    const r = await grpcKind.probe(
      spec({ host: '127.0.0.1', port: 50051 }),
      testContext(new OutboundGuard()),
    );
    assert.equal(
      r.error,
      'cannot connect to "127.0.0.1": loopback address; allow it with outbound.allow in argus.yml',
    );
  });

  it('explains a server that is not gRPC', async () => {
    const http2 = await import('node:http2');
    const srv = http2.createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no'),
    );
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const p = (srv.address() as AddressInfo).port;
      const r = await grpcKind.probe(spec({ host: '127.0.0.1', port: p }), testContext(trusted));
      assert.equal(
        r.error,
        'cannot call gRPC health: HTTP status 404 (content-type text/plain) without grpc-status; is this a gRPC server?',
      );
      const tcp = net.createServer((s) => s.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
      await new Promise<void>((r2) => tcp.listen(0, '127.0.0.1', r2));
      const r2 = await grpcKind.probe(
        spec({ host: '127.0.0.1', port: (tcp.address() as AddressInfo).port }),
        testContext(trusted),
      );
      await new Promise((c) => tcp.close(c));
      assert.match(r2.error!, /^cannot call gRPC health: /);
    } finally {
      await new Promise((c) => srv.close(c));
    }
  });

  it('validates metadata names', () => {
    assert.equal(
      grpcKind.schema.safeParse({ host: 'h', metadata: { 'grpc-timeout': '1' } }).success,
      false,
    );
    assert.equal(grpcKind.schema.safeParse({ host: 'h', metadata: { Auth: 'x' } }).success, false);
    assert.equal(
      grpcKind.schema.safeParse({ host: 'h', metadata: { authorization: 'Bearer x' } }).success,
      false,
    );
    assert.equal(spec({ host: 'h' }).port, 443);
    assert.deepEqual(grpcKind.secretFields, ['bearer_token']);
  });
});

describe('health proto', () => {
  it('frames requests and decodes responses', () => {
    assert.deepEqual([...encodeHealthRequest('')], [0, 0, 0, 0, 0]);
    assert.deepEqual([...encodeHealthRequest('ab')], [0, 0, 0, 0, 4, 0x0a, 2, 0x61, 0x62]);
    assert.equal(decodeHealthResponse(Buffer.from([0, 0, 0, 0, 2, 0x08, 2])), 2);
    assert.equal(decodeHealthResponse(Buffer.from([0, 0, 0, 0, 0])), 0);
    // An unknown field is skipped.
    assert.equal(decodeHealthResponse(Buffer.from([0, 0, 0, 0, 5, 0x12, 1, 0x41, 0x08, 1])), 1);
    assert.throws(() => decodeHealthResponse(Buffer.from([0, 0])), /want a 5-byte prefix/);
    assert.throws(() => decodeHealthResponse(Buffer.from([1, 0, 0, 0, 0])), /compressed/);
    assert.throws(
      () => decodeHealthResponse(Buffer.from([0, 0, 0, 0, 3, 0x08])),
      /got 1 bytes, want 3/,
    );
    assert.throws(
      () => decodeHealthResponse(Buffer.from([0, 0, 0, 0, 1, 0x08])),
      /cannot decode HealthCheckResponse: truncated varint/,
    );
  });
});
