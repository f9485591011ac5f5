import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Authenticator } from './authenticator.js';
import { openState, recordingLogger, tempDir } from './auth-test-helpers.js';
import { BootstrapError, ensureAdmin } from './bootstrap.js';

const ctx = { address: '127.0.0.1', userAgent: 't' };

describe('ensureAdmin', () => {
  it('creates admin with a generated password: file 0600, logged once, second start does nothing', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const state = openState(dir);
    const logger = recordingLogger();
    const r = await ensureAdmin(state, { dataDir, env: {}, logger });
    const file = path.join(dataDir, 'admin-password');
    assert.deepEqual(r, {
      created: true,
      username: 'admin',
      source: 'generated',
      passwordFile: file,
    });
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const password = (await readFile(file, 'utf8')).trim();
    assert.match(password, /^[A-Za-z0-9_-]{24}$/);
    assert.equal(logger.records.length, 1);
    const [rec] = logger.records;
    assert.equal(rec.level, 'warn');
    assert.deepEqual(rec.obj, { username: 'admin', password_file: file });
    assert.ok(rec.msg.includes(password), 'the password is printed once');
    const p = (await new Authenticator({ state }).login('admin', password, ctx)).principal;
    assert.equal(p.systemAdmin, true);
    assert.equal(p.tenant, 'default');
    assert.ok(p.permissions.has('admin'));
    const audit = await state.audit.list({ action: 'user.create' });
    assert.deepEqual(
      audit.map((e) => e.actor),
      ['system'],
    );

    assert.deepEqual(await ensureAdmin(state, { dataDir, env: {}, logger }), { created: false });
    assert.equal(logger.records.length, 1, 'nothing logged on the second start');
    assert.equal((await readFile(file, 'utf8')).trim(), password, 'file untouched');
  });

  it('uses ARGUS_ADMIN_PASSWORD and writes no file', async () => {
    const dir = tempDir();
    const state = openState(dir);
    const logger = recordingLogger();
    const env = { ARGUS_ADMIN_PASSWORD: 'from-the-environment' };
    const r = await ensureAdmin(state, { dataDir: dir, env, logger });
    assert.deepEqual(r, { created: true, username: 'admin', source: 'env' });
    await assert.rejects(stat(path.join(dir, 'admin-password')), { code: 'ENOENT' });
    assert.ok(
      !JSON.stringify(logger.records).includes('from-the-environment'),
      'env password not logged',
    );
    await new Authenticator({ state }).login('admin', 'from-the-environment', ctx);
  });

  it('refuses a weak ARGUS_ADMIN_PASSWORD with a clear error that does not echo it', async () => {
    const dir = tempDir();
    const state = openState(dir);
    await assert.rejects(
      ensureAdmin(state, {
        dataDir: dir,
        env: { ARGUS_ADMIN_PASSWORD: 'hunter2' },
        logger: recordingLogger(),
      }),
      (e: unknown) =>
        e instanceof BootstrapError &&
        e.message ===
          'cannot create the first admin from ARGUS_ADMIN_PASSWORD: cannot accept password: it has 7 characters, want at least 12',
    );
    assert.equal(await state.users.count(), 0);
  });

  it('does nothing when any user exists', async () => {
    const dir = tempDir();
    const state = openState(dir);
    await state.users.create({ username: 'someone', passwordHash: null, kind: 'service' }, 'cli:x');
    const logger = recordingLogger();
    assert.deepEqual(
      await ensureAdmin(state, {
        dataDir: dir,
        env: { ARGUS_ADMIN_PASSWORD: 'some-long-password' },
        logger,
      }),
      { created: false },
    );
    // Says why nothing happened, and that nobody can administer the server.
    assert.ok(
      logger.records.some((r) => r.level === 'warn' && /no enabled system admin/.test(r.msg)),
    );
    assert.ok(logger.records.some((r) => /ARGUS_ADMIN_PASSWORD is ignored/.test(r.msg)));
  });

  it('reports an unwritable data dir', async () => {
    const dir = tempDir();
    const state = openState(dir);
    const blocker = path.join(dir, 'state.db'); // a file where the data dir should be
    await assert.rejects(
      ensureAdmin(state, { dataDir: blocker, env: {}, logger: recordingLogger() }),
      BootstrapError,
    );
  });
});
