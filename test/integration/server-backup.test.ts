import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { adminFetch, exportSeries, remoteWrite, runArgus, startArgus, tempDir } from './helpers.js';

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)));
  }
  return out.sort();
}

describe('argus backup', () => {
  it('copies the TSDB files while holding the lock when no server runs', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    await mkdir(path.join(data, 'tsdb', 'default', 'wal'), { recursive: true });
    await mkdir(path.join(data, 'tsdb', 'snapshots', 'old'), { recursive: true });
    await writeFile(path.join(data, 'tsdb', 'default', 'wal', '00000000'), 'segment');
    await writeFile(path.join(data, 'tsdb', 'snapshots', 'old', 'x'), 'skip me');
    const out = path.join(dir, 'backup');
    const r = await runArgus(['backup', '--data-dir', data, out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `backed up ${data} (no server running: copied files) to ${out}\n`);
    assert.deepEqual(await listTree(out), ['tsdb/default/wal/00000000']);
    assert.equal(await readFile(path.join(out, 'tsdb/default/wal/00000000'), 'utf8'), 'segment');
    assert.deepEqual(await readdir(data), ['tsdb'], 'lock released');
  });

  it('copies the state database and, unless --without-key, the secret key', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    const add = await runArgus(['user', 'add', 'kim', '--data-dir', data]);
    assert.equal(add.code, 0, add.stderr);
    const verify = await runArgus(['audit', 'verify', '--data-dir', data]); // creates secret.key
    assert.equal(verify.code, 0, verify.stderr);
    const withKey = path.join(dir, 'b1');
    assert.equal((await runArgus(['backup', '--data-dir', data, withKey])).code, 0);
    assert.deepEqual(await listTree(withKey), ['secret.key', 'state.db']);
    assert.deepEqual(
      await readFile(path.join(withKey, 'secret.key')),
      await readFile(path.join(data, 'secret.key')),
    );
    const without = path.join(dir, 'b2');
    const r = await runArgus(['backup', '--data-dir', data, '--without-key', without]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await listTree(without), ['state.db']);
  });

  it('backs up a running server via its snapshot API; the backup restores', async () => {
    const now = Date.now();
    const series = [
      {
        labels: [
          ['__name__', 'backup_test'],
          ['job', 'a'],
        ] as [string, string][],
        samples: [
          { t: now - 2000, v: 1 },
          { t: now - 1000, v: 2 },
        ],
      },
    ];
    const argus = await startArgus();
    let out: string;
    try {
      assert.equal((await remoteWrite(argus.url, series)).status, 204);
      const add = await runArgus(['user', 'add', 'bob', '--data-dir', argus.dataDir]);
      assert.equal(add.code, 0, add.stderr);
      out = path.join(await tempDir(), 'backup');
      const r = await runArgus(['backup', '--data-dir', argus.dataDir, out]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        new RegExp(
          `^backed up ${argus.dataDir} \\(snapshot \\S+ from ${argus.url}\\) to ${out}\\n$`,
        ),
      );
      assert.deepEqual(
        await readdir(path.join(argus.dataDir, 'tsdb', 'snapshots')),
        [],
        'snapshot removed after copying',
      );
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
    // Restore = start a server on the backup as its data dir.
    const restored = await startArgus({ dataDir: out });
    try {
      // The state came along: users, and an audit trail that verifies with the copied key,
      // recording the backup's own short-lived token, created and revoked.
      const users = (await (await adminFetch(`${restored.url}/api/argus/v1/users`)).json()) as {
        data: { username: string }[];
      };
      assert.deepEqual(users.data.map((u) => u.username).sort(), ['admin', 'bob']);
      const audit = (await (
        await adminFetch(`${restored.url}/api/argus/v1/audit?action=token.revoke`)
      ).json()) as { data: { actor: string }[] };
      assert.equal(audit.data.length, 1);
      assert.match(audit.data[0].actor, /^cli:/);
      const verify = await runArgus(['audit', 'verify', '--data-dir', out!]);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      const got = await exportSeries(restored.url, 'backup_test');
      assert.deepEqual(got, [
        {
          metric: { __name__: 'backup_test', job: 'a' },
          values: [1, 2],
          timestamps: [now - 2000, now - 1000],
        },
      ]);
    } finally {
      await restored.stop();
    }
  });

  it('backs up a stopped server by copying files; the backup restores', async () => {
    const now = Date.now();
    const argus = await startArgus();
    try {
      const w = await remoteWrite(argus.url, [
        { labels: [['__name__', 'offline_test']], samples: [{ t: now, v: 42 }] },
      ]);
      assert.equal(w.status, 204, w.body);
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
    const out = path.join(await tempDir(), 'backup');
    const r = await runArgus(['backup', '--data-dir', argus.dataDir, out]);
    assert.equal(r.code, 0, r.stderr);
    const restored = await startArgus({ dataDir: out });
    try {
      assert.deepEqual(await exportSeries(restored.url, 'offline_test'), [
        { metric: { __name__: 'offline_test' }, values: [42], timestamps: [now] },
      ]);
    } finally {
      await restored.stop();
    }
  });

  it('refuses a non-empty target and a missing data dir', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'data'));
    await writeFile(path.join(dir, 'full'), 'x');
    const full = await runArgus(['backup', '--data-dir', path.join(dir, 'data'), dir]);
    assert.equal(full.code, 1);
    assert.equal(
      full.stderr,
      `argus: cannot back up to ${dir}: it exists and is not an empty directory\n`,
    );
    const missing = await runArgus([
      'backup',
      '--data-dir',
      path.join(dir, 'nope'),
      path.join(dir, 'out'),
    ]);
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr,
      `argus: cannot back up ${path.join(dir, 'nope')}: no such data directory\n`,
    );
  });

  it('reports an unreachable running server', async () => {
    const argus = await startArgus();
    try {
      const out = path.join(await tempDir(), 'b');
      const r = await runArgus([
        'backup',
        '--data-dir',
        argus.dataDir,
        '--url',
        'http://127.0.0.1:1',
        out,
      ]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(
          `^argus: cannot back up ${argus.dataDir}: the running server's snapshot API at http://127\\.0\\.0\\.1:1 failed: connect ECONNREFUSED`,
        ),
      );
    } finally {
      await argus.stop();
    }
  });
});
