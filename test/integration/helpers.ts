/**
 * Helpers for integration tests that run the real `bin/argus` (compiled to dist/: the test
 * pipeline builds first; after editing sources run `npm run build` before `npx tsx --test`).
 * Children inherit process.env (coverage collection relies on NODE_V8_COVERAGE).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compressSync } from 'snappy';
import { encodeWriteRequest, type EncodeSeries } from '../../src/ingest/remote-write/index.js';

export const REPO_ROOT = process.cwd();

/** The first admin's password in servers started by startArgus (ARGUS_ADMIN_PASSWORD). */
export const ADMIN_PASSWORD = 'integration-admin-password-0';
/** `Authorization` value of the first admin (HTTP Basic). */
export const ADMIN_AUTH = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

/** fetch with the admin's credentials unless the caller sets Authorization itself. */
export function adminFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', ADMIN_AUTH);
  return fetch(url, { ...init, headers });
}
export const ARGUS_BIN = path.join(REPO_ROOT, 'bin', 'argus');

function assertBuilt(): void {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'cmd', 'main.js'))) {
    throw new Error(
      'dist/cmd/main.js is missing: run `npm run build` (tests run from the repo root)',
    );
  }
}

/** Directories made by tempDir() in this process, removed when it exits. */
const tempDirs = new Set<string>();

function removeTempDirs(): void {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}

/**
 * A fresh directory under the OS temp dir, removed when the test process exits (each test file
 * runs in its own process), whatever the outcome. ARGUS_KEEP_TMP=1 keeps them for inspection.
 */
export async function tempDir(prefix = 'argus-it-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  if (tempDirs.size === 0 && process.env.ARGUS_KEEP_TMP !== '1')
    process.once('exit', removeTempDirs);
  tempDirs.add(dir);
  return dir;
}

let neutral: Promise<string> | undefined;

/**
 * The working directory of spawned commands unless a test says otherwise: an empty directory,
 * so an `argus.yml` (or `data/`) in the checkout never leaks into a test.
 */
function neutralCwd(): Promise<string> {
  neutral ??= tempDir('argus-cwd-');
  return neutral;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunResult extends Exit {
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the command (SIGKILL) after this long; default 30 s. */
  timeoutMs?: number;
}

/** Runs a one-shot `argus …` command to completion. */
export async function runArgus(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  assertBuilt();
  const child = spawn(process.execPath, [ARGUS_BIN, ...args], {
    cwd: opts.cwd ?? (await neutralCwd()),
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  const exit = await exitOf(child);
  clearTimeout(timer);
  return { ...exit, stdout, stderr };
}

function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** A running `argus server` child process. */
export class ArgusProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234` (`url` of the "listening" log line). */
  url = '';
  readonly exited: Promise<Exit>;
  private out = '';
  private err = '';
  private waiters: (() => void)[] = [];

  constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
  ) {
    this.exited = exitOf(child);
    child.stdout!.on('data', (d: Buffer) => this.append(d, 'out'));
    child.stderr!.on('data', (d: Buffer) => this.append(d, 'err'));
    void this.exited.then(() => this.notify());
  }

  private append(d: Buffer, which: 'out' | 'err'): void {
    if (which === 'out') this.out += d.toString();
    else this.err += d.toString();
    this.notify();
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Raw stdout so far. */
  get stdout(): string {
    return this.out;
  }

  /** Raw stderr so far. */
  get stderr(): string {
    return this.err;
  }

  /** stdout parsed as JSON log lines (non-JSON lines skipped). */
  logs(): LogLine[] {
    const lines: LogLine[] = [];
    for (const l of this.out.split('\n')) {
      if (!l.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(l) as LogLine);
      } catch {
        // a partial last line: not yet complete
      }
    }
    return lines;
  }

  /** Waits (bounded) for a log line matching `pred`; rejects if the process exits first. */
  async waitForLog(
    pred: (l: LogLine) => boolean,
    timeoutMs = 10_000,
    what = 'log line',
  ): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.logs().find(pred);
      if (hit) return hit;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`argus exited before ${what}:\n${this.out}\n${this.err}`);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}:\n${this.out}\n${this.err}`,
        );
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Polls `GET /-/ready` until 200 (bounded). */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await fetch(`${this.url}/-/ready`).catch(() => undefined);
      if (res?.status === 200) return;
      if (this.child.exitCode !== null)
        throw new Error(`argus exited before ready:\n${this.out}\n${this.err}`);
      if (Date.now() > deadline)
        throw new Error(`argus not ready after ${timeoutMs} ms:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `signal` and waits for exit; SIGKILLs after `timeoutMs` and reports it. */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
    timeoutMs = 15_000,
  ): Promise<Exit & { elapsedMs: number }> {
    const started = Date.now();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return { ...exit, elapsedMs: Date.now() - started };
  }

  /** `kill -9` and wait for the process to be gone. */
  async kill9(): Promise<Exit> {
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

export interface StartOptions extends RunOptions {
  /** Extra arguments after `server` (e.g. `--config`). */
  args?: string[];
  /** Data dir; default a fresh temp dir. */
  dataDir?: string;
  /** Listen address; default 127.0.0.1:0 (a free port, read back from the log). */
  listen?: string;
  /** Wait for /-/ready (default true). */
  ready?: boolean;
  /**
   * Keep the built-in host collector on (default off when the test gives no `--config`: its
   * current-time samples would make the head refuse the fixed old timestamps most tests write).
   */
  hostMetrics?: boolean;
}

/**
 * Starts `argus server` on a free port with a temp data dir (unless given) and waits for it to
 * listen and (by default) be ready. Call `stop()` (or `kill9()`) in a `finally`.
 */
export async function startArgus(opts: StartOptions = {}): Promise<ArgusProcess> {
  assertBuilt();
  const dataDir = opts.dataDir ?? path.join(await tempDir(), 'data');
  const args = [
    ARGUS_BIN,
    'server',
    '--data-dir',
    dataDir,
    '--listen',
    opts.listen ?? '127.0.0.1:0',
    ...(opts.args ?? []),
  ];
  // Tests that give a config (flag, env, or ./argus.yml in their cwd) decide for themselves.
  const configured =
    (opts.args ?? []).includes('--config') ||
    opts.env?.ARGUS_CONFIG !== undefined ||
    opts.cwd !== undefined;
  if (opts.hostMetrics !== true && !configured) {
    const cfg = path.join(await tempDir('argus-cfg-'), 'argus.yml');
    // Argus's own metrics and the built-in rules write current-time samples too.
    await writeFile(
      cfg,
      'collect: { host: { enabled: false }, self: { enabled: false } }\nrules: { builtin: false }\n',
    );
    args.push('--config', cfg);
  }
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd ?? (await neutralCwd()),
    env: { ...process.env, ARGUS_ADMIN_PASSWORD: ADMIN_PASSWORD, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p = new ArgusProcess(child, dataDir);
  try {
    const line = await p.waitForLog(
      (l) => l.msg === 'listening',
      opts.timeoutMs ?? 30_000,
      'the listening line',
    );
    p.url = String(line.url);
    if (opts.ready !== false) await p.waitReady(opts.timeoutMs ?? 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return p;
}

/** Sends one remote_write 1.0 request; returns the HTTP status and body. */
export async function remoteWrite(
  url: string,
  series: EncodeSeries[],
  authorization: string = ADMIN_AUTH,
): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/api/v1/write`, {
    method: 'POST',
    headers: {
      authorization,
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    },
    body: compressSync(Buffer.from(encodeWriteRequest(series))),
  });
  return { status: res.status, body: await res.text() };
}

export interface ExportedSeries {
  metric: Record<string, string>;
  values: (number | string | null)[];
  timestamps: number[];
}

/** Reads raw samples back via `GET /api/v1/export` (JSON lines), sorted by series. */
export async function exportSeries(
  url: string,
  match: string,
  start = 0,
  end = Date.now() + 3_600_000,
): Promise<ExportedSeries[]> {
  const q = new URLSearchParams({
    'match[]': match,
    start: String(start / 1000),
    end: String(end / 1000),
  });
  const res = await adminFetch(`${url}/api/v1/export?${q.toString()}`);
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  return (await res.text())
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ExportedSeries)
    .sort((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)));
}

/** Polls `probe` every 250 ms until it returns a value, for at most `ms`; else fails with `what`. */
export async function eventually<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} within ${ms} ms (last error: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
