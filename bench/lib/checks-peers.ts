/**
 * The probers under test in the checks benchmark, each given the same target URLs, interval and
 * timeout: blackbox_exporter (Debian) scraped by Prometheus through the usual `__param_target`
 * relabelling, and Argus with one `kind: http` check per target. Each starts on free loopback
 * ports in its own temp dir and can say how many `probe_success` series it stored.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { argus, PROMETHEUS_BIN } from './peers.js';
import { freePort, spawnLogged, stopGracefully, waitReady, type Spawned } from './proc.js';

export const BLACKBOX_BIN = process.env.BLACKBOX_BIN ?? '/usr/bin/prometheus-blackbox-exporter';

export interface CheckSetup {
  urls: string[];
  intervalS: number;
  timeoutS: number;
  /** Argus only: write a V8 CPU profile there on exit. */
  cpuProfileDir?: string;
}

/** A started peer: the processes whose CPU and RSS count, and its query API. */
export interface RunningPeer {
  procs: Spawned[];
  /** Base URL of the Prometheus-compatible query API. */
  base: string;
  headers: Record<string, string>;
  stop(): Promise<void>;
}

export interface CheckPeer {
  name: 'argus' | 'blackbox';
  unavailable(): string;
  start(dir: string, setup: CheckSetup): Promise<RunningPeer>;
}

/** GET `url` and return the body, failing on any status but 200. */
export async function getText(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`cannot fetch ${url}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/** The value of an instant query with a single (or no) result; NaN when empty. */
export async function queryScalar(peer: RunningPeer, q: string): Promise<number> {
  const body = JSON.parse(
    await getText(`${peer.base}/api/v1/query?query=${encodeURIComponent(q)}`, peer.headers),
  ) as { data: { result: { value: [number, string] }[] } };
  const r = body.data.result[0];
  return r === undefined ? NaN : Number(r.value[1]);
}

export const blackboxPeer: CheckPeer = {
  name: 'blackbox',
  unavailable() {
    if (!existsSync(BLACKBOX_BIN))
      return `${BLACKBOX_BIN} missing (run tools/scripts/ensure-debian.sh prometheus-blackbox-exporter)`;
    if (!existsSync(PROMETHEUS_BIN))
      return `${PROMETHEUS_BIN} missing (run tools/scripts/ensure-debian.sh prometheus)`;
    return '';
  },
  async start(dir, s) {
    const bbPort = await freePort();
    const promPort = await freePort();
    // YAML is a superset of JSON: both configs are written as JSON.
    await writeFile(
      path.join(dir, 'blackbox.yml'),
      JSON.stringify({
        modules: {
          http_2xx: {
            prober: 'http',
            timeout: `${s.timeoutS}s`,
            http: { preferred_ip_protocol: 'ip4' },
          },
        },
      }),
    );
    await writeFile(
      path.join(dir, 'prometheus.yml'),
      JSON.stringify({
        global: { scrape_interval: `${s.intervalS}s`, scrape_timeout: `${s.timeoutS}s` },
        scrape_configs: [
          {
            job_name: 'blackbox',
            metrics_path: '/probe',
            params: { module: ['http_2xx'] },
            static_configs: [{ targets: s.urls }],
            relabel_configs: [
              { source_labels: ['__address__'], target_label: '__param_target' },
              { source_labels: ['__param_target'], target_label: 'instance' },
              { target_label: '__address__', replacement: `127.0.0.1:${bbPort}` },
            ],
          },
        ],
      }),
    );
    const t0 = performance.now();
    const bb = spawnLogged(
      BLACKBOX_BIN,
      [
        `--config.file=${path.join(dir, 'blackbox.yml')}`,
        `--web.listen-address=127.0.0.1:${bbPort}`,
      ],
      path.join(dir, 'blackbox.log'),
    );
    const procs = [bb];
    const stop = async (): Promise<void> => {
      for (const p of procs.reverse()) await stopGracefully(p, 30_000);
    };
    try {
      await waitReady(`http://127.0.0.1:${bbPort}/-/healthy`, bb, t0, 30_000);
      const prom = spawnLogged(
        PROMETHEUS_BIN,
        [
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ],
        path.join(dir, 'server.log'),
      );
      procs.push(prom);
      await waitReady(`http://127.0.0.1:${promPort}/-/ready`, prom, t0, 60_000);
    } catch (err) {
      await stop();
      throw err;
    }
    return { procs: [...procs], base: `http://127.0.0.1:${promPort}`, headers: {}, stop };
  },
};

/** One `kind: http` check per URL, as argus.yml; no host collector, no self metrics. */
export function argusChecksYaml(s: CheckSetup): string {
  const lines = [
    'collect:',
    '  host:',
    '    enabled: false',
    '  self:',
    '    enabled: false',
    'checks:',
  ];
  s.urls.forEach((url, i) => {
    lines.push(
      `  - name: t${i}`,
      '    kind: http',
      `    url: ${url}`,
      `    interval: ${s.intervalS}s`,
      `    timeout: ${s.timeoutS}s`,
    );
  });
  return lines.join('\n') + '\n';
}

export const argusPeer: CheckPeer = {
  name: 'argus',
  unavailable: () => argus.unavailable(),
  async start(dir, s) {
    await argus.prepare(dir); // admin user via the CLI, before the first start
    await writeFile(path.join(dir, 'argus.yml'), argusChecksYaml(s));
    const port = await freePort();
    const t0 = performance.now();
    const prof =
      s.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${s.cpuProfileDir}`];
    // Extra V8/Node flags for Argus only (e.g. --trace-gc; NODE_OPTIONS refuses some).
    const flags = (process.env.ARGUS_NODE_FLAGS ?? '').split(/\s+/).filter((f) => f !== '');
    const proc = spawnLogged(
      process.execPath,
      [
        ...flags,
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
    const stop = (): Promise<void> => stopGracefully(proc, 60_000);
    try {
      await waitReady(`http://127.0.0.1:${port}/-/ready`, proc, t0, 60_000);
    } catch (err) {
      await stop();
      throw err;
    }
    return {
      procs: [proc],
      base: `http://127.0.0.1:${port}`,
      headers: argus.headers('admin'),
      stop,
    };
  },
};

/** Argus's own scheduling lag quantiles (seconds) from `/metrics`, by quantile label. */
export async function argusSchedulingLag(peer: RunningPeer): Promise<Record<string, number>> {
  const text = await getText(`${peer.base}/metrics`, peer.headers);
  const out: Record<string, number> = {};
  const re = /^argus_check_scheduling_lag_seconds\{[^}]*quantile="([^"]+)"[^}]*\}\s+(\S+)/gm;
  for (const m of text.matchAll(re)) out[m[1]] = Number(m[2]);
  for (const name of ['argus_check_runs_total', 'argus_check_skipped_total']) {
    let sum = 0;
    for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'gm')))
      sum += Number(m[1]);
    out[name] = sum;
  }
  return out;
}
