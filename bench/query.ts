/**
 * Whole-system PromQL benchmark (issue #5): the same node_exporter-like hour (bench/lib/series.ts
 * in its query shape, 15 s steps ending now) is loaded by remote_write into Prometheus 2.42 and
 * then into Argus, one after the other, and the dashboard-like query mix runs through each one's
 * `/api/v1/query_range` (1 h at 60 s step): a warm-up, then the median of `--runs` runs. The table
 * compares the medians, checks that both answers agree, and `--cpu-prof` ranks where Argus spent
 * its CPU during the slowest query (by ratio). `npm run bench -- query --help` lists the options.
 */
import path from 'node:path';
import { parseArgs } from './lib/args.js';
import { generateLoad } from './lib/load.js';
import { argus, prometheus, type Peer } from './lib/peers.js';
import { compareMatrices, type Comparison } from './lib/query-compare.js';
import { exprOf, hourRange, median, selectQueries, type BenchQuery } from './lib/query-mix.js';
import { runQueryPeer, type QueryPeerResult } from './lib/query-peer.js';
import { hotFunctions, newestProfile, readProfile, type HotFunction } from './lib/query-profile.js';
import { defaultOut, log, machine, textTable, writeResults } from './lib/table.js';

const USAGE = `usage: npm run bench -- query [--series N=100000] [--only LIST] [--runs N=7]
  [--senders N=4] [--seed N=1] [--keep] [--out FILE] [--cpu-prof]
  --only: comma-separated peers (argus, prometheus) and/or query ids or positions (1-6):
    ${selectQueries(undefined)
      .map((q) => q.id)
      .join(', ')}
  --cpu-prof: run Argus under node --cpu-prof (.bench/profiles/) and print the top functions
  during the query with the worst Argus/Prometheus ratio`;

const ms = (v: number | undefined): string =>
  v === undefined || Number.isNaN(v) ? '-' : v < 10 ? v.toFixed(1) : v.toFixed(0);

interface Row {
  id: string;
  expr: string;
  prometheusMs: number;
  argusMs: number;
  ratio: number;
  series: string;
  agree: string;
  comparison?: Comparison;
  refPrometheusMs: number;
  refVictoriaMs: number;
  /** Longest event-loop stall of the Argus server during the query's timed runs. */
  argusLoopMaxMs: number;
}

function buildRows(queries: BenchQuery[], results: QueryPeerResult[]): Row[] {
  const of = (peer: string, id: string) =>
    results
      .find((r) => r.peer === peer && r.skipped === undefined)
      ?.queries.find((q) => q.id === id);
  return queries.map((q) => {
    const p = of('prometheus', q.id);
    const a = of('argus', q.id);
    const prometheusMs = p?.error === undefined ? median(p?.runsMs ?? []) : NaN;
    const argusMs = a?.error === undefined ? median(a?.runsMs ?? []) : NaN;
    let agree = '-';
    let comparison: Comparison | undefined;
    if (a?.error !== undefined) agree = 'argus error';
    else if (p?.error !== undefined) agree = 'prometheus error';
    else if (p?.result !== undefined && a?.result !== undefined) {
      comparison = compareMatrices(p.result, a.result);
      agree = comparison.ok
        ? 'yes'
        : `MISMATCH (${comparison.gotSeries}/${comparison.wantSeries} series)`;
    }
    const count = (x: typeof p) => (x?.result === undefined ? '-' : String(x.result.length));
    return {
      id: q.id,
      expr: exprOf(q),
      prometheusMs,
      argusMs,
      ratio: argusMs / prometheusMs,
      series: `${count(p)}/${count(a)}`,
      agree,
      comparison,
      refPrometheusMs: q.refPrometheusMs,
      refVictoriaMs: q.refVictoriaMs,
      argusLoopMaxMs: a?.loopMaxMs ?? NaN,
    };
  });
}

function renderRows(rows: Row[]): string {
  return textTable(
    [
      'query',
      'Prometheus ms',
      'Argus ms',
      'ratio',
      'target ≤ 1.00',
      'series P/A',
      'agree',
      'ref Prom ms',
      'ref VM ms',
      'Argus max stall ms',
    ],
    rows.map((r) => [
      r.id,
      ms(r.prometheusMs),
      ms(r.argusMs),
      Number.isNaN(r.ratio) ? '-' : `${r.ratio.toFixed(2)}×`,
      Number.isNaN(r.ratio) ? '-' : r.ratio <= 1 ? 'met' : 'MISSED',
      r.series,
      r.agree,
      String(r.refPrometheusMs),
      String(r.refVictoriaMs),
      ms(r.argusLoopMaxMs),
    ]),
  );
}

async function profileTop(
  argusResult: QueryPeerResult | undefined,
  rows: Row[],
  profileDir: string,
): Promise<
  { query: string; file: string; wallMs: number; busyMs: number; top: HotFunction[] } | undefined
> {
  if (argusResult === undefined || argusResult.skipped !== undefined) return undefined;
  const file =
    argusResult.profileFile ?? (await newestProfile(profileDir, argusResult.spawnedAtEpochMs));
  if (file === undefined) {
    log('argus: no CPU profile found (was the server stopped cleanly?)');
    return undefined;
  }
  const ranked = rows.filter((r) => !Number.isNaN(r.ratio)).sort((a, b) => b.ratio - a.ratio);
  const worst = ranked[0] ?? rows[0];
  const timing = argusResult.queries.find((q) => q.id === worst?.id);
  if (worst === undefined || timing === undefined) return undefined;
  const { top, busyMs } = hotFunctions(await readProfile(file), timing.windows, 15);
  const wallMs = timing.runsMs.reduce((x, y) => x + y, 0);
  return { query: worst.id, file, wallMs, busyMs, top };
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(process.argv.slice(2), {
    series: 'number',
    only: 'string',
    runs: 'number',
    senders: 'number',
    seed: 'number',
    keep: 'boolean',
    out: 'string',
    'cpu-prof': 'boolean',
  });
  const num = (k: string, d: number): number => Number(args.get(k) ?? d);
  // --only mixes peer names and query ids, like the ingest benchmark's --only=argus.
  const only = (args.get('only') ?? '').split(',').filter((s) => s !== '');
  const all: Peer[] = [prometheus, argus];
  const onlyPeers = only.filter((s) => all.some((p) => p.name === s));
  const peers = onlyPeers.length === 0 ? all : all.filter((p) => onlyPeers.includes(p.name));
  const queries = selectQueries(only.filter((s) => !onlyPeers.includes(s)).join(','));
  const runs = Math.max(1, num('runs', 7));

  const stepMs = 15_000;
  const t0 = performance.now();
  const endMs = Math.floor(Date.now() / stepMs) * stepMs;
  const load = generateLoad({
    series: num('series', 100_000),
    steps: 240,
    stepMs,
    samplesPerRequest: 2000,
    changeRatio: 0.77,
    seed: num('seed', 1),
    endMs,
    queryShape: true,
  });
  const range = hourRange(load.lastTs, stepMs);
  log(
    `load: ${load.hosts} hosts × 176 = ${load.series} series × 240 steps = ${load.samples} samples ` +
      `(query shape: region label, 4 CPUs), built in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
      `queries: ${queries.length} × (1 warm-up + ${runs} runs), range ${range.start}..${range.end} step ${range.step}s`,
  );

  const profileDir = path.resolve('.bench', 'profiles');
  const cpuProfileDir = args.has('cpu-prof') ? profileDir : undefined;
  const results: QueryPeerResult[] = [];
  const skipped: Record<string, string> = {};
  const failed: Record<string, string> = {};
  // One peer after the other on the same machine: never two servers loaded or querying at once.
  for (const peer of peers) {
    const why = peer.unavailable();
    if (why !== '') {
      skipped[peer.name] = why;
      log(`${peer.name}: SKIPPED: ${why}`);
      continue;
    }
    try {
      const r = await runQueryPeer(peer, load, queries, {
        range,
        runs,
        senders: num('senders', 4),
        keep: args.has('keep'),
        cpuProfileDir,
        log,
      });
      if (r.skipped !== undefined) {
        skipped[peer.name] = r.skipped;
        log(`${peer.name}: SKIPPED: ${r.skipped}`);
      }
      results.push(r);
    } catch (err) {
      failed[peer.name] = err instanceof Error ? err.message : String(err);
      log(`${peer.name}: FAILED: ${failed[peer.name]}`);
    }
  }

  const rows = buildRows(queries, results);
  console.log(`\n${renderRows(rows)}\n`);
  console.log(
    'ratio = Argus ÷ Prometheus medians of this run (target ≤ 1.00); ref = PERFORMANCE.md at 100k series ' +
      '(Prometheus 2.42 / VictoriaMetrics 1.79.5). Shared, noisy machine: treat differences under ~20% as noise. ' +
      "Argus max stall = the longest its event loop was blocked during the query's timed runs (nodejs_eventloop_lag_max_seconds).",
  );
  for (const [peer, why] of Object.entries(skipped)) console.log(`${peer}: skipped: ${why}`);
  for (const r of rows) {
    if (r.comparison !== undefined && !r.comparison.ok)
      console.log(`${r.id}: answers differ: ${r.comparison.firstDiff}`);
  }
  for (const r of results) {
    for (const q of r.queries.filter((x) => x.error !== undefined))
      console.log(`${r.peer}: ${q.id}: ${q.error}`);
  }

  const prof = cpuProfileDir
    ? await profileTop(
        results.find((r) => r.peer === 'argus'),
        rows,
        profileDir,
      )
    : undefined;
  if (prof !== undefined) {
    console.log(
      `\nArgus CPU during the timed runs of ${prof.query}: ${prof.busyMs.toFixed(0)} ms sampled in ` +
        `${prof.wallMs.toFixed(0)} ms wall; self time by function (${prof.file}):`,
    );
    console.log(
      textTable(
        ['function', 'self ms', '%'],
        prof.top.map((h) => [h.name, h.selfMs.toFixed(0), h.percent.toFixed(1)]),
      ),
    );
  }

  const out = args.get('out') ?? defaultOut('query');
  await writeResults(out, {
    when: new Date().toISOString(),
    machine: await machine(),
    config: {
      series: load.series,
      hosts: load.hosts,
      steps: 240,
      runs,
      range,
      peers: 'sequential',
    },
    rows: rows.map(({ comparison, ...r }) => ({ ...r, comparison })),
    perPeer: results.map((r) => ({
      ...r,
      queries: r.queries.map(({ result, windows: _w, ...q }) => ({ ...q, series: result?.length })),
    })),
    skipped,
    failed,
    profile: prof,
  });
  log(`results written to ${out}`);
  const mismatch = rows.some((r) => r.comparison !== undefined && !r.comparison.ok);
  return Object.keys(failed).length > 0 || mismatch ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
