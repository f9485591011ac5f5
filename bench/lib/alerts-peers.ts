/**
 * The systems of the alerts benchmark, each started on a fresh temp dir and free loopback ports:
 * Prometheus 2.42 (rules, remote_write receiver) sending to Alertmanager 0.25, and Argus (rules
 * and the notification pipeline in one process). Both get the same rule file and the same
 * Alertmanager configuration (as a file for Alertmanager, inline in argus.yml for Argus).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { argus, PROMETHEUS_BIN } from './peers.js';
import { freePort, spawnLogged, stopGracefully, waitReady, type Spawned } from './proc.js';

/** The Alertmanager binary of the Debian package (bench.sh installs it). */
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export interface Started {
  /** Base URL of the HTTP API (Prometheus / Argus / Alertmanager). */
  base: string;
  proc: Spawned;
}

export interface RuleSetup {
  /** A Prometheus rule file as an object (written as YAML). */
  rules: unknown;
  /** `global.evaluation_interval` in seconds. */
  evalIntervalS: number;
}

export function prometheusUnavailable(): string {
  if (!existsSync(PROMETHEUS_BIN)) return `${PROMETHEUS_BIN} missing`;
  if (!existsSync(ALERTMANAGER_BIN))
    return `${ALERTMANAGER_BIN} missing (run tools/scripts/ensure-debian.sh prometheus-alertmanager)`;
  return '';
}

/** Alertmanager 0.25 alone, clustering off (no gossip settle wait, no port 9094). */
export async function startAlertmanager(dir: string, config: unknown): Promise<Started> {
  const file = path.join(dir, 'alertmanager.yml');
  await writeFile(file, YAML.stringify(config));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const proc = spawnLogged(
    ALERTMANAGER_BIN,
    [
      `--config.file=${file}`,
      `--storage.path=${path.join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    path.join(dir, 'alertmanager.log'),
  );
  await waitReady(`${base}/-/ready`, proc, t0, 60_000);
  return { base, proc };
}

/** Prometheus 2.42 evaluating `setup.rules` and sending alerts to the Alertmanager at `amBase`. */
export async function startPrometheus(
  dir: string,
  setup: RuleSetup,
  amBase: string,
): Promise<Started> {
  await writeFile(path.join(dir, 'rules.yml'), YAML.stringify(setup.rules));
  const config = {
    global: { scrape_interval: '15s', evaluation_interval: `${setup.evalIntervalS}s` },
    rule_files: ['rules.yml'],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [new URL(amBase).host] }] }] },
  };
  const file = path.join(dir, 'prometheus.yml');
  await writeFile(file, YAML.stringify(config));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const proc = spawnLogged(
    PROMETHEUS_BIN,
    [
      `--config.file=${file}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ],
    path.join(dir, 'prometheus.log'),
  );
  await waitReady(`${base}/-/ready`, proc, t0, 60_000);
  // Alerts evaluated before the notifier has discovered its Alertmanager are dropped.
  await waitAlertmanagerDiscovered(base, proc.logFile);
  return { base, proc };
}

async function waitAlertmanagerDiscovered(base: string, logFile: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const res = await fetch(`${base}/api/v1/alertmanagers`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { data?: { activeAlertmanagers?: unknown[] } };
    if ((body.data?.activeAlertmanagers?.length ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`cannot start Prometheus: no active Alertmanager after 30 s (see ${logFile})`);
}

/**
 * Argus with the rule file and, unless `alertmanager` is undefined, the same Alertmanager
 * configuration inline. The host collector is off (its series and CPU are not part of this).
 */
export async function startArgus(
  dir: string,
  setup: RuleSetup,
  alertmanager: unknown,
  cpuProfileDir?: string,
): Promise<Started> {
  await argus.prepare(dir); // admin + write token via the CLI, into dir/data
  await writeFile(path.join(dir, 'rules.yml'), YAML.stringify(setup.rules));
  const config: Record<string, unknown> = {
    global: { evaluation_interval: `${setup.evalIntervalS}s` },
    rule_files: ['rules.yml'],
    collect: { host: { enabled: false } },
  };
  if (alertmanager !== undefined) config.alertmanager = alertmanager;
  const file = path.join(dir, 'argus.yml');
  await writeFile(file, YAML.stringify(config));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const prof = cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`];
  const t0 = performance.now();
  const proc = spawnLogged(
    process.execPath,
    [
      ...prof,
      path.resolve('bin/argus'),
      'server',
      '--config',
      file,
      '--data-dir',
      path.join(dir, 'data'),
      '--listen',
      `127.0.0.1:${port}`,
    ],
    path.join(dir, 'argus.log'),
  );
  await waitReady(`${base}/-/ready`, proc, t0, 60_000);
  return { base, proc };
}

export function argusUnavailable(): string {
  return argus.unavailable();
}

/** Headers for Argus: remote_write (`write`) and reading its API (`admin`). */
export function argusHeaders(kind: 'write' | 'admin'): Record<string, string> {
  return argus.headers(kind);
}

/** `alert` label → `activeAt` (epoch ms) from `/api/v1/alerts` (the same API on both). */
export async function activeAt(
  base: string,
  label: string,
  headers: Record<string, string> = {},
): Promise<Map<string, number>> {
  const res = await fetch(`${base}/api/v1/alerts`, {
    headers,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`cannot list alerts at ${base}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as {
    data: { alerts: { labels: Record<string, string>; activeAt?: string }[] };
  };
  const out = new Map<string, number>();
  for (const a of body.data.alerts) {
    const v = a.labels[label];
    if (v !== undefined && a.activeAt !== undefined) out.set(v, Date.parse(a.activeAt));
  }
  return out;
}

/** Stops every started process (SIGTERM, then SIGKILL), in reverse start order. */
export async function stopAll(started: readonly (Started | undefined)[]): Promise<void> {
  for (const s of [...started].reverse()) if (s !== undefined) await stopGracefully(s.proc, 30_000);
}
