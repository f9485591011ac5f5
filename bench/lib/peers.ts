/**
 * The systems under test: how to start each one on a data dir and port, persist its head for a
 * size measurement (Prometheus-compatible admin snapshot API on both), and count the stored
 * samples of one series.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { spawnLogged, type Spawned } from './proc.js';

export type PeerName = 'prometheus' | 'argus';

export interface Peer {
  name: PeerName;
  /** Why the peer cannot run here, or '' when it can. */
  unavailable(): string;
  /** Writes any config files into `dir` before the first start. */
  prepare(dir: string): Promise<void>;
  /** `cpuProfileDir`: write a V8 CPU profile there on graceful exit (Argus only). */
  start(dir: string, port: number, cpuProfileDir?: string): Spawned;
  /**
   * Request headers for ingestion (`write`) and for the admin/read calls (`admin`): Argus needs
   * credentials (a write-scoped token, as a Prometheus remote_write would send), Prometheus none.
   */
  headers(kind: 'write' | 'admin'): Record<string, string>;
  /** Stored samples of the series matched by `selector` within [firstTs, lastTs] (ms). */
  countSamples(base: string, selector: string, firstTs: number, lastTs: number): Promise<number>;
}

/** The Prometheus binary of the Debian package (ensure-debian.sh installs it). */
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

async function getJson(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`cannot fetch ${url}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

/**
 * Persists the head with the admin API (`skip_head=false`) and returns the snapshot dir: the
 * answer's `data.path` if any, else the directory named `data.name` under the data dir
 * (Prometheus: `snapshots/NAME`; Argus keeps its store in `tsdb/`, so `tsdb/snapshots/NAME`).
 */
export async function snapshot(
  base: string,
  dataDir: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const body = (await getJson(`${base}/api/v1/admin/tsdb/snapshot?skip_head=false`, {
    method: 'POST',
    headers,
  })) as { data?: { name?: string; path?: string } };
  if (body.data?.path !== undefined) return path.resolve(dataDir, body.data.path);
  const name = body.data?.name;
  if (name === undefined)
    throw new Error(`cannot take snapshot: no data.name in ${JSON.stringify(body)}`);
  const found = await findDir(dataDir, name, 3);
  if (found === undefined) throw new Error(`cannot find snapshot ${name} under ${dataDir}`);
  return found;
}

/** Breadth-first search for a directory called `name` at most `depth` levels below `root`. */
async function findDir(root: string, name: string, depth: number): Promise<string | undefined> {
  let level = [root];
  for (let d = 0; d < depth && level.length > 0; d++) {
    const next: string[] = [];
    for (const dir of level) {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        if (!e.isDirectory()) continue;
        if (e.name === name) return path.join(dir, e.name);
        next.push(path.join(dir, e.name));
      }
    }
    level = next;
  }
  return undefined;
}

export const prometheus: Peer = {
  name: 'prometheus',
  unavailable: () =>
    existsSync(PROMETHEUS_BIN)
      ? ''
      : `${PROMETHEUS_BIN} missing (run tools/scripts/ensure-debian.sh prometheus)`,
  headers: () => ({}),
  async prepare(dir) {
    // No scrape jobs: the only load is the remote_write we send.
    await writeFile(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
  },
  start(dir, port) {
    return spawnLogged(
      PROMETHEUS_BIN,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-remote-write-receiver',
        '--web.enable-admin-api',
      ],
      path.join(dir, 'server.log'),
    );
  },
  async countSamples(base, selector, firstTs, lastTs) {
    // A range of (lastTs - firstTs + 1) ms ending at lastTs covers every sample under both the
    // closed (2.x) and left-open (3.x) range semantics.
    const q = `${selector}[${lastTs - firstTs + 1}ms]`;
    const url = `${base}/api/v1/query?query=${encodeURIComponent(q)}&time=${(lastTs / 1000).toFixed(3)}`;
    const body = (await getJson(url)) as { data: { result: { values: unknown[] }[] } };
    return body.data.result.reduce((n, s) => n + s.values.length, 0);
  },
};

const ARGUS_BENCH_PASSWORD = 'argus-bench-admin-password';
let argusWriteToken = '';

/** Argus as users run it: `node bin/argus server` (compiled by `npm run build`). */
export const argus: Peer = {
  name: 'argus',
  unavailable: () =>
    existsSync(path.resolve('bin/argus')) ? '' : 'bin/argus missing (server not built yet)',
  async prepare(dir) {
    // A system admin and a write-only token for the senders, made with the CLI before the
    // first start (so the server does not generate an admin of its own).
    const data = path.join(dir, 'data');
    const cli = (args: string[], input?: string) => {
      const r = spawnSync(
        process.execPath,
        [path.resolve('bin/argus'), ...args, '--data-dir', data],
        {
          input,
          encoding: 'utf8',
        },
      );
      if (r.status !== 0) throw new Error(`argus ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout.trim();
    };
    cli(
      ['user', 'add', 'admin', '--role', 'admin', '--system-admin', '--password-stdin'],
      ARGUS_BENCH_PASSWORD,
    );
    argusWriteToken = cli([
      'token',
      'create',
      '--user',
      'admin',
      '--scope',
      'write',
      '--name',
      'bench',
    ]);
  },
  headers(kind) {
    return kind === 'write'
      ? { Authorization: `Bearer ${argusWriteToken}` }
      : {
          Authorization: `Basic ${Buffer.from(`admin:${ARGUS_BENCH_PASSWORD}`).toString('base64')}`,
        };
  },
  start(dir, port, cpuProfileDir) {
    const prof =
      cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`];
    return spawnLogged(
      process.execPath,
      [
        ...prof,
        path.resolve('bin/argus'),
        'server',
        '--data-dir',
        path.join(dir, 'data'),
        '--listen',
        `127.0.0.1:${port}`,
      ],
      path.join(dir, 'server.log'),
    );
  },
  async countSamples(base, selector, firstTs, lastTs) {
    const url =
      `${base}/api/v1/export?match[]=${encodeURIComponent(selector)}` +
      `&start=${(firstTs / 1000).toFixed(3)}&end=${(lastTs / 1000).toFixed(3)}`;
    const res = await fetch(url, {
      headers: argus.headers('admin'),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    if (res.status !== 200)
      throw new Error(`cannot export ${selector}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    let n = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      n += (JSON.parse(line) as { timestamps: unknown[] }).timestamps.length;
    }
    return n;
  },
};

/** Data dir of a peer inside its bench dir (the layout `start` uses). */
export function dataDirOf(dir: string): string {
  return path.join(dir, 'data');
}
