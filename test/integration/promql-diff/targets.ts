/**
 * The two systems under comparison behind one interface: a Prometheus-compatible HTTP query API
 * (the real Prometheus, `argus server`), or Argus's engine in this process over a MemStore fed
 * the same remote_write bytes (for debugging).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { DEFAULT_TENANT } from '../../../src/model/index.js';
import {
  RemoteWriteIngester,
  encodeWriteRequest,
  type EncodeSeries,
} from '../../../src/ingest/remote-write/index.js';
import { PromQLEngine, parseExpr } from '../../../src/promql/index.js';
import { MemStore } from '../../../src/storage/testing.js';
import { fromApi, fromEngine, type Result } from './compare.js';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** Evaluation times in ms; `range` undefined for an instant query. */
export interface Eval {
  time: number;
  range?: { start: number; end: number; step: number };
}

export interface Target {
  name: string;
  query(q: string, e: Eval): Promise<Result>;
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

/** A Prometheus-compatible HTTP query API (form-encoded POST, as Grafana sends). */
export function httpTarget(
  name: string,
  base: string,
  headers: Record<string, string> = {},
): Target {
  return {
    name,
    async query(q, e) {
      const form = new URLSearchParams({ query: q });
      let url = `${base}/api/v1/query`;
      if (e.range === undefined) form.set('time', secs(e.time));
      else {
        url += '_range';
        form.set('start', secs(e.range.start));
        form.set('end', secs(e.range.end));
        form.set('step', secs(e.range.step));
      }
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      try {
        return fromApi(JSON.parse(text) as Parameters<typeof fromApi>[0]);
      } catch {
        return { kind: 'error', message: `HTTP ${res.status}: ${text.slice(0, 200)}` };
      }
    },
  };
}

/** Argus's engine in this process over a MemStore, fed through the remote_write ingester. */
export class InProcessArgus implements Target {
  readonly name = 'argus (in-process)';
  private readonly store = new MemStore();
  private readonly ingester = new RemoteWriteIngester(this.store, { now: () => Date.now() });
  private readonly engine = new PromQLEngine({ parse: parseExpr });

  async write(batch: EncodeSeries[]): Promise<void> {
    await this.ingester.writeRaw(DEFAULT_TENANT, Buffer.from(encodeWriteRequest(batch)));
  }

  async query(q: string, e: Eval): Promise<Result> {
    try {
      const r =
        e.range === undefined
          ? await this.engine.instant(this.store, DEFAULT_TENANT, q, e.time)
          : await this.engine.range(
              this.store,
              DEFAULT_TENANT,
              q,
              e.range.start,
              e.range.end,
              e.range.step,
            );
      return fromEngine(r.value);
    } catch (err) {
      return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface PrometheusProcess {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts Prometheus with no scrape jobs and the remote-write receiver on; waits until ready. */
export async function startPrometheus(dir: string): Promise<PrometheusProcess> {
  const config = path.join(dir, 'prometheus.yml');
  await writeFile(config, 'global:\n  evaluation_interval: 1m\n');
  const port = await freePort();
  const log = path.join(dir, 'prometheus.log');
  const fd = openSync(log, 'a');
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--query.lookback-delta=5m',
    ],
    { stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${base}/-/ready`).catch(() => undefined);
    if (res?.status === 200) return { base, child, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`cannot start prometheus: not ready after 30 s (log: ${log})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
