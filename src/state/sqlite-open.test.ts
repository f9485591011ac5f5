import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StateCorruptError, StateVersionError } from './errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { openSqliteState } from './sqlite.js';
import { testSigner } from './suite.js';

const root = mkdtempSync(join(tmpdir(), 'argus-state-open-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `s${n++}.db`);

const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const child = fileURLToPath(new URL(`./testing-child${ext}`, import.meta.url));

/** Runs testing-child in its own process; resolves with its stdout, rejects on failure. */
function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [...process.execArgv.filter((a) => !a.startsWith('--test')), child, ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

describe('openSqliteState', () => {
  it('creates the file 0600 in WAL mode with foreign keys on, at the current schema version', async () => {
    const file = fresh();
    const s = openSqliteState({ file });
    await s.users.create({ username: 'a', passwordHash: null }, 'system'); // makes -wal exist
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(`${file}-wal`).mode & 0o777, 0o600);
    await s.close();
    await s.close(); // idempotent
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(db.prepare('SELECT version, name FROM schema_migrations').all(), [
      { version: 1, name: 'identity, audit and secrets' },
      { version: 2, name: 'dashboards' },
      { version: 3, name: 'alerts and silences' },
      // Later migrations (appended by other modules) follow in order.
      ...MIGRATIONS.slice(3).map((m) => ({ version: m.version, name: m.name })),
    ]);
    db.close();
    assert.ok(SCHEMA_VERSION >= 3);
    assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
  });

  it('reopening applies nothing and keeps the data', async () => {
    const file = fresh();
    const logs: unknown[] = [];
    const logger = {
      debug() {},
      info: (o: object, m: string) => logs.push([m, o]),
      warn() {},
      error() {},
    };
    await openSqliteState({ file, logger }).close();
    assert.deepEqual(logs, [
      [
        'state database migrated',
        { file, migrations: MIGRATIONS.map((m) => m.version), version: SCHEMA_VERSION },
      ],
    ]);
    const s = openSqliteState({ file, logger });
    assert.equal(logs.length, 1, 'no migration on reopen');
    assert.deepEqual(
      (await s.tenants.list()).map((t) => t.id),
      ['default'],
    );
    await s.close();
    const db = new Database(file, { readonly: true });
    assert.equal(
      db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get(),
      SCHEMA_VERSION,
    );
    db.close();
  });

  it('refuses a database from a newer Argus, naming both versions', async () => {
    const file = fresh();
    await openSqliteState({ file }).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations VALUES (8, ?, 0)').run('from the future');
    db.close();
    assert.throws(
      () => openSqliteState({ file }),
      (err: unknown) => {
        assert.ok(err instanceof StateVersionError);
        assert.equal(err.found, 8);
        assert.equal(err.supported, SCHEMA_VERSION);
        assert.equal(
          err.message,
          `cannot open state database ${file}: its schema is format version 8, this Argus supports up to ${SCHEMA_VERSION} (upgrade Argus, or restore a backup)`,
        );
        return true;
      },
    );
  });

  it('refuses a file that is not an SQLite database', () => {
    const file = fresh();
    writeFileSync(
      file,
      'this is not a database, just some text that is long enough to have a header'.repeat(20),
    );
    assert.throws(
      () => openSqliteState({ file }),
      (err: unknown) => {
        assert.ok(err instanceof StateCorruptError);
        assert.equal(err.message, `cannot open state database ${file}: not an SQLite database`);
        return true;
      },
    );
  });

  it('refuses a path it cannot open', () => {
    const file = join(root, 'no-such-dir', 'state.db');
    assert.throws(() => openSqliteState({ file }), {
      name: 'StateError',
      message: new RegExp(`^cannot open state database ${file}: ENOENT`),
    });
  });

  it("a write waits for another process's lock up to the busy timeout, then fails typed", async () => {
    const file = fresh();
    const s = openSqliteState({ file, busyTimeoutMs: 100 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    await assert.rejects(s.tenants.create('acme', 'system'), {
      name: 'StateError',
      message:
        'cannot write state database: another process held the write lock for more than 100 ms',
    });
    other.exec('COMMIT');
    await s.tenants.create('acme', 'system');
    assert.equal((await s.audit.list()).length, 1);
    other.close();
    await s.close();
  });

  it('four processes opening one fresh file at once all succeed and migrate it once', async () => {
    const file = fresh();
    const outs = await Promise.all([0, 1, 2, 3].map(() => runChild([file, 'open'])));
    assert.deepEqual(outs, ['ok\n', 'ok\n', 'ok\n', 'ok\n']);
    const db = new Database(file, { readonly: true });
    assert.equal(
      db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get(),
      SCHEMA_VERSION,
    );
    assert.equal(db.prepare(`SELECT COUNT(*) FROM tenants WHERE id = 'default'`).pluck().get(), 1);
    db.close();
  });

  it('two processes appending at once keep one linear chain', async () => {
    const file = fresh();
    await openSqliteState({ file }).close();
    await Promise.all([
      runChild([file, 'append', '150', 'a']),
      runChild([file, 'append', '150', 'b']),
    ]);
    const s = openSqliteState({ file });
    assert.deepEqual(await s.audit.verify(testSigner()), {
      ok: true,
      entries: 300,
      firstSeq: 1,
      lastSeq: 300,
    });
    assert.equal((await s.audit.list({ actor: 'a', limit: 1000 })).length, 150);
    await s.close();
  });

  it('changeVersion sees commits of another connection to the same file', async () => {
    const file = fresh();
    const server = openSqliteState({ file });
    const cli = openSqliteState({ file });
    const v0 = server.changeVersion();
    assert.equal(server.changeVersion(), v0);
    const u = await cli.users.create({ username: 'alice', passwordHash: null }, 'cli:root');
    const v1 = server.changeVersion();
    assert.notEqual(v1, v0, 'another connection committed');
    assert.equal(server.changeVersion(), v1);
    await cli.tokens.create(
      {
        id: 'tok_1',
        userId: u.id,
        tenant: 'default',
        name: 'g',
        scope: 'read',
        crossTenant: false,
        hash: 'a'.repeat(64),
        createdAt: 1,
        expiresAt: null,
      },
      'cli:root',
    );
    await server.tokens.touch('tok_1', 5);
    const v2 = server.changeVersion();
    assert.ok(v2 > v1, 'monotonic');
    await cli.tokens.revoke('tok_1', 'cli:root');
    assert.ok(server.changeVersion() > v2, 'a revoke by the CLI is seen by the server');
    assert.equal((await server.tokens.get('tok_1'))!.revokedAt !== null, true);
    await cli.close();
    await server.close();
  });
});
