/**
 * The secret canary (issue #3): a secret put through SecretService into a real SQLite state
 * store never appears in plaintext (nor hex/base64 of it) in any file of the data dir (the
 * database, its WAL, the key file) or in the JSON logs the store and the service wrote.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_TENANT, tenantId } from '../model/index.js';
import { openSqliteState, type StateStore } from '../state/index.js';
import { errorChain } from '../util/index.js';
import { loadKeyring, redactSecrets, SecretOpenError, SecretService } from './index.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The spellings of `canary` a leak could take. */
function spellings(canary: string): Buffer[] {
  const b = Buffer.from(canary);
  return [b, Buffer.from(b.toString('hex')), Buffer.from(b.toString('base64').replace(/=+$/, ''))];
}

/** Files under `dir` (recursively) that contain `canary` in any spelling. */
async function filesContaining(dir: string, canary: string): Promise<string[]> {
  const hits: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    const bytes = await readFile(file);
    if (spellings(canary).some((s) => bytes.includes(s))) hits.push(path.relative(dir, file));
  }
  return hits.sort();
}

describe('secret canary', () => {
  it('never reaches the state database, its WAL, the audit trail or the logs', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'argus-canary-'));
    dirs.push(root);
    const dataDir = path.join(root, 'data');
    const logFile = path.join(root, 'logs', 'argus.log');
    const canary = `canary-${randomBytes(12).toString('hex')}`;
    const replaced = `canary-${randomBytes(12).toString('hex')}`;

    const logger = pino(
      { level: 'debug' },
      pino.destination({ dest: logFile, sync: true, mkdir: true }),
    );
    const keyring = await loadKeyring({ dataDir, env: {} });
    let state: StateStore | undefined = openSqliteState({
      file: path.join(dataDir, 'state.db'),
      logger,
    });
    try {
      const svc = new SecretService(state, keyring, logger);
      const acme = tenantId('acme');
      await state.tenants.create(acme, 'system');
      await svc.put(acme, 'smtp.password', replaced, 'user:alice');
      await svc.put(acme, 'smtp.password', canary, 'user:alice');
      await svc.put(DEFAULT_TENANT, 'webhook.token', canary, 'cli:root');
      assert.equal(await svc.reveal(acme, 'smtp.password'), canary);
      assert.equal(await svc.reveal(DEFAULT_TENANT, 'webhook.token'), canary);
      assert.ok(await svc.delete(DEFAULT_TENANT, 'webhook.token', 'cli:root'));

      // What a server does with what it lists, audits and fails on: log it.
      const listed = await svc.list(acme);
      assert.deepEqual(
        listed.map((s) => [s.name, s.value]),
        [['smtp.password', '<secret>']],
      );
      const audit = await state.audit.list({ limit: 1000 });
      assert.ok(audit.some((e) => e.action === 'secret.put' && e.tenant === 'acme'));
      logger.info({ listed, audit }, 'listed');
      const failures: unknown[] = [];
      failures.push(
        await svc.put(tenantId('nope'), 'x', canary, 'user:alice').catch((e: unknown) => e),
      );
      failures.push(await svc.put(acme, 'bad name', canary, 'user:alice').catch((e: unknown) => e));
      // A moved ciphertext fails to open; its error says nothing of the value.
      const row = await state.secrets.get(acme, 'smtp.password');
      await state.secrets.put(acme, 'moved', row!.ciphertext, 'system');
      failures.push(await svc.reveal(acme, 'moved').catch((e: unknown) => e));
      assert.ok(failures[2] instanceof SecretOpenError);
      for (const err of failures) {
        assert.ok(err instanceof Error);
        logger.error({ err: errorChain(err), stack: err.stack }, 'secret operation failed');
      }
      // A config object with the canary in a password field, logged the way modules should.
      logger.info(
        redactSecrets({
          smtp: { host: 'mail', auth_password: canary },
          url: `https://u:${canary}@h/`,
        }),
        'notifier config',
      );

      assert.deepEqual(
        await filesContaining(root, canary),
        [],
        'while open (WAL not checkpointed)',
      );
      await state.close();
      state = undefined;
      assert.deepEqual(await filesContaining(root, canary), [], 'after close');
      assert.deepEqual(await filesContaining(root, replaced), []);

      // Controls: the search finds a canary that is there, so "absent" above means something.
      const log = await readFile(logFile, 'utf8');
      assert.match(log, /secret stored/);
      assert.match(log, /secret operation failed/);
      logger.info({ oops: canary }, 'control');
      assert.deepEqual(await filesContaining(root, canary), ['logs/argus.log']);
    } finally {
      await state?.close();
    }
  });
});
