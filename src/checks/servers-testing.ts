/**
 * Test helpers for the connection-based kinds: a ProbeContext, free ports, and real database
 * servers (Debian binaries) started in temp dirs, waited for by polling their port, and always
 * stopped. Tests skip with the Debian package's name when a binary is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TENANT } from '../model/index.js';
import type { OutboundGuard } from '../net/index.js';
import type { ProbeContext, SecretRef } from './types.js';

/** A context for one probe: secrets from `secrets` by name (or the literal value). */
export function testContext(
  guard: OutboundGuard,
  opts: { timeoutMs?: number; secrets?: Record<string, string>; maxBodyBytes?: number } = {},
): ProbeContext {
  const timeoutMs = opts.timeoutMs ?? 5000;
  return {
    tenant: DEFAULT_TENANT,
    guard,
    signal: AbortSignal.timeout(timeoutMs),
    timeoutMs,
    maxBodyBytes: opts.maxBodyBytes ?? 1 << 20,
    secret(ref: SecretRef): Promise<string> {
      if (typeof ref === 'string') return Promise.resolve(ref);
      const name = 'secret' in ref ? ref.secret : ref.file;
      const v = opts.secrets?.[name];
      return v === undefined
        ? Promise.reject(new Error(`cannot read secret ${JSON.stringify(name)}: not found`))
        : Promise.resolve(v);
    },
    now: () => performance.now(),
    query: () => Promise.reject(new Error('no PromQL in this test')),
    heartbeat: { since: 0 },
  };
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A PostgreSQL server binary dir (`/usr/lib/postgresql/<v>/bin`), newest first. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'postgres')));
}

export function firstExisting(paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/** A started server process with its temp dir; `stop()` kills it and removes the dir. */
export class TestServer {
  private output = '';
  private exited = false;
  constructor(
    readonly proc: ChildProcess,
    readonly dir: string,
    readonly port: number,
  ) {
    proc.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.on('exit', () => (this.exited = true));
  }

  get log(): string {
    return this.output;
  }

  /** Polls the port until it accepts (bounded); fails with the server's output otherwise. */
  async ready(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`server exited before listening:\n${this.output}`);
      if (await accepts(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`server not listening on ${this.port} after ${timeoutMs}ms:\n${this.output}`);
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `argus-${prefix}-`));
}

/**
 * Spawns `cmd`, as `user` when running as root and a user is given (setpriv execs the command
 * itself, so signals reach the server directly).
 */
export function spawnAs(
  user: string | undefined,
  cmd: string,
  args: readonly string[],
): ChildProcess {
  const asRoot = process.getuid?.() === 0 && user !== undefined;
  return asRoot
    ? spawn('setpriv', ['--reuid', user, '--regid', user, '--init-groups', '--', cmd, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, HOME: '/tmp' },
      })
    : spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command to completion; rejects with its output on a non-zero exit. */
export function runTo(
  user: string | undefined,
  cmd: string,
  args: readonly string[],
): Promise<string> {
  const p = spawnAs(user, cmd, args);
  let out = '';
  p.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}:\n${out}`)),
    );
  });
}
