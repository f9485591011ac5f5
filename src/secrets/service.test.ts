import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, tenantId } from '../model/index.js';
import type { SecretRow, Secrets } from '../state/index.js';
import {
  InvalidSecretError,
  Keyring,
  MAX_SECRET_BYTES,
  SECRET_PLACEHOLDER,
  SecretNotFoundError,
  SecretOpenError,
  SecretService,
} from './index.js';

/** An in-memory Secrets table (the SQLite one is exercised in secrets-canary.test.ts). */
function memSecrets(): Secrets & { rows: Map<string, SecretRow>; actors: string[] } {
  const rows = new Map<string, SecretRow>();
  const actors: string[] = [];
  const key = (t: string, n: string) => `${t}/${n}`;
  let now = 1000;
  return {
    rows,
    actors,
    async put(tenant, name, ciphertext, actor) {
      actors.push(actor);
      rows.set(key(tenant, name), { tenant, name, ciphertext, updatedAt: now++ });
    },
    async get(tenant, name) {
      return rows.get(key(tenant, name));
    },
    async list(tenant) {
      return [...rows.values()]
        .filter((r) => r.tenant === tenant)
        .map(({ tenant: t, name, updatedAt }) => ({ tenant: t, name, updatedAt }));
    },
    async delete(tenant, name, actor) {
      actors.push(actor);
      return rows.delete(key(tenant, name));
    },
  };
}

const ring = () => new Keyring(randomBytes(32), { kind: 'env' });
const ACME = tenantId('acme');

describe('SecretService', () => {
  it('stores only ciphertext, reveals the plaintext, lists names with <secret>', async () => {
    const secrets = memSecrets();
    const svc = new SecretService({ secrets }, ring());
    await svc.put(ACME, 'smtp.password', 'hunter2', 'user:alice');
    await svc.put(ACME, 'webhook_token', 'tok-1', 'user:alice');
    await svc.put(DEFAULT_TENANT, 'smtp.password', 'other-tenant', 'cli:root');
    const row = secrets.rows.get('acme/smtp.password')!;
    assert.equal(row.ciphertext.includes(Buffer.from('hunter2')), false);
    assert.equal(await svc.reveal(ACME, 'smtp.password'), 'hunter2');
    assert.equal(await svc.reveal(DEFAULT_TENANT, 'smtp.password'), 'other-tenant');
    assert.deepEqual(await svc.list(ACME), [
      { name: 'smtp.password', updatedAt: 1000, value: SECRET_PLACEHOLDER },
      { name: 'webhook_token', updatedAt: 1001, value: SECRET_PLACEHOLDER },
    ]);
    await svc.put(ACME, 'smtp.password', 'hunter3', 'user:bob');
    assert.equal(await svc.reveal(ACME, 'smtp.password'), 'hunter3');
    assert.equal(await svc.delete(ACME, 'smtp.password', 'user:bob'), true);
    assert.equal(await svc.delete(ACME, 'smtp.password', 'user:bob'), false);
    await assert.rejects(
      svc.reveal(ACME, 'smtp.password'),
      (e: unknown) =>
        e instanceof SecretNotFoundError &&
        e.message ===
          'cannot reveal secret smtp.password: tenant "acme" has no secret of that name',
    );
    assert.deepEqual(secrets.actors, [
      'user:alice',
      'user:alice',
      'cli:root',
      'user:bob',
      'user:bob',
      'user:bob',
    ]);
  });

  it('refuses a ciphertext moved to another row or read with another key', async () => {
    const secrets = memSecrets();
    const svc = new SecretService({ secrets }, ring());
    await svc.put(ACME, 'a', 'value-a', 'system');
    await svc.put(ACME, 'b', 'value-b', 'system');
    await svc.put(DEFAULT_TENANT, 'a', 'value-c', 'system');
    const a = secrets.rows.get('acme/a')!;
    secrets.rows.get('acme/b')!.ciphertext = a.ciphertext;
    secrets.rows.get('default/a')!.ciphertext = a.ciphertext;
    await assert.rejects(svc.reveal(ACME, 'b'), SecretOpenError);
    await assert.rejects(svc.reveal(DEFAULT_TENANT, 'a'), SecretOpenError);
    await assert.rejects(new SecretService({ secrets }, ring()).reveal(ACME, 'a'), SecretOpenError);
    const flipped = Buffer.from(a.ciphertext);
    flipped[flipped.length - 20] ^= 0x80;
    a.ciphertext = flipped;
    await assert.rejects(svc.reveal(ACME, 'a'), /authentication failed/);
  });

  it('validates names and values without echoing the value', async () => {
    const svc = new SecretService({ secrets: memSecrets() }, ring());
    for (const name of ['', '.hidden', '-x', 'a b', 'a/b', 'ü', 'x'.repeat(129)]) {
      await assert.rejects(svc.put(ACME, name, 'v', 'system'), InvalidSecretError, name);
      await assert.rejects(svc.reveal(ACME, name), /invalid secret name/);
      await assert.rejects(svc.delete(ACME, name, 'system'), /want 1-128 of \[a-zA-Z0-9_.-\]/);
    }
    for (const name of ['a', 'A.b-c_d', '0', 'x'.repeat(128)])
      await svc.put(ACME, name, 'v', 'system');
    await assert.rejects(svc.put(ACME, 'e', '', 'system'), /invalid secret e: the value is empty/);
    const big = 'S'.repeat(MAX_SECRET_BYTES + 1);
    await assert.rejects(svc.put(ACME, 'big', big, 'system'), (e: unknown) => {
      assert.ok(e instanceof InvalidSecretError);
      assert.equal(
        e.message,
        `invalid secret big: the value is ${MAX_SECRET_BYTES + 1} bytes, want at most ${MAX_SECRET_BYTES}`,
      );
      return true;
    });
    await svc.put(ACME, 'max', 'S'.repeat(MAX_SECRET_BYTES), 'system');
  });
});
