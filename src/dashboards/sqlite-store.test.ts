import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openSqliteState, type StateStore } from '../state/index.js';
import { testSigner } from '../state/testing.js';
import {
  DashboardConflictError,
  DashboardNotFoundError,
  DashboardReadOnlyError,
} from './errors.js';
import { MAX_VERSIONS, SqliteDashboards } from './sqlite-store.js';
import { sample, tempState } from './test-helpers.js';
import path from 'node:path';

describe('SqliteDashboards (real SQLite file)', () => {
  let t: ReturnType<typeof tempState>;
  let s: SqliteDashboards;
  beforeEach(() => {
    t = tempState();
    s = new SqliteDashboards(t.state);
  });
  afterEach(() => t.close());

  it('create, get, list, update with version, delete — each audited in its transaction', async () => {
    const created = await s.create('default', sample(), 'user:alice', 'first');
    assert.equal(created.version, 1);
    assert.equal(created.createdBy, 'user:alice');
    assert.equal(created.provisionedFile, null);
    assert.deepEqual(created.dashboard, sample());
    assert.deepEqual(
      (await s.list('default')).map((m) => [m.uid, m.title, m.tags, m.version]),
      [['node', 'Node', ['host'], 1]],
    );
    const updated = await s.update('default', sample({ title: 'Node 2' }), 1, 'user:bob');
    assert.equal(updated.version, 2);
    assert.equal(updated.updatedBy, 'user:bob');
    assert.equal(updated.createdBy, 'user:alice');
    assert.ok(updated.updatedAt > created.updatedAt);
    await s.delete('default', 'node', 'user:bob');
    assert.equal(await s.get('default', 'node'), undefined);
    const audit = (await t.state.audit.list({ tenant: 'default' })).reverse();
    assert.deepEqual(
      audit.map((e) => [e.actor, e.action, e.target, e.before, e.after]),
      [
        [
          'user:alice',
          'dashboard.create',
          'dashboard:node',
          null,
          { uid: 'node', title: 'Node', version: 1 },
        ],
        [
          'user:bob',
          'dashboard.update',
          'dashboard:node',
          { uid: 'node', title: 'Node', version: 1 },
          { uid: 'node', title: 'Node 2', version: 2 },
        ],
        [
          'user:bob',
          'dashboard.delete',
          'dashboard:node',
          { uid: 'node', title: 'Node 2', version: 2 },
          null,
        ],
      ],
    );
    assert.deepEqual(await t.state.audit.verify(testSigner()), {
      ok: true,
      entries: 3,
      firstSeq: 1,
      lastSeq: 3,
    });
  });

  it('a stale version is a conflict and changes nothing (no audit entry either)', async () => {
    await s.create('default', sample(), 'user:alice');
    await s.update('default', sample({ title: 'by bob' }), 1, 'user:bob');
    await assert.rejects(
      s.update('default', sample({ title: 'by alice' }), 1, 'user:alice'),
      (err: unknown) => {
        assert.ok(err instanceof DashboardConflictError);
        assert.equal(
          err.message,
          'cannot update dashboard "node": it was saved by user:bob since (version 2, yours is 1); reload it and apply your change again',
        );
        return true;
      },
    );
    assert.equal((await s.get('default', 'node'))!.dashboard.title, 'by bob');
    assert.equal((await t.state.audit.list()).length, 2);
  });

  it('a taken uid is a conflict; unknown uids and tenants are not found', async () => {
    await s.create('default', sample(), 'user:alice');
    await assert.rejects(s.create('default', sample(), 'user:alice'), {
      name: 'DashboardConflictError',
      message: 'cannot create dashboard: uid "node" is taken',
    });
    await assert.rejects(
      s.update('default', sample({ uid: 'nope' }), 1, 'u'),
      DashboardNotFoundError,
    );
    await assert.rejects(s.delete('default', 'nope', 'u'), {
      message: 'cannot delete dashboard "nope": not found',
    });
    await assert.rejects(s.versions('default', 'nope'), DashboardNotFoundError);
    await assert.rejects(s.create('acme', sample(), 'u'), {
      message: 'cannot create dashboard "node": tenant "acme" not found',
    });
  });

  it('version history: every save kept with author and time; get one; restore is a new version', async () => {
    await s.create('default', sample({ title: 'v1' }), 'user:alice', 'initial');
    await s.update('default', sample({ title: 'v2' }), 1, 'user:bob', 'tweak');
    const vs = await s.versions('default', 'node');
    assert.deepEqual(
      vs.map((v) => [v.version, v.author, v.message]),
      [
        [2, 'user:bob', 'tweak'],
        [1, 'user:alice', 'initial'],
      ],
    );
    assert.ok(vs[0].time > vs[1].time);
    assert.equal((await s.version('default', 'node', 1))!.dashboard.title, 'v1');
    assert.equal(await s.version('default', 'node', 9), undefined);
    const r = await s.restore('default', 'node', 1, 'user:carol');
    assert.equal(r.version, 3);
    assert.equal(r.dashboard.title, 'v1');
    assert.deepEqual((await s.versions('default', 'node'))[0], {
      version: 3,
      author: 'user:carol',
      time: r.updatedAt,
      message: 'restored version 1',
    });
    await assert.rejects(s.restore('default', 'node', 42, 'u'), {
      message: 'cannot restore dashboard "node": no version 42',
    });
    const last = (await t.state.audit.list({ limit: 1 }))[0];
    assert.equal(last.action, 'dashboard.restore');
  });

  it(`keeps the last ${MAX_VERSIONS} versions`, async () => {
    await s.create('default', sample(), 'u');
    for (let v = 1; v <= MAX_VERSIONS + 4; v++)
      await s.update('default', sample({ title: `t${v}` }), v, 'u');
    const vs = await s.versions('default', 'node');
    assert.equal(vs.length, MAX_VERSIONS);
    assert.equal(vs.at(-1)!.version, 6);
  });

  it('tenants are isolated: same uid in two tenants, lists and gets never cross', async () => {
    await t.state.tenants.create('acme', 'system');
    await s.create('default', sample({ title: 'default one' }), 'u');
    await s.create('acme', sample({ title: 'acme one' }), 'u');
    assert.equal((await s.get('acme', 'node'))!.dashboard.title, 'acme one');
    assert.deepEqual(
      (await s.list('acme')).map((m) => m.title),
      ['acme one'],
    );
    await s.delete('acme', 'node', 'u');
    assert.equal((await s.get('default', 'node'))!.dashboard.title, 'default one');
    assert.equal(await s.get('other', 'node'), undefined);
    const acmeAudit = await t.state.audit.list({ tenant: 'acme' });
    assert.deepEqual(
      acmeAudit.map((e) => e.action),
      ['dashboard.delete', 'dashboard.create'],
    );
  });

  it('provisioned dashboards are read-only except to provisioning; unchanged files make no version', async () => {
    assert.equal(
      await s.provision('default', sample(), '/etc/argus/dashboards/node.json'),
      'created',
    );
    assert.equal(
      await s.provision('default', sample(), '/etc/argus/dashboards/node.json'),
      'unchanged',
    );
    assert.equal(
      await s.provision('default', sample({ title: 'N' }), '/etc/argus/dashboards/node.json'),
      'updated',
    );
    const d = (await s.get('default', 'node'))!;
    assert.equal(d.version, 2);
    assert.equal(d.provisionedFile, '/etc/argus/dashboards/node.json');
    for (const op of [
      () => s.update('default', sample(), 2, 'user:alice'),
      () => s.delete('default', 'node', 'user:alice'),
      () => s.restore('default', 'node', 1, 'user:alice'),
    ]) {
      await assert.rejects(op(), (err: unknown) => {
        assert.ok(err instanceof DashboardReadOnlyError);
        assert.match(
          err.message,
          /provisioned dashboards are read-only: edit \/etc\/argus\/dashboards\/node\.json$/,
        );
        return true;
      });
    }
    await assert.rejects(s.provision('default', sample(), '/other.json'), {
      message:
        'cannot provision dashboard from /other.json: uid "node" in tenant "default" is taken by the file /etc/argus/dashboards/node.json',
    });
    await s.create('default', sample({ uid: 'mine' }), 'user:alice');
    await assert.rejects(
      s.provision('default', sample({ uid: 'mine' }), '/x.json'),
      /taken by a dashboard saved through the API/,
    );
    assert.deepEqual(await s.provisioned(), [
      { tenant: 'default', uid: 'node', file: '/etc/argus/dashboards/node.json' },
    ]);
    await s.unprovision('default', 'mine'); // not provisioned: left alone
    await s.unprovision('default', 'node');
    assert.deepEqual(
      (await s.list('default')).map((m) => m.uid),
      ['mine'],
    );
    const actions = (await t.state.audit.list()).map((e) => `${e.actor} ${e.action}`).reverse();
    assert.deepEqual(actions, [
      'system dashboard.provision',
      'system dashboard.provision',
      'user:alice dashboard.create',
      'system dashboard.delete',
    ]);
  });

  it('survives a reopen of the file (data is on disk)', async () => {
    await s.create('default', sample(), 'u');
    await t.state.close();
    const again: StateStore = openSqliteState({ file: path.join(t.dir, 'state.db') });
    const s2 = new SqliteDashboards(again);
    assert.equal((await s2.get('default', 'node'))!.version, 1);
    await again.close();
  });
});
