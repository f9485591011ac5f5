import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

/** The two metric types node_exporter's collectors emit. */
export type FamilyType = 'counter' | 'gauge';

/** One sample of a family: its own labels (without `__name__`, `job`, `instance`) and value. */
export interface HostSample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** A metric family as node_exporter exposes it: name, type, HELP text and samples. */
export interface MetricFamily {
  name: string;
  type: FamilyType;
  help: string;
  samples: HostSample[];
}

/** Filesystem statistics a `statfs(2)` call returns (fs.StatFs's numeric subset). */
export interface StatFs {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/**
 * Where collectors read from. Paths are injectable so tests run against fixture trees (and a
 * containerised agent can point at the host's /proc and /sys mounted elsewhere).
 */
export interface HostContext {
  /** Root of procfs, normally `/proc`. */
  procPath: string;
  /** Root of sysfs, normally `/sys`. */
  sysPath: string;
  /** Prefix for filesystem mount points before statfs, normally `/`. */
  rootfsPath: string;
  /** statfs of a path (tests inject a fake). */
  statfs(p: string): Promise<StatFs>;
  /** Wall clock in ms (the tick time). */
  now(): number;
  /** Memory page size in bytes (sockstat `mem` is in pages). */
  pageSize: number;
  /** Exclusion patterns of the filesystem, diskstats and netdev collectors. */
  exclude: HostExcludes;
  /** Kept-open pseudo-files for readProc/readSys (absent: open and close on every read). */
  files?: OpenFiles;
}

/** Device/mount exclusions, node_exporter's `*-exclude` flags. */
export interface HostExcludes {
  mountPoints: RegExp;
  fsTypes: RegExp;
  diskDevices: RegExp;
  netDevices: RegExp;
}

/** One collector: a name (its config key and `collector` label) and a read of its families. */
export interface Collector {
  readonly name: string;
  collect(ctx: HostContext): Promise<MetricFamily[]>;
}

const CHUNK = 64 * 1024;
/** Longer than any single procfs record (a seq_file read stops before a record that does not fit). */
const MAX_RECORD = 4096;

/** One read buffer for every pseudo-file (reads are synchronous, so never shared at once). */
const readBuf = Buffer.allocUnsafe(CHUNK);

/**
 * Reads all of an open file from offset 0 with pread. A read that nearly fills the buffer may
 * have stopped before a record that did not fit, so it reads on.
 */
function readAllAt0(fd: number): string {
  let n = readSync(fd, readBuf, 0, CHUNK, 0);
  if (n <= CHUNK - MAX_RECORD) return readBuf.toString('utf8', 0, n);
  // Rare: a file larger than one read. Copy the parts so a character split between reads is
  // decoded whole.
  const parts = [Buffer.from(readBuf.subarray(0, n))];
  let off = n;
  do {
    n = readSync(fd, readBuf, 0, CHUNK, off);
    off += n;
    parts.push(Buffer.from(readBuf.subarray(0, n)));
  } while (n > CHUNK - MAX_RECORD);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Reads a small pseudo-file (procfs, sysfs, tmpfs): open, one large read, close —
 * synchronously. These reads are served from kernel memory and never wait on a disk, and
 * three direct syscalls cost a fraction of `fs/promises`' four thread-pool round trips (≈6 µs
 * instead of ≈40 µs per file). `statfs`, which can block on a dead network mount, stays
 * asynchronous.
 */
export function readSmall(p: string): Promise<string> {
  try {
    const fd = openSync(p, 'r');
    try {
      return Promise.resolve(readAllAt0(fd));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * Open procfs/sysfs files kept across ticks. Opening is most of the cost of reading a
 * pseudo-file (path walk, permission checks, seq_file set-up: about twice the read), and
 * procfs and sysfs regenerate a file's content on every read at offset 0 (seq_file resets its
 * iterator, sysctl and sysfs attributes call their handler again), so a kept fd read with
 * pread(…, 0) returns the same bytes as a fresh open. Only for pseudo-files: a regular file
 * replaced by rename (udev's database) would keep showing the old inode.
 *
 * Files not read during a tick are closed by `sweep()` (vanished devices, switched-off
 * collectors); a read that fails on a kept fd (device removed: ENODEV) closes it and retries
 * once with a fresh open, whose error is the caller's.
 */
export class OpenFiles {
  private readonly fds = new Map<string, { fd: number; gen: number }>();
  private gen = 0;

  /** Reads a file through a kept fd (opened on first use). */
  read(p: string): Promise<string> {
    const kept = this.fds.get(p);
    if (kept !== undefined) {
      try {
        const text = readAllAt0(kept.fd);
        kept.gen = this.gen;
        return Promise.resolve(text);
      } catch {
        this.fds.delete(p);
        closeQuietly(kept.fd);
      }
    }
    let fd: number;
    try {
      fd = openSync(p, 'r');
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    try {
      const text = readAllAt0(fd);
      this.fds.set(p, { fd, gen: this.gen });
      return Promise.resolve(text);
    } catch (err) {
      closeQuietly(fd);
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Closes the files not read since the last sweep; call once per tick. */
  sweep(): void {
    for (const [p, f] of this.fds) {
      if (f.gen === this.gen) continue;
      this.fds.delete(p);
      closeQuietly(f.fd);
    }
    this.gen++;
  }

  /** Closes every kept file. */
  closeAll(): void {
    for (const f of this.fds.values()) closeQuietly(f.fd);
    this.fds.clear();
  }

  /** How many files are kept open (for tests). */
  get size(): number {
    return this.fds.size;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing to do: the fd is gone either way
  }
}

/** Joined paths by root then relative path: the same few dozen files are read every tick. */
const joined = new Map<string, Map<string, string>>();

function under(root: string, rel: string): string {
  let byRel = joined.get(root);
  if (byRel === undefined) {
    byRel = new Map();
    joined.set(root, byRel);
  }
  let p = byRel.get(rel);
  if (p === undefined) {
    // Bounded by the files that exist (devices come and go, so cap it rather than grow forever).
    if (byRel.size >= 4096) byRel.clear();
    p = path.join(root, rel);
    byRel.set(rel, p);
  }
  return p;
}

/** Reads a procfs file under ctx.procPath (through ctx.files when set). */
export function readProc(ctx: HostContext, rel: string): Promise<string> {
  const p = under(ctx.procPath, rel);
  return ctx.files === undefined ? readSmall(p) : ctx.files.read(p);
}

/** Reads a sysfs file under ctx.sysPath (through ctx.files when set). */
export function readSys(ctx: HostContext, rel: string): Promise<string> {
  const p = under(ctx.sysPath, rel);
  return ctx.files === undefined ? readSmall(p) : ctx.files.read(p);
}

/** Whether a char code is one of the blanks /proc and /sys separate fields with. */
function blank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

/**
 * Splits on runs of whitespace, ignoring leading/trailing blanks. A scan instead of
 * `trim().split(/\s+/)`: no trimmed copy and no regex per line (this runs for every line of
 * every file on every tick). Only ASCII blanks separate fields in procfs and sysfs.
 */
export function fields(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && blank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !blank(line.charCodeAt(i))) i++;
    out.push(line.slice(start, i));
  }
  return out;
}

/** A new, empty family. */
export function family(name: string, type: FamilyType, help: string): MetricFamily {
  return { name, type, help, samples: [] };
}

/** Appends one sample to a family (labels adopted). */
export function add(
  f: MetricFamily,
  labels: Readonly<Record<string, string>>,
  value: number,
): void {
  f.samples.push({ labels, value });
}
