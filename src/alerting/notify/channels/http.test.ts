import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { httpConfig } from '../../config/http-schema.js';
import { postJSON } from './http.js';
import { testContext } from './testkit.js';

const CERT = join(process.cwd(), 'src/net/testdata/tls-cert.pem');
const KEY = join(process.cwd(), 'src/net/testdata/tls-key.pem');

describe('channel HTTP', () => {
  it('verifies TLS with tls_config and sends authorization and http_headers', async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    const server = https.createServer(
      { cert: readFileSync(CERT), key: readFileSync(KEY) },
      (req, res) => {
        seen.push(req.headers);
        req.resume();
        req.on('end', () => res.writeHead(204).end());
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const cfg = httpConfig.parse({
        authorization: { type: 'Token', credentials: 'cred-123456' },
        http_headers: { 'X-Env': { values: ['prod'] }, 'X-Key': { secrets: ['hdr-secret-1'] } },
        tls_config: { ca_file: CERT, server_name: 'tls.test' },
      });
      const ok = await postJSON(testContext(), {
        url: `https://127.0.0.1:${port}/x`,
        secretURL: false,
        body: '{}',
        httpConfig: cfg,
        signal: new AbortController().signal,
      });
      assert.deepEqual(ok.result, { ok: true, retryable: false, status: 204 });
      assert.equal(seen[0].authorization, 'Token cred-123456');
      assert.equal(seen[0]['x-env'], 'prod');
      assert.equal(seen[0]['x-key'], 'hdr-secret-1');
      // Without the CA the self-signed certificate is refused: a connection error, retried.
      const bad = await postJSON(testContext(), {
        url: `https://127.0.0.1:${port}/x`,
        secretURL: false,
        body: '{}',
        httpConfig: httpConfig.parse({ tls_config: { server_name: 'tls.test' } }),
        signal: new AbortController().signal,
      });
      assert.deepEqual([bad.result.ok, bad.result.retryable], [false, true]);
      assert.equal(seen.length, 1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
