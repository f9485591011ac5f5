/**
 * Scrape-loop micro-benchmark (no HTTP, no peer): the work of `ScrapeLoop` after a body has
 * arrived — parse, series cache, staleness, append, commit — against the real TSDB (WAL on,
 * fsync per the default config) or a sink that accepts everything (`--sink`), to split the
 * scrape path's own cost from the store's. Bodies are the `scrape` benchmark's synthetic targets,
 * rendered before the clock starts; each round scrapes every target once, one second apart in
 * sample time.
 *
 *   npm run bench -- scrape-loop [--targets N=4] [--series N=10000] [--rounds N=60] [--sink]
 *
 * Prints CPU µs per scraped sample (process.cpuUsage, main and helper threads) and GC time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { DEFAULT_TENANT, Labels, type TenantId } from '../src/model/index.js';
import { compileRelabel } from '../src/relabel/index.js';
import { resolveScrapeConfigs, scrapeConfigSchema, ScrapeLoop } from '../src/scrape/index.js';
import type { Appendable, Appender, AppendResult } from '../src/storage/index.js';
import { defaultTsdbConfig, Tsdb } from '../src/tsdb/index.js';
import { nopLogger } from '../src/util/index.js';
import { parseArgs } from './lib/args.js';
import { SyntheticTarget } from './lib/exposition.js';

class SinkAppender implements Appender {
  private n = 1;
  append(ref: number): number {
    return ref === 0 ? this.n++ : ref;
  }
  async commit(): Promise<AppendResult> {
    return { appended: 0, duplicates: 0, newSeries: 0 };
  }
  rollback(): void {}
}
const sink: Appendable = { appender: (_t: TenantId) => new SinkAppender() };

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2), {
    targets: 'number',
    series: 'number',
    rounds: 'number',
    sink: 'boolean',
  });
  const targets = Number(o.get('targets') ?? 4);
  const series = Number(o.get('series') ?? 10_000);
  const rounds = Number(o.get('rounds') ?? 60);
  const useSink = o.get('sink') === 'true';

  const bodies: Buffer[][] = [];
  for (let i = 0; i < targets; i++) {
    const t = new SyntheticTarget(series, i + 1);
    const b: Buffer[] = [];
    for (let r = 0; r < rounds + 1; r++) b.push(Buffer.from(t.render(), 'latin1'));
    bodies.push(b);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'argus-scrape-loop-bench-'));
  const db = useSink
    ? null
    : new Tsdb({ dir, config: defaultTsdbConfig(), logger: nopLogger, compactionIntervalMs: 0 });
  await db?.open();
  const appendable: Appendable = db ?? sink;
  const cfg = resolveScrapeConfigs(
    {
      scrape_interval: 1000,
      scrape_timeout: 1000,
      external_labels: {},
      body_size_limit: 0,
      sample_limit: 0,
      label_limit: 0,
      label_name_length_limit: 0,
      label_value_length_limit: 0,
      target_limit: 0,
    },
    [scrapeConfigSchema.parse({ job_name: 'bench' })],
  )[0];
  let round = 0;
  const loops = bodies.map(
    (b, i) =>
      new ScrapeLoop({
        cfg,
        targetLabels: Labels.fromObject({ job: 'bench', instance: `target-${i}:9100` }),
        url: `http://target-${i}:9100/metrics`,
        timeoutMs: 1000,
        appendable,
        tenant: DEFAULT_TENANT,
        metricRelabel: compileRelabel([]),
        logger: nopLogger,
        fetch: async () => ({ body: b[round], contentType: 'text/plain; version=0.0.4' }),
      }),
  );
  const t0 = Date.now() - (rounds + 2) * 1000;
  // Round 0 creates every series: not measured.
  await Promise.all(loops.map((l) => l.scrape(t0)));
  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  obs.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  let samples = 0;
  for (round = 1; round <= rounds; round++) {
    const reports = await Promise.all(loops.map((l) => l.scrape(t0 + round * 1000)));
    for (const r of reports) {
      if (r.health !== 'up') throw new Error(`scrape failed: ${r.error}`);
      samples += r.samplesScraped;
    }
  }
  const wallMs = performance.now() - w0;
  const cpu = process.cpuUsage(cpu0);
  obs.disconnect();
  await db?.close();
  await rm(dir, { recursive: true, force: true });
  const cpuUs = cpu.user + cpu.system;
  console.log(
    [
      `store: ${useSink ? 'sink' : 'tsdb'}; ${targets} targets × ${series} series × ${rounds} rounds`,
      `samples:          ${samples}`,
      `CPU µs/sample:    ${(cpuUs / samples).toFixed(3)} (user ${(cpu.user / samples).toFixed(3)}, system ${(cpu.system / samples).toFixed(3)})`,
      `wall µs/sample:   ${((wallMs * 1000) / samples).toFixed(3)}`,
      `GC ms:            ${gcMs.toFixed(0)} (${((100 * gcMs * 1000) / cpuUs).toFixed(1)}% of CPU)`,
    ].join('\n'),
  );
}

await main();
