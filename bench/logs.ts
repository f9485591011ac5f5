/**
 * Whole-system logs benchmark (issue #9): Argus's log store against grep on the same ~1 GB of
 * nginx + JSON app logs (bench/logs-gen.ts). A real `argus server` ingests the corpus via Loki
 * push (snappy protobuf, 1 MiB batches, 4 senders); then bytes on disk after sealing and
 * compaction, and three queries over the whole hour next to `grep -F` / `grep -E` / a grep
 * pipeline on the raw file (bench/logs-query.ts). Run with `npm run bench -- logs [--size 1GB]`;
 * results also land in `.bench/logs-<time>.json`.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from './lib/args.js';
import { argus } from './lib/peers.js';
import {
  cpuSeconds,
  freePort,
  peakRssBytes,
  spawnLogged,
  stopGracefully,
  waitReady,
} from './lib/proc.js';
import { defaultOut, log, machine, writeResults } from './lib/table.js';
import { generateCorpus, loadCorpus, type Corpus } from './lib/logs-gen.js';
import { buildPushBodies, sendAll } from './lib/logs-push.js';
import { compareAll, q, sh, type Comparison } from './lib/logs-query.js';
import { profileFindings, type ProfileFindings } from './lib/logs-profile.js';
import { renderLogsTable, type IngestFigures } from './lib/logs-report.js';
import { waitSettled } from './lib/logs-settle.js';

const USAGE = `usage: npm run bench -- logs [--size 1GB] [--seed N=7] [--senders N=4] [--batch BYTES=1MiB]
  [--runs N=3] [--corpus DIR] [--keep] [--out FILE] [--cpu-prof] [--settle-timeout S=1800]
  --size: corpus size (e.g. 1GB, 200MB); --corpus: generate into / reuse DIR (kept)
  --cpu-prof: V8 CPU profile of the server (.bench/profiles/), top functions per phase`;

const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

/** `1GB`, `200MB`, `1GiB`, `5e8` → bytes. */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmgt]?)(i?)b?$/i.exec(s.trim());
  if (!m) throw new Error(`cannot parse --size ${JSON.stringify(s)}: want e.g. 1GB, 200MB`);
  const pow = ' kmgt'.indexOf(m[2].toLowerCase() || ' ');
  return Math.round(Number(m[1]) * (m[3] ? 1024 : 1000) ** pow);
}

/**
 * No collectors, unlimited log ingest rate, logs kept forever, idle streams sealed after 5 s;
 * compaction every `compaction` (the server's default 5m while ingesting, 15s to settle).
 */
function argusYaml(compaction: string): string {
  return `collect:
  host:
    enabled: false
  self:
    enabled: false
limits:
  defaults:
    log_ingestion_rate: 0
logs:
  retention:
    period: 0s
  api:
    max_entries_limit: 1000000
  store:
    reject_old: 0s # the corpus has a fixed past hour
    chunk_idle_period: 5s
    compaction_interval: ${compaction}
`;
}

interface Options {
  targetBytes: number;
  seed: number;
  senders: number;
  batchBytes: number;
  runs: number;
  keep: boolean;
  corpusDir?: string;
  cpuProfileDir?: string;
  settleTimeoutS: number;
}

async function getCorpus(o: Options, tmp: string): Promise<Corpus> {
  const dir = o.corpusDir ?? path.join(tmp, 'corpus');
  await mkdir(dir, { recursive: true });
  const cached = loadCorpus(dir, o.seed, o.targetBytes);
  if (cached) {
    log(
      `corpus: reusing ${dir} (${cached.lines} lines, ${(cached.fileBytes / 1e6).toFixed(0)} MB)`,
    );
    return cached;
  }
  const t0 = performance.now();
  const c = generateCorpus(dir, o.seed, o.targetBytes);
  log(
    `corpus: ${c.lines} lines, ${(c.fileBytes / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
      `(${c.regexLines} regex lines, needle ${c.needle})`,
  );
  return c;
}

async function run(o: Options): Promise<{ code: number; results: Record<string, unknown> }> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'argus-bench-logs-'));
  const dir = path.join(tmp, 'argus');
  await mkdir(dir);
  let proc: ReturnType<typeof spawnLogged> | undefined;
  try {
    const corpus = await getCorpus(o, tmp);
    let t0 = performance.now();
    const push = buildPushBodies(corpus, o.batchBytes);
    const bodyBytes = push.bodies.reduce((n, b) => n + b.length, 0);
    log(
      `push: ${push.bodies.length} bodies, ${(bodyBytes / 1e6).toFixed(0)} MB snappy in ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // The disk peer on this very corpus: zstd -3 of the raw file (one thread).
    t0 = performance.now();
    const zstdBytes = Number((await sh(`zstd -3 -q -c ${q(corpus.rawFile)} | wc -c`)).trim());
    log(
      `zstd -3: ${(zstdBytes / 1e6).toFixed(1)} MB = ${((100 * zstdBytes) / corpus.fileBytes).toFixed(1)}% of raw ` +
        `in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    await argus.prepare(dir); // admin user and write token via the CLI
    if (o.cpuProfileDir) await mkdir(o.cpuProfileDir, { recursive: true });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const start = async (compaction: string): Promise<ReturnType<typeof spawnLogged>> => {
      await writeFile(path.join(dir, 'argus.yml'), argusYaml(compaction));
      const prof = o.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfileDir}`] : [];
      const t = performance.now();
      const p = spawnLogged(
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
      proc = p;
      await waitReady(`${base}/-/ready`, p, t, 600_000);
      log(
        `argus: ready on ${base} in ${((performance.now() - t) / 1000).toFixed(1)} s (pid ${p.pid}, dir ${dir}); load ${loadText()}`,
      );
      return p;
    };
    const spawnedAt = Date.now();
    const ingestProc = await start('5m');

    const cpu0 = await cpuSeconds(ingestProc.pid);
    const m0 = monoMs();
    const sent = await sendAll(
      `${base}/loki/api/v1/push`,
      argus.headers('write'),
      push.bodies,
      o.senders,
    );
    const ingestWindow: [number, number] = [m0, monoMs()];
    const ingestCpuS = (await cpuSeconds(ingestProc.pid)) - cpu0;
    // Compaction with the default interval would take up to two of its 5-minute intervals to
    // finish; a restart with a 15 s interval settles sooner (and replays the WAL, as users do).
    await stopGracefully(ingestProc, 300_000);
    const restartedAt = Date.now();
    const p2 = await start('15s');
    const pid = p2.pid;
    push.bodies.length = 0; // free ~1/3 GB before the queries
    const mbps = push.lineBytes / 1e6 / sent.wallS;
    log(
      `ingest: ${(push.lineBytes / 1e6).toFixed(0)} MB of lines in ${sent.wallS.toFixed(1)} s = ` +
        `${mbps.toFixed(1)} MB/s, server CPU ${ingestCpuS.toFixed(1)} s, ${sent.failed} failed ` +
        `${sent.firstError}; load ${loadText()}`,
    );
    if (sent.failed > 0)
      throw new Error(`cannot ingest: ${sent.failed} pushes failed: ${sent.firstError}`);

    const admin = argus.headers('admin');
    const s0 = monoMs();
    const cpuS0 = await cpuSeconds(pid);
    const settled = await waitSettled(
      base,
      admin,
      path.join(dir, 'data', 'logs'),
      o.settleTimeoutS,
    );
    const settleWindow: [number, number] = [s0, monoMs()];
    const settleCpuS = (await cpuSeconds(pid)) - cpuS0;
    log(
      `settled after ${settled.waitS.toFixed(0)} s (CPU ${settleCpuS.toFixed(1)} s): ` +
        `${(settled.diskBytes / 1e6).toFixed(1)} MB on disk ` +
        `(${Object.entries(settled.breakdown)
          .map(([k, v]) => `${k} ${(v / 1e6).toFixed(1)}`)
          .join(', ')})`,
    );
    const ingest: IngestFigures = {
      lineBytes: push.lineBytes,
      fileBytes: corpus.fileBytes,
      entries: push.entries,
      requests: sent.requests,
      wallS: sent.wallS,
      mbps,
      serverCpuS: ingestCpuS,
      settleS: settled.waitS,
      settleCpuS,
      diskBytes: settled.diskBytes,
      diskBreakdown: settled.breakdown,
      diskRatio: settled.diskBytes / corpus.fileBytes,
      storedEntries: settled.entries,
      compacted: settled.compacted,
      zstdRatio: zstdBytes / corpus.fileBytes,
    };

    const comparisons: Comparison[] = await compareAll(
      { base, headers: admin, cpu: () => cpuSeconds(pid) },
      corpus,
      o.runs,
    );
    const peakRss = await peakRssBytes(pid);
    const loadEnd = os.loadavg();
    await stopGracefully(p2, 120_000);
    let profile: ProfileFindings | undefined;
    if (o.cpuProfileDir) {
      const first = await profileFindings(o.cpuProfileDir, spawnedAt, restartedAt, {
        ingest: [ingestWindow],
      });
      const second = await profileFindings(o.cpuProfileDir, restartedAt, Date.now(), {
        settle: [settleWindow],
        ...Object.fromEntries(comparisons.map((c) => [c.name, c.windows])),
      });
      profile = {
        files: [...first.files, ...second.files],
        phases: { ...first.phases, ...second.phases },
      };
    }

    console.log(`\n${renderLogsTable(ingest, comparisons)}\n`);
    for (const c of comparisons) {
      console.log(`${c.name}: argus  ${c.logql}\n${' '.repeat(c.name.length)}  peer   ${c.peer}`);
      console.log(
        `${' '.repeat(c.name.length)}  result argus ${c.argus.result} | peer ${c.grep.result} | want ${c.want} → ${c.ok ? 'ok' : 'MISMATCH'}`,
      );
    }
    console.log(`load average at the end: ${loadEnd.map((l) => l.toFixed(2)).join(' ')}`);
    if (profile) {
      for (const [phase, hot] of Object.entries(profile.phases)) {
        console.log(
          `\nprofile ${phase} (${hot.busyMs.toFixed(0)} ms busy${phase.includes(' worker:') ? ', worker thread, all phases' : ', main thread'}):`,
        );
        for (const h of hot.top.slice(0, 10))
          console.log(
            `  ${h.percent.toFixed(1).padStart(5)}%  ${h.selfMs.toFixed(0).padStart(7)} ms  ${h.name}`,
          );
      }
      console.log(`\nprofiles: ${profile.files.join(', ')}`);
    }
    const code = comparisons.every((c) => c.ok) && ingest.storedEntries === corpus.lines ? 0 : 1;
    if (ingest.storedEntries !== corpus.lines)
      console.log(`MISMATCH: store holds ${ingest.storedEntries} entries, want ${corpus.lines}`);
    return {
      code,
      results: {
        corpus: { ...corpus, dir: undefined, rawFile: undefined },
        ingest,
        comparisons: comparisons.map((c) => ({ ...c, windows: undefined })),
        peakRssBytes: peakRss,
        loadavgEnd: loadEnd,
        profile,
      },
    };
  } catch (err) {
    const tail = (await readFile(path.join(dir, 'server.log'), 'utf8').catch(() => ''))
      .split('\n')
      .slice(-15)
      .join('\n');
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n--- argus log tail:\n${tail}`,
      {
        cause: err,
      },
    );
  } finally {
    if (proc) await stopGracefully(proc, 120_000);
    if (!o.keep) await rm(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }
}

const loadText = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(process.argv.slice(2), {
    size: 'string',
    seed: 'number',
    senders: 'number',
    batch: 'string',
    runs: 'number',
    corpus: 'string',
    keep: 'boolean',
    out: 'string',
    'cpu-prof': 'boolean',
    'settle-timeout': 'number',
  });
  if (!existsSync(path.resolve('bin/argus'))) throw new Error('cannot run: bin/argus missing');
  const o: Options = {
    targetBytes: parseSize(args.get('size') ?? '1GB'),
    seed: Number(args.get('seed') ?? 7),
    senders: Number(args.get('senders') ?? 4),
    batchBytes: parseSize(args.get('batch') ?? '1MiB'),
    runs: Number(args.get('runs') ?? 3),
    keep: args.has('keep'),
    corpusDir: args.has('corpus') ? path.resolve(args.get('corpus')!) : undefined,
    cpuProfileDir: args.has('cpu-prof') ? path.resolve('.bench', 'profiles') : undefined,
    settleTimeoutS: Number(args.get('settle-timeout') ?? 1800),
  };
  log(`logs: ${(o.targetBytes / 1e6).toFixed(0)} MB corpus, seed ${o.seed}; load ${loadText()}`);
  const mach = await machine(); // load average before the run
  const { code, results } = await run(o);
  const out = args.get('out') ?? defaultOut('logs');
  await writeResults(out, {
    when: new Date().toISOString(),
    machine: mach,
    config: o,
    ...results,
  });
  log(`results written to ${out}`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
