import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runArgus, startArgus, tempDir } from './helpers.js';

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

  it('uses the running server snapshot API', async (t) => {
    const argus = await startArgus();
    try {
      const probe = await fetch(`${argus.url}/api/v1/admin/tsdb/snapshot`, { method: 'POST' });
      if (probe.status === 404) {
        t.skip('the snapshot API is not wired into the server yet');
        return;
      }
      const out = path.join(await tempDir(), 'backup');
      const r = await runArgus(['backup', '--data-dir', argus.dataDir, out]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        new RegExp(
          `^backed up ${argus.dataDir} \\(snapshot \\S+ from ${argus.url}\\) to ${out}\\n$`,
        ),
      );
      assert.ok((await stat(path.join(out, 'tsdb'))).isDirectory());
    } finally {
      await argus.stop();
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
          `^argus: cannot back up ${argus.dataDir}: the running server's snapshot API at http://127\\.0\\.0\\.1:1 failed: fetch failed`,
        ),
      );
    } finally {
      await argus.stop();
    }
  });
});
