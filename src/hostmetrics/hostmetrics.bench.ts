/**
 * Host collector self-overhead (plain script): CPU time per tick of Argus's HostCollector (all
 * collectors, appending to a no-op store so only the collector is measured), and of the real
 * node_exporter per scrape of the same collectors when it is installed. At a 1 s interval,
 * CPU µs per tick / 10^4 is the % of one core.
 *
 *   npm run bench -- hostmetrics [ticks]
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Appendable, Appender } from '../storage/index.js';
import { COLLECTORS } from './collectors.js';
import { DEFAULT_EXCLUDES, defaultHostConfig } from './config.js';
import { HostCollector } from './host-collector.js';

const TICKS = Number(process.argv[2] ?? 300);
const BIN = '/usr/bin/prometheus-node-exporter';
const CLK_TCK = 100;

let samples = 0;
const nop: Appendable = {
  appender(): Appender {
    return {
      append: () => (samples++, 1),
      commit: () => Promise.resolve({ appended: 0, duplicates: 0, newSeries: 0 }),
      rollback: () => {},
    };
  },
};

async function argus(): Promise<void> {
  const hc = new HostCollector({ config: defaultHostConfig(), appendable: nop });
  for (let i = 0; i < 20; i++) await hc.tick(); // warm-up (JIT)
  samples = 0;
  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < TICKS; i++) await hc.tick(1e12 + i * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  const us = (cpu.user + cpu.system) / TICKS;
  console.log(
    `argus  ticks=${TICKS} samples/tick=${samples / TICKS} cpu=${us.toFixed(0)} µs/tick ` +
      `(${(us / 1e4).toFixed(2)}% of a core at 1s) wall=${(wall / TICKS).toFixed(2)} ms/tick ` +
      `rss=${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB (Δ ${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(1)})`,
  );
}

function procCpuUs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) / CLK_TCK) * 1e6; // utime, stime
}

async function nodeExporter(): Promise<void> {
  if (!existsSync(BIN)) {
    console.log(`node_exporter: ${BIN} not installed, skipped`);
    return;
  }
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  const child = spawn(
    BIN,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      ...COLLECTORS.map((c) => `--collector.${c.name}`),
      '--no-collector.netdev.netlink',
      `--collector.filesystem.mount-points-exclude=${DEFAULT_EXCLUDES.mount_points}`,
      `--collector.filesystem.fs-types-exclude=${DEFAULT_EXCLUDES.fs_types}`,
      `--collector.diskstats.device-exclude=${DEFAULT_EXCLUDES.disk_devices}`,
    ],
    { stdio: 'ignore' },
  );
  try {
    const url = `http://127.0.0.1:${port}/metrics`;
    for (let i = 0; i < 100; i++) {
      try {
        await (await fetch(url)).text();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    for (let i = 0; i < 20; i++) await (await fetch(url)).text();
    const cpu0 = procCpuUs(child.pid!);
    for (let i = 0; i < TICKS; i++) await (await fetch(url)).text();
    const us = (procCpuUs(child.pid!) - cpu0) / TICKS;
    const rss =
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
    console.log(
      `node_exporter scrapes=${TICKS} cpu=${us.toFixed(0)} µs/scrape (${(us / 1e4).toFixed(2)}% of a core at 1s, ` +
        `incl. HTTP and text encoding; clock-tick resolution) rss=${rss.toFixed(1)} MiB`,
    );
  } finally {
    child.kill('SIGTERM');
  }
}

await argus();
await nodeExporter();
