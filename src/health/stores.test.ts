import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openSqliteState, type StateStore } from '../state/index.js';
import { HealthConflictError, HealthInvalidError, HealthNotFoundError } from './errors.js';
import { SqliteMaintenanceStore } from './maintenance-store.js';
import { parseServiceDefinition, SqliteServiceStore } from './service-store.js';
import type { ServiceDefinition } from './types.js';
import { validateServices } from './validate.js';

describe('health stores (real SQLite file)', () => {
  let dir: string;
  let state: StateStore;
  let clock = 1_000;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'argus-health-'));
    clock = 1_000;
    state = openSqliteState({ file: path.join(dir, 'state.db'), now: () => clock });
  });
  afterEach(async () => {
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('SqliteServiceStore', () => {
    const configDefs = [parseServiceDefinition({ name: 'db', checks: ['db-tcp'] })];
    const checks = new Set(['db-tcp', 'api-http', 'cache-tcp']);
    const validate = (all: readonly ServiceDefinition[]) =>
      validateServices([...configDefs, ...all], checks);
    const opts = { configNames: new Set(['db']), validate };

    it('creates, lists, replaces with the version it edited, deletes — each audited', async () => {
      const s = new SqliteServiceStore(state);
      const c = await s.put('default', { name: 'api', checks: ['api-http'] }, 'user:alice', opts);
      assert.equal(c.version, 1);
      assert.deepEqual(c.definition.depends_on, []);
      assert.equal(c.updatedBy, 'user:alice');
      assert.equal(c.updatedAt, 1_000);
      const u = await s.put(
        'default',
        { name: 'api', checks: ['api-http'], depends_on: ['db'], slo: { target: 99.9 } },
        'user:bob',
        { ...opts, expectVersion: 1 },
      );
      assert.equal(u.version, 2);
      assert.equal(u.definition.slo?.window, 30 * 86_400_000);
      const got = await s.get('default', 'api');
      assert.deepEqual(got?.definition.depends_on, ['db']);
      assert.equal((await s.list('default')).length, 1);
      assert.deepEqual(await s.list('other'), []);
      await s.delete('default', 'api', 'user:alice', { validate });
      assert.equal(await s.get('default', 'api'), undefined);
      const audit = await state.audit.list({ tenant: 'default' });
      assert.deepEqual(audit.map((e) => [e.action, e.target, e.actor]).reverse(), [
        ['health.service.create', 'service:api', 'user:alice'],
        ['health.service.update', 'service:api', 'user:bob'],
        ['health.service.delete', 'service:api', 'user:alice'],
      ]);
    });

    it('refuses conflicts, config names, unknown versions and invalid input', async () => {
      const s = new SqliteServiceStore(state);
      await s.put('default', { name: 'api' }, 'user:a', opts);
      await assert.rejects(
        s.put('default', { name: 'api' }, 'user:a', opts),
        (e: Error) => e instanceof HealthConflictError && /it exists \(version 1\)/.test(e.message),
      );
      await assert.rejects(
        s.put('default', { name: 'api' }, 'user:b', { ...opts, expectVersion: 7 }),
        (e: Error) => e instanceof HealthConflictError && /version 1, yours is 7/.test(e.message),
      );
      await assert.rejects(
        s.put('default', { name: 'nope' }, 'user:b', { ...opts, expectVersion: 1 }),
        HealthNotFoundError,
      );
      await assert.rejects(
        s.put('default', { name: 'db' }, 'user:a', opts),
        /cannot save service "db": it is defined in argus.yml \(read-only\)/,
      );
      await assert.rejects(
        s.put('default', { name: 'x', checks: ['nope'] }, 'user:a', opts),
        (e: Error) =>
          e instanceof HealthInvalidError &&
          e.problems.join() === 'services.x.checks: unknown check "nope"',
      );
      await assert.rejects(
        s.put('default', { name: 'x', bogus: 1 }, 'user:a', opts),
        HealthInvalidError,
      );
      await assert.rejects(s.put('default', [], 'user:a', opts), HealthInvalidError);
      await assert.rejects(s.delete('default', 'nope', 'user:a'), HealthNotFoundError);
      await assert.rejects(
        s.delete('default', 'api', 'user:a', { expectVersion: 3 }),
        HealthConflictError,
      );
    });

    it('refuses a cycle created through the API, naming it', async () => {
      const s = new SqliteServiceStore(state);
      await s.put('default', { name: 'api', depends_on: ['db'] }, 'user:a', opts);
      await s.put('default', { name: 'cache', depends_on: ['api'] }, 'user:a', opts);
      await assert.rejects(
        s.put('default', { name: 'api', depends_on: ['db', 'cache'] }, 'user:a', {
          ...opts,
          expectVersion: 1,
        }),
        (e: Error) =>
          e instanceof HealthInvalidError &&
          e.problems.includes('services: dependency cycle: api → cache → api'),
      );
      // Deleting a service another one depends on is refused by the same validation.
      await assert.rejects(
        s.delete('default', 'api', 'user:a', { validate }),
        /cannot delete service "api": services.cache.depends_on: unknown service "api"/,
      );
      assert.equal((await s.get('default', 'api'))?.version, 1);
    });

    it('parseServiceDefinition checks the URL name', () => {
      assert.equal(parseServiceDefinition({}, 'api').name, 'api');
      assert.throws(() => parseServiceDefinition({ name: 'a' }, 'b'), /URL names "b"/);
    });
  });

  describe('SqliteMaintenanceStore', () => {
    it('adds, filters, deletes — audited; refuses bad windows', async () => {
      clock = 0;
      const m = new SqliteMaintenanceStore(state);
      const a = await m.add(
        'default',
        { service: 'db', startsAt: 100, endsAt: 200, comment: 'upgrade' },
        'user:alice',
      );
      assert.equal(a.source, 'api');
      assert.equal(a.createdBy, 'user:alice');
      const b = await m.add('default', { service: 'api', startsAt: 150, endsAt: 400 }, 'user:b');
      assert.notEqual(a.id, b.id);
      assert.deepEqual(
        (await m.list('default')).map((w) => w.id),
        [a.id, b.id],
      );
      assert.deepEqual(
        (await m.list('default', { service: 'db' })).map((w) => w.comment),
        ['upgrade'],
      );
      assert.deepEqual(
        (await m.list('default', { endsAfter: 200 })).map((w) => w.id),
        [b.id],
      );
      assert.deepEqual(
        (await m.list('default', { startsBefore: 150 })).map((w) => w.id),
        [a.id],
      );
      assert.deepEqual(await m.list('other'), []);
      await m.delete('default', a.id, 'user:alice');
      await assert.rejects(m.delete('default', a.id, 'user:alice'), HealthNotFoundError);
      await assert.rejects(m.delete('other', b.id, 'user:alice'), HealthNotFoundError);
      const audit = await state.audit.list({ tenant: 'default' });
      assert.deepEqual(audit.map((e) => e.action).reverse(), [
        'health.maintenance.create',
        'health.maintenance.create',
        'health.maintenance.delete',
      ]);
      // A window never starts in the past (it would rewrite recorded downtime).
      clock = 500;
      const late = await m.add('default', { service: 'db', startsAt: 100, endsAt: 900 }, 'user:a');
      assert.equal(late.startsAt, 500);
      await assert.rejects(
        m.add('default', { service: 'db', startsAt: 100, endsAt: 300 }, 'user:a'),
        /invalid maintenance window: endsAt: 1970-01-01T00:00:00.300Z is in the past/,
      );
      clock = 0;
      await assert.rejects(
        m.add('default', { service: 'db', startsAt: 200, endsAt: 100 }, 'user:a'),
        /invalid maintenance window: endsAt: 1970-01-01T00:00:00.100Z is not after startsAt/,
      );
      await assert.rejects(
        m.add('default', { service: 'db', startsAt: 0, endsAt: 400 * 86_400_000 }, 'user:a'),
        /at most 366 days/,
      );
      await assert.rejects(
        m.add('default', { service: 'db', startsAt: NaN, endsAt: 1 }, 'user:a'),
        /expected times/,
      );
      await assert.rejects(
        m.add('default', { service: 'db', startsAt: 0, endsAt: 1, comment: 'x'.repeat(1001) }, 'u'),
        /comment/,
      );
    });
  });
});
