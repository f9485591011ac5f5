/**
 * Compatibility with a real Prometheus (Debian 2.42): it scrapes itself and a tiny exposition
 * served here every 1 s and remote_writes to a running `argus server`; Argus must store
 * Prometheus's own `up` series with the right labels and the exposition's value exactly.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adminFetch, runArgus, startArgus, type ArgusProcess, eventually } from './helpers.js';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
/** A value that only survives the trip if it is carried as an exact float64. */
const EXACT = 123456.789012345;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Proc {
  child: ChildProcess;
  log: string;
}

function start(cmd: string, args: string[], log: string): Proc {
  const fd = openSync(log, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return { child, log };
}

async function stop(p: Proc | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface ExportLine {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

async function exportSeries(base: string, match: string): Promise<ExportLine[]> {
  const end = Date.now() / 1000 + 60;
  const url = `${base}/api/v1/export?match[]=${encodeURIComponent(match)}&start=${end - 600}&end=${end}`;
  const res = await adminFetch(url);
  const text = await res.text();
  assert.equal(res.status, 200, `export ${match}: ${text}`);
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ExportLine);
}

const skip = existsSync(PROMETHEUS)
  ? false
  : `${PROMETHEUS} not installed: run tools/scripts/ensure-debian.sh prometheus (npm test does)`;

// Skips go on each test, not the suite: node:test counts (and reports) skipped tests only.
describe('Prometheus remote_write into Argus', { timeout: 55_000 }, () => {
  let dir = '';
  let argus: ArgusProcess | undefined;
  let prom: Proc | undefined;
  let exposition: http.Server | undefined;
  let argusBase = '';
  let promAddr = '';
  let expoAddr = '';

  before(async () => {
    if (skip) return;
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-it-promrw-'));
    exposition = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(
        `# HELP argus_it_exact A value that must arrive bit-exact.\n# TYPE argus_it_exact gauge\nargus_it_exact{kind="float"} ${EXACT}\n`,
      );
    });
    await new Promise<void>((r) => exposition!.listen(0, '127.0.0.1', r));
    expoAddr = `127.0.0.1:${(exposition.address() as AddressInfo).port}`;

    argus = await startArgus({ dataDir: path.join(dir, 'argus') });
    argusBase = argus.url;
    // Prometheus sends with a write-only token, as the README tells users to.
    const tok = await runArgus(
      ['token', 'create', '--user', 'admin', '--scope', 'write', '--name', 'prometheus'].concat([
        '--data-dir',
        argus.dataDir,
      ]),
    );
    assert.equal(tok.code, 0, tok.stderr);
    const writeToken = tok.stdout.trim();

    promAddr = `127.0.0.1:${await freePort()}`;
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: prometheus',
      `    static_configs: [{ targets: ["${promAddr}"] }]`,
      '  - job_name: exposition',
      `    static_configs: [{ targets: ["${expoAddr}"] }]`,
      'remote_write:',
      `  - url: ${argusBase}/api/v1/write`,
      `    authorization: { credentials: "${writeToken}" }`,
      '    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s }',
      '    metadata_config: { send_interval: 1s }',
      '',
    ].join('\n');
    await writeFile(path.join(dir, 'prometheus.yml'), config);
    prom = start(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'prometheus')}`,
        `--web.listen-address=${promAddr}`,
      ],
      path.join(dir, 'prometheus.log'),
    );
  });

  after(async () => {
    await stop(prom);
    await argus?.stop();
    await new Promise((r) => (exposition ? exposition.close(r) : r(undefined)));
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  /** On failure, the servers' logs say why; attach their tails to the assertion. */
  async function logs(): Promise<string> {
    const tail = async (f: string) =>
      (await readFile(f, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
    const argusTail = (argus?.stdout ?? '').split('\n').slice(-15).join('\n');
    return `\n--- argus log\n${argusTail}\n--- prometheus.log\n${await tail(path.join(dir, 'prometheus.log'))}`;
  }

  /** Runs `fn`, attaching the servers' log tails to any failure. */
  async function withLogs(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (err instanceof Error) err.message += await logs();
      throw err;
    }
  }

  it("stores Prometheus's own up series with its labels", { skip }, () =>
    withLogs(async () => {
      const series = await eventually('up{job="prometheus"} in argus', 35_000, async () => {
        const got = await exportSeries(argusBase, 'up{job="prometheus"}');
        return got.length > 0 && got[0].values.length > 0 ? got : undefined;
      });
      assert.equal(series.length, 1);
      assert.deepEqual(series[0].metric, {
        __name__: 'up',
        instance: promAddr,
        job: 'prometheus',
      });
      assert.ok(
        series[0].values.every((v) => v === 1),
        `up values: ${JSON.stringify(series[0].values)}`,
      );
      assert.equal(series[0].values.length, series[0].timestamps.length);
    }),
  );

  it('stores a scraped float exactly, with target labels', { skip }, () =>
    withLogs(async () => {
      const series = await eventually('argus_it_exact in argus', 10_000, async () => {
        const got = await exportSeries(argusBase, 'argus_it_exact');
        return got.length > 0 && got[0].values.length > 0 ? got : undefined;
      });
      assert.deepEqual(series[0].metric, {
        __name__: 'argus_it_exact',
        instance: expoAddr,
        job: 'exposition',
        kind: 'float',
      });
      assert.equal(series[0].values[0], EXACT);
    }),
  );

  it('answers every remote_write request with 2xx (no failed samples)', { skip }, () =>
    withLogs(async () => {
      const res = await fetch(`http://${promAddr}/metrics`);
      const text = await res.text();
      const failed = /^prometheus_remote_storage_samples_failed_total\{[^}]*\} (\S+)$/m.exec(text);
      assert.ok(failed, 'prometheus exposes prometheus_remote_storage_samples_failed_total');
      assert.equal(Number(failed[1]), 0);
      const sent = /^prometheus_remote_storage_samples_total\{[^}]*\} (\S+)$/m.exec(text);
      assert.ok(sent && Number(sent[1]) > 0, 'prometheus sent samples');
    }),
  );
});
