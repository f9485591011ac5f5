/**
 * The secret canary (issue #3): secret values, passwords and token secrets given to the API
 * never come back from any API response (but the one that creates a token or generates a
 * password), any log line, or the bytes of the state database.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_TENANT } from '../model/index.js';
import { apiError, basic, call, data, login, V1, type Call } from './security-test-helpers.js';
import { testApi, type TestApi } from './testing.js';

const hex = () => randomBytes(8).toString('hex');

/** Every file under `dir`, as one buffer per file. */
function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) for (const [k, v] of filesUnder(p)) out.set(k, v);
    else out.set(p, readFileSync(p));
  }
  return out;
}

describe('secret canary', () => {
  let api: TestApi;
  /** testApi's data dir (state.db, -wal, -shm, secret.key). */
  let dataDir: string;
  let root: string;
  const canary = {
    secret: `canary-secret-${hex()}`,
    secret2: `canary-secret-replaced-${hex()}`,
    badSecret: `canary-bad-${hex()}`,
    password: `canary-pw-${hex()}`,
    reset: `canary-reset-${hex()}`,
    changed: `canary-changed-${hex()}`,
    wrong: `canary-wrong-${hex()}`,
    token: '',
    generated: '',
  };
  /** Every response body except those that hand out a secret once. */
  const bodies: string[] = [];
  const record = async (c: Call) => {
    const res = await call(api, c);
    bodies.push(
      `${c.method ?? 'GET'} ${c.url} -> ${res.statusCode}\n${JSON.stringify(res.headers)}\n${res.body}`,
    );
    return res;
  };

  before(async () => {
    // testApi makes its data dir under os.tmpdir(): point that at a dir of ours to find it.
    root = mkdtempSync(path.join(os.tmpdir(), 'argus-canary-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = root;
    try {
      api = await testApi({ defaultAuth: false });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    const dirs = readdirSync(root);
    assert.equal(dirs.length, 1, String(dirs));
    dataDir = path.join(root, dirs[0]);
    assert.ok(readdirSync(dataDir).includes('state.db'));
  });
  after(async () => {
    await api?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('secret values, passwords and token secrets are accepted through the API', async () => {
    const auth = api.adminAuth;
    const put = await record({
      method: 'PUT',
      url: `${V1}/secrets/smtp-password`,
      auth,
      body: { value: canary.secret },
    });
    assert.deepEqual(data(put), { name: 'smtp-password', value: '<secret>' });
    data(
      await record({
        method: 'PUT',
        url: `${V1}/secrets/webhook.token`,
        auth,
        body: { value: canary.secret2 },
      }),
    );
    data(
      await record({
        method: 'PUT',
        url: `${V1}/secrets/webhook.token`,
        auth,
        body: { value: canary.secret },
      }),
    );
    // Refused values are not echoed in errors.
    apiError(
      await record({
        method: 'PUT',
        url: `${V1}/secrets/bad%20name`,
        auth,
        body: { value: canary.badSecret },
      }),
      400,
    );
    apiError(
      await record({
        method: 'PUT',
        url: `${V1}/secrets/huge`,
        auth,
        body: { value: canary.badSecret.repeat(3000) },
      }),
      400,
    );
    assert.equal(await api.access.secrets.reveal(DEFAULT_TENANT, 'smtp-password'), canary.secret);

    data(
      await record({
        method: 'POST',
        url: `${V1}/users`,
        auth,
        body: { username: 'pat', password: canary.password, role: 'admin' },
      }),
      201,
    );
    apiError(
      await record({
        method: 'POST',
        url: `${V1}/users`,
        auth,
        body: { username: 'weak', password: 'short' },
      }),
      400,
    );
    data(
      await record({
        method: 'PUT',
        url: `${V1}/users/pat/password`,
        auth,
        body: { password: canary.reset },
      }),
    );
    const s = await login(api, 'pat', canary.reset);
    data(
      await record({
        method: 'POST',
        url: `${V1}/me/password`,
        cookie: s.cookie,
        csrf: s.csrf,
        body: { current_password: canary.reset, new_password: canary.changed },
      }),
    );
    // Failed attempts with secrets in them are logged without them.
    apiError(
      await record({
        method: 'POST',
        url: `${V1}/login`,
        body: { username: 'pat', password: canary.wrong },
      }),
      401,
    );
    apiError(
      await record({
        method: 'POST',
        url: `${V1}/login`,
        body: { username: 'nobody', password: canary.wrong },
      }),
      401,
    );
    apiError(await record({ url: `${V1}/me`, auth: basic('pat', canary.wrong) }), 401);
    apiError(await record({ url: `${V1}/me`, auth: `Bearer ${canary.wrong}` }), 401);
    const s2 = await login(api, 'pat', canary.changed);
    apiError(
      await record({
        method: 'POST',
        url: `${V1}/me/password`,
        cookie: s2.cookie,
        csrf: s2.csrf,
        body: { current_password: canary.wrong, new_password: `${canary.wrong}-next` },
      }),
      403,
    );

    // Shown once: the token and a generated password.
    const tok = await call(api, {
      method: 'POST',
      url: `${V1}/tokens`,
      auth,
      body: { scope: 'read', name: 'ci' },
    });
    canary.token = data<{ token: string }>(tok, 201).token;
    const gen = await call(api, {
      method: 'POST',
      url: `${V1}/users`,
      auth,
      body: { username: 'gen' },
    });
    canary.generated = data<{ generated_password: string }>(gen, 201).generated_password;
    assert.ok(canary.token.length > 20 && canary.generated.length >= 12);
    data(await record({ url: `${V1}/me`, auth: `Bearer ${canary.token}` }));
    data(await record({ url: `${V1}/me`, auth: basic('admin', canary.token) }));
    data(await record({ url: `${V1}/me`, auth: basic('gen', canary.generated) }));
    data(await record({ url: `${V1}/me`, auth: basic('pat', canary.changed) }));
  });

  it('appear in no API response', async () => {
    const auth = api.adminAuth;
    for (const url of [
      `${V1}/secrets`,
      `${V1}/audit?limit=1000`,
      `${V1}/audit/verify`,
      `${V1}/users`,
      `${V1}/tokens?all=true`,
      `${V1}/tokens`,
      `${V1}/me`,
      `${V1}/tenants`,
      `${V1}/limits`,
      `${V1}/openapi.json`,
      '/metrics',
    ]) {
      const res = await record({ url, auth });
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    }
    const list = data<{ name: string; value: string }[]>(
      await call(api, { url: `${V1}/secrets`, auth }),
    );
    assert.deepEqual(
      list.map((s) => [s.name, s.value]),
      [
        ['smtp-password', '<secret>'],
        ['webhook.token', '<secret>'],
      ],
    );
    const audit = data<{ action: string }[]>(
      await call(api, { url: `${V1}/audit?limit=1000`, auth }),
    );
    assert.ok(audit.length >= 5, 'the changes were audited');
    const all = bodies.join('\n');
    for (const [name, value] of Object.entries(canary)) {
      assert.ok(!all.includes(value), `canary ${name} in an API response`);
    }
  });

  it('appear in no log line', () => {
    assert.ok(
      api.logs.some((l) => l.msg === 'login failed'),
      'failed logins are logged',
    );
    const text =
      inspect(api.logs, { depth: null, maxStringLength: null, maxArrayLength: null }) +
      JSON.stringify(api.logs);
    for (const [name, value] of Object.entries(canary)) {
      assert.ok(!text.includes(value), `canary ${name} in the log`);
    }
  });

  it('appear in no byte of the state database (with its WAL), before and after close', async () => {
    const check = (when: string) => {
      const files = filesUnder(dataDir);
      const names = [...files.keys()].map((f) => path.basename(f));
      assert.ok(names.includes('state.db'), String(names));
      const all = Buffer.concat([...files.values()]);
      // The right files: the names and usernames are there in the clear.
      for (const there of ['smtp-password', 'webhook.token', 'pat']) {
        assert.ok(all.includes(there), `${when}: ${there} is stored`);
      }
      for (const [name, value] of Object.entries(canary)) {
        assert.ok(
          !all.includes(Buffer.from(value)),
          `${when}: canary ${name} in ${names.join(', ')}`,
        );
      }
      return names;
    };
    assert.ok(check('open').includes('state.db-wal'));
    await api.state.close();
    check('closed');
  });
});
