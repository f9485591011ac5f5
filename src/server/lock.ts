import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ArgusError } from '../util/index.js';

/** Another live process holds the data dir. */
export class DataDirLockedError extends ArgusError {
  constructor(
    readonly dir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `cannot lock data dir ${dir}: in use by process ${holder.pid}` +
        (holder.url ? ` (${holder.url})` : '') +
        `; stop it or use another --data-dir`,
    );
  }
}

/** What the lock file records about its holder. */
export interface LockInfo {
  pid: number;
  hostname: string;
  /** Linux process start time (clock ticks since boot), to tell a reused PID from the holder. */
  start: string | null;
  /** The holder's HTTP address, so tools (backup) can reach it. */
  url?: string;
}

export const LOCK_FILE = 'lock';

/** Lock files held by this process: a PID match alone would not tell "us" from "our past". */
const heldHere = new Set<string>();

function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; starttime is field 22 overall.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

function alive(info: LockInfo, lockPath: string): boolean {
  if (info.hostname !== os.hostname()) return true; // cannot check another host: assume held
  if (info.pid === process.pid) return heldHere.has(lockPath);
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(info.pid);
  return info.start === null || start === null || start === info.start;
}

function parse(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid !== 'number' || typeof v.hostname !== 'string') return undefined;
    return {
      pid: v.pid,
      hostname: v.hostname,
      start: v.start ?? null,
      ...(v.url ? { url: v.url } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Reads the lock file of `dir`, if any (for tools that want to reach the holder). */
export async function readLock(dir: string): Promise<LockInfo | undefined> {
  try {
    return parse(await readFile(path.join(dir, LOCK_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * An exclusive lock on a data dir: `<dir>/lock`, a JSON PID file created atomically with
 * link(2) (fails if it exists; the content is complete before it becomes visible). A lock
 * whose holder is dead (e.g. after `kill -9`) is stale and taken over; a reused PID is told
 * apart by the process start time.
 */
export class DataDirLock {
  private constructor(
    readonly dir: string,
    private readonly lockPath: string,
    private readonly content: string,
    /**
     * Set when a stale lock (dead holder) was taken over: its holder, or null when the file was
     * unreadable. The server logs it: a takeover means the previous run did not shut down.
     */
    readonly tookOver?: LockInfo | null,
  ) {}

  static async acquire(dir: string, url?: string): Promise<DataDirLock> {
    await mkdir(dir, { recursive: true });
    const lockPath = path.join(dir, LOCK_FILE);
    const info: LockInfo = {
      pid: process.pid,
      hostname: os.hostname(),
      start: processStart(process.pid),
    };
    if (url) info.url = url;
    const content = JSON.stringify(info) + '\n';
    const tmp = `${lockPath}.${process.pid}.tmp`;
    await writeFile(tmp, content);
    let tookOver: LockInfo | null | undefined;
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await link(tmp, lockPath);
          heldHere.add(lockPath);
          return new DataDirLock(dir, lockPath, content, tookOver);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const stale = await takeOverIfStale(dir, lockPath);
        if (stale !== undefined) tookOver = stale;
      }
      throw new ArgusError(
        `cannot lock data dir ${dir}: lock file keeps changing (another server starting?)`,
      );
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  /** Rewrites the holder's URL (known only once the server listens). */
  async setUrl(url: string): Promise<void> {
    const info = parse(this.content)!;
    info.url = url;
    const content = JSON.stringify(info) + '\n';
    const tmp = `${this.lockPath}.${process.pid}.tmp`;
    await writeFile(tmp, content);
    await rename(tmp, this.lockPath);
  }

  /** Removes the lock file (only if it is still ours). */
  async release(): Promise<void> {
    heldHere.delete(this.lockPath);
    const cur = parse(await readFile(this.lockPath, 'utf8').catch(() => ''));
    if (cur && cur.pid === process.pid) await unlink(this.lockPath).catch(() => undefined);
  }
}

/**
 * Throws DataDirLockedError if a live process holds the lock; removes it if stale and returns
 * its holder (null if unreadable). Undefined when nothing was removed.
 */
async function takeOverIfStale(
  dir: string,
  lockPath: string,
): Promise<LockInfo | null | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // released: retry
    throw err;
  }
  const holder = parse(text);
  if (holder && alive(holder, lockPath)) throw new DataDirLockedError(dir, holder);
  // Stale. Move it aside atomically; if what we moved is not what we judged (another process
  // took over in between), put it back and report that holder.
  const aside = `${lockPath}.stale.${process.pid}`;
  try {
    await rename(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const moved = await readFile(aside, 'utf8');
  if (moved !== text) {
    await link(aside, lockPath).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    const other = parse(moved);
    if (other) throw new DataDirLockedError(dir, other);
    return undefined;
  }
  await unlink(aside);
  return holder ?? null;
}
