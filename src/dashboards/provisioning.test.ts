import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Logger } from '../util/index.js';
import { provisionDashboards } from './provisioning.js';
import { SqliteDashboards } from './sqlite-store.js';
import { sample, tempState } from './test-helpers.js';

describe('provisioning from files', () => {
  let t: ReturnType<typeof tempState>;
  let store: SqliteDashboards;
  let dir: string;
  let logs: [string, object, string][];
  const logger: Logger = {
    debug: () => undefined,
    info: (o, m) => void logs.push(['info', o, m]),
    warn: (o, m) => void logs.push(['warn', o, m]),
    error: (o, m) => void logs.push(['error', o, m]),
  };
  const write = (rel: string, v: unknown) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), typeof v === 'string' ? v : JSON.stringify(v));
  };
  const run = () => provisionDashboards({ store, dir, logger });

  beforeEach(async () => {
    t = tempState();
    store = new SqliteDashboards(t.state);
    dir = path.join(t.dir, 'dashboards');
    mkdirSync(dir);
    logs = [];
    await t.state.tenants.create('acme', 'system');
  });
  afterEach(() => t.close());

  it('loads good files, reports each bad one with its path and error, and loads the rest', async () => {
    write('node.json', sample());
    write('broken.json', '{"schemaVersion": 1,');
    write('bad-grid.json', {
      ...sample({ uid: 'bad' }),
      panels: [{ ...sample().panels[0], gridPos: { x: 0, y: 0, w: 30, h: 8 } }],
    });
    write('notes.txt', 'ignored');
    write('acme/team.json', sample({ uid: 'team', title: 'Team' }));
    write('nobody/x.json', sample({ uid: 'x' }));
    copyFileSync(
      new URL('../../../src/dashboards/testdata/grafana-node-exporter.json', import.meta.url),
      path.join(dir, 'grafana.json'),
    );
    const r = await run();
    assert.deepEqual(
      r.loaded.map((l) => [path.relative(dir, l.file), l.tenant, l.uid, l.result]),
      [
        ['acme/team.json', 'acme', 'team', 'created'],
        ['grafana.json', 'default', 'rYdddlPWk', 'created'],
        ['node.json', 'default', 'node', 'created'],
      ],
    );
    assert.deepEqual(
      r.problems.map((p) => [path.relative(dir, p.file), p.error.replace(/ \(line.*$/, '')]),
      [
        ['bad-grid.json', 'invalid dashboard: panels[0].gridPos.w: expected at most 24'],
        ['broken.json', 'not JSON: Expected double-quoted property name in JSON at position 20'],
        [
          'nobody/x.json',
          'cannot provision dashboard "x" from ' +
            path.join(dir, 'nobody/x.json') +
            ': tenant "nobody" not found',
        ],
      ],
    );
    assert.equal(r.warnings.length, 14);
    assert.ok(r.warnings.every((w) => w.file.endsWith('grafana.json')));
    assert.deepEqual(
      logs
        .filter((l) => l[0] === 'error')
        .map((l) => [l[2], path.relative(dir, (l[1] as { file: string }).file)]),
      [
        ['cannot provision dashboard', 'bad-grid.json'],
        ['cannot provision dashboard', 'broken.json'],
        ['cannot provision dashboard', 'nobody/x.json'],
      ],
    );
    const d = (await store.get('default', 'node'))!;
    assert.equal(d.provisionedFile, path.join(dir, 'node.json'));
    assert.equal(d.createdBy, 'system');
    assert.equal((await store.get('acme', 'team'))!.dashboard.title, 'Team');
    assert.equal(await store.get('default', 'team'), undefined);
  });

  it('on reload: unchanged files make no version, changed ones do, removed files are deleted, a broken file keeps its last version', async () => {
    write('node.json', sample());
    write('other.json', sample({ uid: 'other' }));
    write('keep.json', sample({ uid: 'keep' }));
    await run();
    write('node.json', sample({ title: 'Node v2' }));
    rmSync(path.join(dir, 'other.json'));
    write('keep.json', 'oops');
    logs = [];
    const r = await run();
    assert.deepEqual(
      r.loaded.map((l) => [l.uid, l.result]),
      [['node', 'updated']],
    );
    assert.deepEqual(
      r.removed.map((x) => x.uid),
      ['other'],
    );
    assert.equal((await store.get('default', 'node'))!.version, 2);
    assert.equal(await store.get('default', 'other'), undefined);
    assert.equal((await store.get('default', 'keep'))!.version, 1);
    assert.deepEqual(
      logs.find((l) => l[0] === 'info'),
      ['info', { loaded: 1, changed: 1, removed: 1 }, 'dashboards provisioned'],
    );
    const again = await run();
    assert.deepEqual(
      again.loaded.map((l) => l.result),
      ['unchanged'],
    );
  });

  it('a uid taken by an API dashboard or another file is a problem for that file only', async () => {
    await store.create('default', sample({ uid: 'mine' }), 'user:alice');
    write('a.json', sample({ uid: 'mine' }));
    write('b.json', sample({ uid: 'dup' }));
    write('c.json', sample({ uid: 'dup' }));
    const r = await run();
    assert.deepEqual(
      r.loaded.map((l) => path.basename(l.file)),
      ['b.json'],
    );
    assert.deepEqual(
      r.problems.map((p) => path.basename(p.file)),
      ['a.json', 'c.json'],
    );
    assert.match(r.problems[0].error, /taken by a dashboard saved through the API/);
    assert.equal((await store.get('default', 'mine'))!.provisionedFile, null);
  });

  it('a file without a uid takes its name; no dir removes every provisioned dashboard; an unreadable dir removes none', async () => {
    const { uid: _uid, ...noUid } = sample();
    write('My Board!.json', noUid);
    const r = await run();
    assert.deepEqual(
      r.loaded.map((l) => l.uid),
      ['My-Board'],
    );
    const missing = await provisionDashboards({ store, dir: path.join(dir, 'nope'), logger });
    assert.match(missing.problems[0].error, /^cannot read dashboards provisioning_dir: ENOENT/);
    assert.equal((await store.list('default')).length, 1);
    const none = await provisionDashboards({ store, dir: undefined, logger });
    assert.deepEqual(
      none.removed.map((x) => x.uid),
      ['My-Board'],
    );
  });
});
