import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqliteState, type StateStore } from '../state/index.js';
import { CheckDefinitionError } from './definition.js';
import {
  CheckStoreConflictError,
  CheckStoreNotFoundError,
  redactCheckBody,
  SqliteCheckStore,
} from './store.js';
import { FakeKind } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-check-store-'));
let state: StateStore;
before(() => {
  state = openSqliteState({ file: join(dir, 'state.db') });
});
after(async () => {
  await state.close();
  rmSync(dir, { recursive: true, force: true });
});

const kind = new FakeKind(); // secretFields: ['password']
const kinds = new Map([['fake', kind]]);

function sink() {
  const puts: string[] = [];
  const deletes: string[] = [];
  return {
    puts,
    deletes,
    put: (t: string, n: string, v: string, a: string) => {
      puts.push(`${t}/${n}=${v} by ${a}`);
      return Promise.resolve();
    },
    delete: (t: string, n: string) => {
      deletes.push(`${t}/${n}`);
      return Promise.resolve(true);
    },
  };
}

describe('SqliteCheckStore', () => {
  it('creates, reads, updates and deletes with audit entries and sealed secrets', async () => {
    const s = sink();
    const store = new SqliteCheckStore(state, kinds, s);
    const created = await store.put(
      't1',
      { name: 'db', kind: 'fake', target: 'db:5432', password: 'hunter2' },
      'user:alice',
    );
    assert.equal(created.version, 1);
    assert.deepEqual(s.puts, ['t1/check.db.password=hunter2 by user:alice']);
    assert.deepEqual(created.body.password, { secret: 'check.db.password' });
    assert.equal(created.definition.interval, 60_000);
    const raw = await state.sql.read((r) =>
      r.get<{ body: string }>(`SELECT body FROM check_definitions WHERE name = 'db'`),
    );
    assert.ok(!raw?.body.includes('hunter2'), 'no secret value stored');

    const got = await store.get('t1', 'db');
    assert.equal(got?.updatedBy, 'user:alice');
    assert.equal(await store.get('t2', 'db'), undefined);
    assert.deepEqual(
      (await store.list('t1')).map((c) => c.name),
      ['db'],
    );
    assert.deepEqual(await store.tenants(), ['t1']);

    const updated = await store.put(
      't1',
      { name: 'db', kind: 'fake', target: 'db:5433', password: { secret: 'shared' } },
      'user:bob',
      { expectVersion: 1 },
    );
    assert.equal(updated.version, 2);
    assert.equal(s.puts.length, 1);
    // The sealed secret the new version no longer references is deleted.
    assert.deepEqual(s.deletes.splice(0), ['t1/check.db.password']);

    await store.delete('t1', 'db', 'user:bob');
    assert.deepEqual(await store.list('t1'), []);
    assert.deepEqual(s.deletes, []); // a shared secret is not the check's to delete

    const audit = await state.audit.list({ tenant: 't1' });
    assert.deepEqual(audit.map((a) => [a.action, a.actor, a.target]).reverse(), [
      ['health.check.create', 'user:alice', 'check:db'],
      ['health.check.update', 'user:bob', 'check:db'],
      ['health.check.delete', 'user:bob', 'check:db'],
    ]);
    assert.ok(!JSON.stringify(audit).includes('hunter2'));
  });

  it('deletes the secrets it sealed with the check', async () => {
    const s = sink();
    const store = new SqliteCheckStore(state, kinds, s);
    await store.put('t3', { name: 'r', kind: 'fake', password: 'x' }, 'user:a');
    await store.delete('t3', 'r', 'user:a');
    assert.deepEqual(s.deletes, ['t3/check.r.password']);
  });

  it('refuses conflicts, unknown checks, config names, files and invalid definitions', async () => {
    const s = sink();
    const store = new SqliteCheckStore(state, kinds, s);
    await store.put('t4', { name: 'a', kind: 'fake' }, 'user:a');
    await assert.rejects(
      store.put('t4', { name: 'a', kind: 'fake' }, 'user:a'),
      (e: unknown) =>
        e instanceof CheckStoreConflictError && /it exists \(version 1\)/.test(e.message),
    );
    await assert.rejects(
      store.put('t4', { name: 'a', kind: 'fake' }, 'user:b', { expectVersion: 7 }),
      /saved by user:a since \(version 1, yours is 7\)/,
    );
    await assert.rejects(
      store.put('t4', { name: 'b', kind: 'fake' }, 'user:a', { expectVersion: 1 }),
      CheckStoreNotFoundError,
    );
    await assert.rejects(store.delete('t4', 'b', 'user:a'), CheckStoreNotFoundError);
    await assert.rejects(
      store.put('t4', { name: 'cfg', kind: 'fake' }, 'user:a', { configNames: new Set(['cfg']) }),
      /defined in argus.yml/,
    );
    await assert.rejects(
      store.put('t4', { name: 'f', kind: 'fake', password: { file: '/etc/shadow' } }, 'user:a'),
      (e: unknown) =>
        e instanceof CheckDefinitionError &&
        e.problems.join() === 'password: files are for argus.yml checks',
    );
    const { httpKind } = await import('./http/index.js');
    const withHttp = new SqliteCheckStore(state, new Map([['http', httpKind]]), s);
    await assert.rejects(
      withHttp.put(
        't4',
        { name: 'h', kind: 'http', url: 'https://x.test/', tls: { ca_file: '/etc/shadow' } },
        'user:a',
      ),
      (e: unknown) =>
        e instanceof CheckDefinitionError &&
        e.problems.join() ===
          'tls.ca_file: files are for argus.yml checks (give the content instead)',
    );
    // Header values may carry any credential: each is sealed, the body keeps references.
    const h = await withHttp.put(
      't4',
      {
        name: 'hdr',
        kind: 'http',
        url: 'https://x.test/',
        headers: { Authorization: 'Bearer tok', 'X-Api-Key': { secret: 'mine' } },
      },
      'user:a',
    );
    assert.deepEqual(h.body.headers, {
      Authorization: { secret: 'check.hdr.headers.Authorization' },
      'X-Api-Key': { secret: 'mine' },
    });
    assert.ok(
      s.puts.includes('t4/check.hdr.headers.Authorization=Bearer tok by user:a'),
      s.puts.join(),
    );
    s.puts.length = 0;
    await assert.rejects(
      store.put('t4', { name: 'bad', kind: 'fake', interval: '1ms' }, 'user:a'),
      CheckDefinitionError,
    );
    assert.deepEqual(s.puts, []);
  });

  it('redacts plain values in bodies and keeps references', () => {
    const body = { name: 'x', kind: 'fake', password: 'p' };
    assert.deepEqual(redactCheckBody(body, kind), {
      name: 'x',
      kind: 'fake',
      password: '<secret>',
    });
    assert.equal(body.password, 'p');
    const ref = { name: 'x', kind: 'fake', password: { file: '/f' } };
    assert.deepEqual(redactCheckBody(ref, kind), ref);
  });
});
