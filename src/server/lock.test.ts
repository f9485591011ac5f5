import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DataDirLock, DataDirLockedError, LOCK_FILE, readLock } from './lock.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'argus-lock-'));
  dirs.push(d);
  return d;
}

/** A PID that certainly belongs to no process: one that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

function lockText(pid: number, extra: object = {}): string {
  return JSON.stringify({ pid, hostname: os.hostname(), start: null, ...extra }) + '\n';
}

describe('DataDirLock', () => {
  it('creates the dir, writes the holder, releases', async () => {
    const dir = path.join(await tempDir(), 'nested', 'data');
    const lock = await DataDirLock.acquire(dir);
    assert.equal(lock.tookOver, undefined);
    const info = await readLock(dir);
    assert.equal(info?.pid, process.pid);
    await lock.setUrl('http://127.0.0.1:1');
    assert.equal((await readLock(dir))?.url, 'http://127.0.0.1:1');
    await lock.release();
    assert.deepEqual(await readdir(dir), []);
    await (await DataDirLock.acquire(dir)).release();
  });

  it('refuses a second holder in the same process', async () => {
    const dir = await tempDir();
    const lock = await DataDirLock.acquire(dir);
    await assert.rejects(DataDirLock.acquire(dir), (err: unknown) => {
      assert.ok(err instanceof DataDirLockedError);
      assert.equal(
        err.message,
        `cannot lock data dir ${dir}: in use by process ${process.pid}; stop it or use another --data-dir`,
      );
      return true;
    });
    await lock.release();
  });

  it('refuses a lock held by another live process', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(path.join(dir, LOCK_FILE), lockText(child.pid!, { url: 'http://h:1' }));
      await assert.rejects(DataDirLock.acquire(dir), {
        name: 'DataDirLockedError',
        message: `cannot lock data dir ${dir}: in use by process ${child.pid} (http://h:1); stop it or use another --data-dir`,
      });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over a stale lock from a dead process', async () => {
    const dir = await tempDir();
    const dead = await deadPid();
    await writeFile(path.join(dir, LOCK_FILE), lockText(dead, { url: 'http://h:1' }));
    const lock = await DataDirLock.acquire(dir);
    assert.deepEqual(lock.tookOver, {
      pid: dead,
      hostname: os.hostname(),
      start: null,
      url: 'http://h:1',
    });
    assert.equal((await readLock(dir))?.pid, process.pid);
    await lock.release();
    assert.deepEqual(await readdir(dir), []);
  });

  it('takes over a lock whose PID was reused by another process', async () => {
    const dir = await tempDir();
    // The parent process is alive, but started at another time than the recorded holder.
    await writeFile(path.join(dir, LOCK_FILE), lockText(process.ppid, { start: '1' }));
    const lock = await DataDirLock.acquire(dir);
    await lock.release();
  });

  it('takes over garbage and our own PID left from a previous life', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, LOCK_FILE), 'not json');
    const lock = await DataDirLock.acquire(dir);
    assert.equal(lock.tookOver, null, 'unreadable holder');
    await lock.release();
    await writeFile(path.join(dir, LOCK_FILE), lockText(process.pid));
    await (await DataDirLock.acquire(dir)).release();
  });

  it('treats a lock from another host as held', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, hostname: 'elsewhere', start: null }),
    );
    await assert.rejects(DataDirLock.acquire(dir), DataDirLockedError);
  });

  it('leaves a lock alone on release when another process owns it', async () => {
    const dir = await tempDir();
    const lock = await DataDirLock.acquire(dir);
    const other = lockText(1);
    await writeFile(path.join(dir, LOCK_FILE), other);
    await lock.release();
    assert.equal(await readFile(path.join(dir, LOCK_FILE), 'utf8'), other);
  });

  it('returns undefined for a missing or unreadable lock', async () => {
    const dir = await tempDir();
    assert.equal(await readLock(dir), undefined);
    await writeFile(path.join(dir, LOCK_FILE), '{"pid":"x"}');
    assert.equal(await readLock(dir), undefined);
  });
});
