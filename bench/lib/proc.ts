/**
 * Process plumbing for whole-system benchmarks: free loopback ports, spawning a server with its
 * log in a file, waiting for readiness, CPU and peak RSS from /proc, and directory sizes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createWriteStream, type Dirent } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** A free TCP port on 127.0.0.1 (bound and released; fine for a single-user bench machine). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
  logFile: string;
  exited: Promise<number | null>;
}

/** Starts `cmd args`, appending stdout and stderr to `logFile`. */
export function spawnLogged(
  cmd: string,
  args: string[],
  logFile: string,
  env?: NodeJS.ProcessEnv,
): Spawned {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  if (child.pid === undefined) throw new Error(`cannot spawn ${cmd}: no pid (see ${logFile})`);
  return { child, pid: child.pid, logFile, exited };
}

/**
 * Polls `url` until it answers 200; returns the milliseconds since `since`. Fails when the
 * process exits first or after `timeoutMs`.
 */
export async function waitReady(
  url: string,
  proc: Spawned,
  since: number,
  timeoutMs: number,
): Promise<number> {
  let exitCode: number | null | undefined;
  void proc.exited.then((c) => (exitCode = c));
  const deadline = since + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(
        `cannot wait for ${url}: process exited with code ${exitCode} (see ${proc.logFile})`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      throw new Error(
        `cannot wait for ${url}: not ready after ${timeoutMs} ms (see ${proc.logFile})`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Kills with SIGKILL and waits for the exit. */
export async function killHard(proc: Spawned): Promise<void> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  await proc.exited;
}

/** Stops gracefully (SIGTERM), escalating to SIGKILL after `graceMs`. */
export async function stopGracefully(proc: Spawned, graceMs = 15000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/** The pid and all its descendants (a wrapper script may start the real server). */
async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const s = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
      const kids = parents.get(ppid) ?? [];
      kids.push(Number(entry));
      parents.set(ppid, kids);
    } catch {
      // exited meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i]) ?? []));
  return out;
}

/** User+system CPU seconds of the process tree (threads included). */
export async function cpuSeconds(pid: number): Promise<number> {
  let ticks = 0;
  for (const p of await processTree(pid)) {
    try {
      const s = await readFile(`/proc/${p}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // fields 14 and 15: utime, stime
    } catch {
      // exited meanwhile
    }
  }
  return ticks / CLK_TCK;
}

/** Peak resident set (VmHWM) of the process tree, bytes. */
export async function peakRssBytes(pid: number): Promise<number> {
  let kb = 0;
  for (const p of await processTree(pid)) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${p}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // exited meanwhile
    }
  }
  return kb * 1024;
}

/** Total size of the regular files under `dir` (apparent bytes, not blocks). */
export async function dirBytes(dir: string): Promise<number> {
  // The server may rename or remove entries while we walk (a block's .tmp dir): those count 0.
  const gone = (err: unknown): number => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  };
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    return gone(err);
  }
  let total = 0;
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += await dirBytes(p);
    else if (e.isFile()) total += await stat(p).then((st) => st.size, gone);
  }
  return total;
}

/** Current resident set (VmRSS) of the process tree, bytes. */
export async function rssBytes(pid: number): Promise<number> {
  let kb = 0;
  for (const p of await processTree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${p}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // exited meanwhile
    }
  }
  return kb * 1024;
}
