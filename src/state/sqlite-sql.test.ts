import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openSqliteState } from './sqlite.js';
import type { StateStore } from './types.js';

describe('StateStore.sql (tables of other modules)', () => {
  let dir: string;
  let s: StateStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'argus-sql-'));
    s = openSqliteState({ file: path.join(dir, 'state.db'), now: () => 42 });
  });
  afterEach(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = `INSERT INTO dashboards (tenant, uid, title, tags, version, json, created_at, created_by, updated_at, updated_by) VALUES ('default', ?, 't', '[]', 1, '{}', 0, 'u', 0, 'u')`;

  it('a write commits its statements and audit entry together, at the transaction time', async () => {
    const before = s.changeVersion();
    const n = await s.sql.write((tx) => {
      tx.audit({ actor: 'u', tenant: 'default', action: 'thing.create', target: 'thing:a' });
      return tx.run(insert, ['a']) + tx.now;
    });
    assert.equal(n, 43);
    assert.ok(s.changeVersion() > before);
    const rows = await s.sql.read((r) => r.all<{ uid: string }>(`SELECT uid FROM dashboards`));
    assert.deepEqual(rows, [{ uid: 'a' }]);
    assert.equal(
      await s.sql.read((r) => r.get(`SELECT uid FROM dashboards WHERE uid = ?`, ['zz'])),
      undefined,
    );
    const [e] = await s.audit.list();
    assert.deepEqual([e.action, e.time], ['thing.create', 42]);
  });

  it('a throwing write rolls back both the change and its audit entry', async () => {
    await assert.rejects(
      s.sql.write((tx) => {
        tx.run(insert, ['b']);
        tx.audit({ actor: 'u', tenant: 'default', action: 'thing.create', target: 'thing:b' });
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await s.sql.read((r) => r.all(`SELECT uid FROM dashboards`)), []);
    assert.deepEqual(await s.audit.list(), []);
  });
});
