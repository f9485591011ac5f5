/**
 * The comparison with the real node_exporter (Debian `prometheus-node-exporter`): both read this
 * machine at the same moment; every family Argus emits must have node_exporter's name, type,
 * HELP and label sets, static values must be equal and counters within a few percent.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { COLLECTORS } from './collectors.js';
import { defaultHostConfig, DEFAULT_EXCLUDES } from './config.js';
import type { MetricFamily } from './family.js';
import { HostCollector } from './host-collector.js';
import { MemStore } from '../storage/testing.js';

const BIN = '/usr/bin/prometheus-node-exporter';
const missing = !existsSync(BIN) || process.platform !== 'linux';
const skip = missing
  ? `${BIN} not installed (tools/scripts/ensure-debian.sh prometheus-node-exporter)`
  : false;

interface Parsed {
  type: string;
  help: string;
  /** label-set key (sorted k=v) -> value */
  samples: Map<string, number>;
}

/** Test-only parser of node_exporter's text format 0.0.4 output (HELP, TYPE, samples). */
function parseText(text: string): Map<string, Parsed> {
  const out = new Map<string, Parsed>();
  const fam = (n: string) => {
    let f = out.get(n);
    if (!f) out.set(n, (f = { type: '', help: '', samples: new Map() }));
    return f;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP ')) {
      const [, name, ...rest] = line.slice(2).split(' ');
      fam(name).help = rest.join(' ').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
    } else if (line.startsWith('# TYPE ')) {
      const [, name, type] = line.slice(2).split(' ');
      fam(name).type = type;
    } else if (line !== '' && !line.startsWith('#')) {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(m, `unparsable line ${line}`);
      const labels: [string, string][] = [];
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
      for (let l; (l = re.exec(m[2] ?? ''));) {
        labels.push([l[1], l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))]);
      }
      fam(m[1]).samples.set(key(labels), Number(m[3]));
    }
  }
  return out;
}

function key(labels: [string, string][]): string {
  return labels
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
}

function ours(fams: MetricFamily[]): Map<string, Parsed> {
  const out = new Map<string, Parsed>();
  for (const f of fams) {
    out.set(f.name, {
      type: f.type,
      help: f.help,
      samples: new Map(f.samples.map((s) => [key(Object.entries(s.labels)), s.value])),
    });
  }
  return out;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  await new Promise((r) => srv.close(r));
  assert.ok(addr && typeof addr === 'object');
  return addr.port;
}

/** Families of the collectors Argus covers completely (netclass only in part). */
const COVERED =
  /^node_(cpu_|disk_|filesystem_|memory_|load\d|network_(receive|transmit)_\w+_total$|pressure_|sockstat_|filefd_|time_|uname_|boot_time|context_switches|forks|intr|procs_|scrape_)/;

describe('host collector vs node_exporter', { skip }, () => {
  let child: ChildProcess;
  let url: string;
  let theirs: Map<string, Parsed>;
  let mine: Map<string, Parsed>;

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/metrics`;
    child = spawn(
      BIN,
      [
        `--web.listen-address=127.0.0.1:${port}`,
        '--collector.disable-defaults',
        ...COLLECTORS.map((c) => `--collector.${c.name}`),
        // Argus reads /proc/net/dev; node_exporter 1.5 defaults to netlink (adds rx_nohandler).
        '--no-collector.netdev.netlink',
        // Upstream defaults, which Argus uses; Debian's package patches wider ones in.
        `--collector.filesystem.mount-points-exclude=${DEFAULT_EXCLUDES.mount_points}`,
        `--collector.filesystem.fs-types-exclude=${DEFAULT_EXCLUDES.fs_types}`,
        `--collector.diskstats.device-exclude=${DEFAULT_EXCLUDES.disk_devices}`,
        `--collector.netdev.device-exclude=${DEFAULT_EXCLUDES.net_devices}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    let text = '';
    for (let i = 0; i < 100 && text === ''; i++) {
      try {
        const res = await fetch(url);
        if (res.ok) text = 'up';
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    assert.equal(text, 'up', `node_exporter did not come up: ${stderr}`);
    const hc = new HostCollector({ config: defaultHostConfig(), appendable: new MemStore() });
    // The same moment: both read /proc while the other does.
    const [body, fams] = await Promise.all([fetch(url).then((r) => r.text()), hc.collect()]);
    theirs = parseText(body);
    mine = ours(fams);
  });

  after(() => {
    child?.kill('SIGTERM');
  });

  it('every family Argus emits exists in node_exporter with the same type, HELP and label sets', () => {
    const diffs: string[] = [];
    for (const [name, f] of mine) {
      const t = theirs.get(name);
      if (!t) {
        diffs.push(`${name}: not in node_exporter`);
        continue;
      }
      if (t.type !== f.type) diffs.push(`${name}: type ${f.type}, node_exporter ${t.type}`);
      if (t.help !== f.help)
        diffs.push(
          `${name}: help ${JSON.stringify(f.help)}, node_exporter ${JSON.stringify(t.help)}`,
        );
      const a = [...f.samples.keys()].sort().join(' | ');
      const b = [...t.samples.keys()].sort().join(' | ');
      if (a !== b) diffs.push(`${name}: label sets\n  argus:         ${a}\n  node_exporter: ${b}`);
    }
    assert.deepEqual(diffs, []);
  });

  it('node_exporter emits no family of the covered collectors that Argus lacks', () => {
    const lacking = [...theirs.keys()].filter((n) => COVERED.test(n) && !mine.has(n));
    assert.deepEqual(lacking, []);
  });

  it('static values are equal', () => {
    const v = (m: Map<string, Parsed>, n: string) =>
      [...(m.get(n)?.samples ?? new Map()).entries()].sort();
    for (const n of [
      'node_memory_MemTotal_bytes',
      'node_boot_time_seconds',
      'node_filesystem_size_bytes',
      'node_filesystem_files',
      'node_filesystem_readonly',
      'node_filefd_maximum',
      'node_network_mtu_bytes',
      'node_network_up',
      'node_uname_info',
      'node_disk_info',
      'node_time_zone_offset_seconds',
      'node_time_clocksource_current_info',
    ]) {
      assert.deepEqual(v(mine, n), v(theirs, n), n);
      assert.ok(v(mine, n).length > 0, `${n} has samples`);
    }
    const cpus = (m: Map<string, Parsed>) =>
      new Set(
        [...m.get('node_cpu_seconds_total')!.samples.keys()].map((k) => /cpu="(\d+)"/.exec(k)?.[1]),
      ).size;
    assert.equal(cpus(mine), cpus(theirs));
  });

  it('counters and clocks agree within a few percent', () => {
    const off: string[] = [];
    for (const n of [
      'node_cpu_seconds_total',
      'node_context_switches_total',
      'node_forks_total',
      'node_intr_total',
      'node_disk_reads_completed_total',
      'node_disk_writes_completed_total',
      'node_disk_io_time_seconds_total',
      'node_network_receive_packets_total',
      'node_network_transmit_bytes_total',
      'node_pressure_cpu_waiting_seconds_total',
      'node_time_seconds',
    ]) {
      for (const [k, a] of mine.get(n)?.samples ?? []) {
        const b = theirs.get(n)?.samples.get(k);
        // 5% or a small absolute slack (counters near 0 move by whole ticks/packets).
        if (b === undefined || Math.abs(a - b) > Math.max(0.05 * Math.abs(b), 5))
          off.push(`${n}{${k}}: ${a} vs ${b}`);
      }
    }
    assert.deepEqual(off, []);
  });
});
