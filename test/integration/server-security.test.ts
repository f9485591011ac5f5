/**
 * The security floor through a real `argus server` process: first-start admin bootstrap, HTTPS
 * with a certificate reloaded without a restart (Secure cookies, HSTS), a running server seeing
 * CLI changes at once, and config-opened /metrics and ingestion.
 */
import assert from 'node:assert/strict';
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { describe, it } from 'node:test';
import { ADMIN_AUTH, REPO_ROOT, remoteWrite, runArgus, startArgus, tempDir } from './helpers.js';

const TLS_DIR = path.join(REPO_ROOT, 'test', 'integration', 'testdata', 'tls');

interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** CN of the certificate the server presented. */
  cn: string;
}

/** One HTTPS request on a fresh connection, trusting only `ca`. */
function httpsRequest(
  url: string,
  ca: Buffer,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, ca, agent: false },
      (res) => {
        const cert = (res.socket as TLSSocket).getPeerCertificate();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            cn: String(cert.subject?.CN ?? ''),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function waitFor(cond: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await cond().catch(() => false))) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('argus server security', { timeout: 60_000 }, () => {
  it('creates the first admin once, with a generated password in a 0600 file', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    const first = await startArgus({ dataDir: data, env: { ARGUS_ADMIN_PASSWORD: '' } });
    let password: string;
    try {
      const file = path.join(data, 'admin-password');
      password = (await readFile(file, 'utf8')).trim();
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.ok(password.length >= 20);
      const created = first.logs().filter((l) => /created the first admin/.test(l.msg ?? ''));
      assert.equal(created.length, 1, 'logged once');
      assert.equal(created[0].password_file, file);
      const auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
      const me = await fetch(`${first.url}/api/argus/v1/me`, { headers: { authorization: auth } });
      assert.equal(me.status, 200);
      const body = (await me.json()) as { data: { system_admin: boolean } };
      assert.equal(body.data.system_admin, true);
      assert.equal((await fetch(`${first.url}/api/v1/labels`)).status, 401);
    } finally {
      assert.equal((await first.stop()).code, 0);
    }
    const second = await startArgus({ dataDir: data, env: { ARGUS_ADMIN_PASSWORD: '' } });
    try {
      assert.equal(
        second.logs().filter((l) => /created the first admin/.test(l.msg ?? '')).length,
        0,
        'no second admin',
      );
      assert.equal((await readFile(path.join(data, 'admin-password'), 'utf8')).trim(), password);
    } finally {
      await second.stop();
    }
  });

  it('serves HTTPS and picks up a new certificate on reload without a restart', async () => {
    const dir = await tempDir();
    const crt = path.join(dir, 'tls.crt');
    const key = path.join(dir, 'tls.key');
    await copyFile(path.join(TLS_DIR, 'a.crt'), crt);
    await copyFile(path.join(TLS_DIR, 'a.key'), key);
    const config = path.join(dir, 'argus.yml');
    await writeFile(config, `server:\n  tls: { cert_file: ${crt}, key_file: ${key} }\n`);
    const caA = await readFile(path.join(TLS_DIR, 'a.crt'));
    const caB = await readFile(path.join(TLS_DIR, 'b.crt'));
    const argus = await startArgus({ args: ['--config', config], ready: false });
    try {
      assert.match(argus.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      await waitFor(
        async () => (await httpsRequest(`${argus.url}/-/ready`, caA)).status === 200,
        'ready over https',
      );
      const login = await httpsRequest(`${argus.url}/api/argus/v1/login`, caA, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'integration-admin-password-0' }),
      });
      assert.equal(login.status, 200, login.body);
      assert.equal(login.cn, 'argus-test-a');
      const cookie = String(login.headers['set-cookie']);
      assert.match(cookie, /argus_session=.*; HttpOnly; SameSite=Strict; .*Secure/);
      assert.match(String(login.headers['strict-transport-security']), /max-age=/);
      // Plain HTTP on the same port gets nothing useful.
      await assert.rejects(fetch(argus.url.replace('https:', 'http:') + '/-/healthy'));

      // `argus backup` of the running HTTPS server, trusting its self-signed certificate.
      const out = path.join(dir, 'backup');
      const noCa = await runArgus(['backup', '--data-dir', argus.dataDir, out]);
      assert.equal(noCa.code, 1);
      assert.match(noCa.stderr, /self.signed|certificate/);
      const b = await runArgus([
        'backup',
        '--data-dir',
        argus.dataDir,
        '--ca',
        path.join(TLS_DIR, 'a.crt'),
        `${out}2`,
      ]);
      assert.equal(b.code, 0, b.stderr);
      assert.ok((await stat(path.join(`${out}2`, 'state.db'))).isFile());

      await copyFile(path.join(TLS_DIR, 'b.crt'), crt);
      await copyFile(path.join(TLS_DIR, 'b.key'), key);
      const reload = await httpsRequest(`${argus.url}/-/reload`, caA, {
        method: 'POST',
        headers: { authorization: ADMIN_AUTH },
      });
      assert.equal(reload.status, 200, reload.body);
      const after = await httpsRequest(`${argus.url}/-/healthy`, caB);
      assert.equal(after.status, 200);
      assert.equal(after.cn, 'argus-test-b');
      await assert.rejects(httpsRequest(`${argus.url}/-/healthy`, caA), /self.signed|certificate/);

      // A broken certificate file is refused on reload; the running one stays.
      await writeFile(crt, 'not a certificate');
      const bad = await httpsRequest(`${argus.url}/-/reload`, caB, {
        method: 'POST',
        headers: { authorization: ADMIN_AUTH },
      });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /server\.tls/);
      assert.equal((await httpsRequest(`${argus.url}/-/healthy`, caB)).status, 200);
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
  });

  it('sees CLI changes at once and opens only what the config opens', async () => {
    const dir = await tempDir();
    const config = path.join(dir, 'argus.yml');
    await writeFile(
      config,
      [
        'collect: { host: { enabled: false }, self: { enabled: false } }',
        'rules: { builtin: false }',
        'auth:',
        '  open:',
        '    metrics: true',
        '    ingest: [{ cidrs: [127.0.0.0/8], tenant: lab }]',
        '',
      ].join('\n'),
    );
    const argus = await startArgus({ args: ['--config', config] });
    const cli = async (...args: string[]) => {
      const r = await runArgus([...args, '--data-dir', argus.dataDir]);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    try {
      // /metrics is open; reads are not.
      assert.equal((await fetch(`${argus.url}/metrics`)).status, 200);
      assert.equal((await fetch(`${argus.url}/api/v1/labels`)).status, 401);
      // Ingestion without credentials from loopback lands in tenant "lab".
      // The tenant the config names was created at start (audited as "system").
      assert.match(await cli('tenant', 'list'), /^lab\b/m);
      const series = [
        {
          labels: [['__name__', 'opened_total']] as [string, string][],
          samples: [{ t: Date.now(), v: 1 }],
        },
      ];
      assert.equal((await remoteWrite(argus.url, series, '')).status, 204);
      await cli('user', 'add', 'labuser', '--tenant', 'lab', '--role', 'viewer');
      const token = await cli(
        'token',
        'create',
        '--user',
        'labuser',
        '--tenant',
        'lab',
        '--scope',
        'read',
      );
      const asLab = { authorization: `Bearer ${token}` };
      const labNames = await fetch(`${argus.url}/api/v1/label/__name__/values`, { headers: asLab });
      assert.deepEqual(((await labNames.json()) as { data: string[] }).data, ['opened_total']);
      const dflt = await fetch(`${argus.url}/api/v1/label/__name__/values`, {
        headers: { authorization: ADMIN_AUTH },
      });
      assert.deepEqual(((await dflt.json()) as { data: string[] }).data, []);
      // A revoke by the CLI is seen by the running server on the next request.
      const id = JSON.parse(await cli('token', 'list', '--user', 'labuser', '--json')) as {
        id: string;
      }[];
      await cli('token', 'revoke', id[0].id);
      assert.equal((await fetch(`${argus.url}/api/v1/labels`, { headers: asLab })).status, 401);
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
  });
});
