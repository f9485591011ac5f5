/**
 * The scrapers under test in the scrape and collector benchmarks: Argus (`bin/argus server` with
 * an argus.yml) and the Debian Prometheus, each given the same `scrape_configs`, plus how to
 * count the stored (non-stale) samples of one series on each.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { argus, PROMETHEUS_BIN } from './peers.js';
import { spawnLogged, type Spawned } from './proc.js';

export interface ScrapeSetup {
  /** `host:port` of each target of the one job `bench`; empty: no scrape jobs. */
  targets: string[];
  intervalS: number;
  /** Argus only: the built-in host collector's interval in seconds, or 0 for off. */
  hostCollectorS: number;
}

export interface ScrapePeer {
  name: 'argus' | 'prometheus';
  unavailable(): string;
  /** Writes the config (and, for Argus, the admin user) into `dir`. */
  prepare(dir: string, setup: ScrapeSetup): Promise<void>;
  start(dir: string, port: number, cpuProfileDir?: string): Spawned;
  /** Non-stale samples of `selector` stored from `sinceMs` until now. */
  countSamples(base: string, selector: string, sinceMs: number): Promise<number>;
}

function scrapeYaml(s: ScrapeSetup): string {
  const global = `global:\n  scrape_interval: ${s.intervalS}s\n  scrape_timeout: ${s.intervalS}s\n`;
  if (s.targets.length === 0) return global;
  const list = s.targets.map((t) => `'${t}'`).join(', ');
  return `${global}scrape_configs:\n  - job_name: bench\n    static_configs:\n      - targets: [${list}]\n`;
}

async function getText(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(120_000) });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`cannot fetch ${url}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

export const scrapingPrometheus: ScrapePeer = {
  name: 'prometheus',
  unavailable: () =>
    existsSync(PROMETHEUS_BIN)
      ? ''
      : `${PROMETHEUS_BIN} missing (run tools/scripts/ensure-debian.sh prometheus)`,
  async prepare(dir, setup) {
    await writeFile(path.join(dir, 'prometheus.yml'), scrapeYaml(setup));
  },
  start(dir, port) {
    return spawnLogged(
      PROMETHEUS_BIN,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      path.join(dir, 'server.log'),
    );
  },
  async countSamples(base, selector, sinceMs) {
    // count_over_time skips stale markers, as every PromQL range selection does.
    const range = Math.ceil((Date.now() - sinceMs) / 1000) + 5;
    const q = `count_over_time(${selector}[${range}s])`;
    const body = JSON.parse(
      await getText(`${base}/api/v1/query?query=${encodeURIComponent(q)}`),
    ) as { data: { result: { value: [number, string] }[] } };
    return body.data.result.reduce((n, s) => n + Number(s.value[1]), 0);
  },
};

export const scrapingArgus: ScrapePeer = {
  name: 'argus',
  unavailable: () => argus.unavailable(),
  async prepare(dir, setup) {
    await argus.prepare(dir); // admin user + token via the CLI, before the first start
    const host =
      setup.hostCollectorS > 0
        ? `collect:\n  host:\n    enabled: true\n    interval: ${setup.hostCollectorS}s\n`
        : 'collect:\n  host:\n    enabled: false\n';
    await writeFile(path.join(dir, 'argus.yml'), scrapeYaml(setup) + host);
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
        '--config',
        path.join(dir, 'argus.yml'),
        '--data-dir',
        path.join(dir, 'data'),
        '--listen',
        `127.0.0.1:${port}`,
      ],
      path.join(dir, 'server.log'),
    );
  },
  async countSamples(base, selector, sinceMs) {
    const url =
      `${base}/api/v1/export?match[]=${encodeURIComponent(selector)}` +
      `&start=${(sinceMs / 1000).toFixed(3)}&end=${(Date.now() / 1000 + 5).toFixed(3)}`;
    let n = 0;
    for (const line of (await getText(url, argus.headers('admin'))).split('\n')) {
      if (line.trim() === '') continue;
      n += (JSON.parse(line) as { values: unknown[] }).values.filter((v) => v !== 'stale').length;
    }
    return n;
  },
};
