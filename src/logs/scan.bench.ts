/**
 * Log search micro-benchmark (plain script): the querier (`makeLogQuerier`) over a chunk store
 * built from a `bench/logs-gen.ts` corpus, next to grep on the corpus's raw file. Builds the
 * store once (q4 chunks of 1 MiB per stream + blooms, as sealing does) into STORE_DIR and
 * reuses it on later runs, so query changes can be measured quickly.
 *
 *   npx tsc -p tsconfig.json && node dist/src/logs/scan.bench.js CORPUS_DIR STORE_DIR [runs]
 *
 * `SCAN_THREADS=n` sets the scan workers (0: filter on the main thread), `ONLY=rare|regex|all`,
 * `FORMAT=columnar` builds columnar chunks (what compaction leaves) instead of q4.
 *
 * Prints best-of-`runs` wall ms per query (warm page cache on both sides) and the read stats.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { DEFAULT_TENANT, Labels, Matcher } from '../model/index.js';
import type { LineFilter } from '../storage/index.js';
import { newBlockId, writeBlock, type BlockChunkInput } from './block.js';
import { buildBloom } from './bloom.js';
import { encodeChunk } from './chunk.js';
import { FileChunkStore } from './chunk-store.js';
import { Head } from './head.js';
import { logScanPool } from './scan-pool.js';
import { makeLogQuerier } from './store-query.js';

const CORPUS = process.argv[2] ?? '/tmp/b9-corpus-1g';
const STORE = process.argv[3] ?? '/tmp/p2-store-1g';
const RUNS = Number(process.argv[4] ?? 3);
const REGEX = 'status=5[0-9]{2}.*timeout';
const CHUNK = 1 << 20;
const FORMAT = process.env.FORMAT === 'columnar' ? 'columnar' : 'q4';

interface CorpusJson {
  streams: Record<string, string>[];
  lines: number;
  needle: string;
  regexLines: number;
  rawFile: string;
}

async function build(c: CorpusJson): Promise<void> {
  const raw = readFileSync(c.rawFile);
  const streamOf = readFileSync(`${CORPUS}/streams.u8`);
  const tsBuf = readFileSync(`${CORPUS}/ts.f64`);
  const tsOf = new Float64Array(tsBuf.buffer, tsBuf.byteOffset, c.lines);
  const labels = c.streams.map((s) => Labels.fromObject(s));
  const acc = labels.map(() => ({ lines: [] as string[], ts: [] as bigint[], bytes: 0 }));
  const tdir = `${STORE}/tenants/${DEFAULT_TENANT}`;
  await mkdir(tdir, { recursive: true });
  let pending: BlockChunkInput[] = [];
  const flush = async (force: boolean): Promise<void> => {
    if (pending.length === 0 || (!force && pending.length < 64)) return;
    await writeBlock(tdir, DEFAULT_TENANT, newBlockId(Date.now()), pending);
    pending = [];
  };
  const cut = (k: number): void => {
    const a = acc[k];
    if (a.lines.length === 0) return;
    const data = encodeChunk(
      { ts: BigInt64Array.from(a.ts), lines: a.lines, fields: a.lines.map(() => undefined) },
      FORMAT,
    );
    pending.push({
      labels: labels[k],
      mint: a.ts[0],
      maxt: a.ts[a.ts.length - 1],
      entries: a.lines.length,
      rawBytes: a.bytes,
      format: FORMAT,
      data,
      bloom: buildBloom(a.lines),
    });
    acc[k] = { lines: [], ts: [], bytes: 0 };
  };
  const base = BigInt(Date.UTC(2026, 0, 15, 10)) * 1_000_000n;
  let pos = 0;
  for (let i = 0; i < c.lines; i++) {
    const nl = raw.indexOf(10, pos);
    const line = raw.toString('utf8', pos, nl);
    const len = nl - pos + 1;
    pos = nl + 1;
    const k = streamOf[i];
    const a = acc[k];
    a.lines.push(line);
    a.ts.push(base + BigInt(Math.round(tsOf[i])));
    a.bytes += len;
    if (a.bytes >= CHUNK) {
      cut(k);
      await flush(false);
    }
  }
  for (let k = 0; k < acc.length; k++) cut(k);
  await flush(true);
}

async function main(): Promise<void> {
  const c = JSON.parse(readFileSync(`${CORPUS}/corpus.json`, 'utf8')) as CorpusJson;
  if (!existsSync(STORE)) {
    const t0 = performance.now();
    await build(c);
    console.log(`built ${STORE} in ${Math.round(performance.now() - t0)} ms`);
  }
  const store = await FileChunkStore.open({ dir: STORE });
  if (process.env.SCAN_THREADS !== undefined)
    logScanPool.threads = Number(process.env.SCAN_THREADS);
  /** Wall and CPU ms of one grep run (CPU from bash's `times`; output to a file, as grep stops at the first match when it sees /dev/null). */
  const grep = (args: string[]): [number, number] => {
    const t0 = performance.now();
    const q = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const out = execFileSync('bash', ['-c', `grep ${q} '${c.rawFile}' >/tmp/p2-grep.out; times`], {
      encoding: 'utf8',
    });
    const wall = performance.now() - t0;
    const ms = [...out.split('\n')[1].matchAll(/(\d+)m([\d.]+)s/g)].map(
      (m) => (Number(m[1]) * 60 + Number(m[2])) * 1000,
    );
    return [wall, ms[0] + ms[1]];
  };
  const sel = [new Matcher('=~', 'job', 'nginx|app')];
  const run = async (
    name: string,
    filters: LineFilter[],
    want: number | undefined,
    peer: string[] | undefined,
  ): Promise<void> => {
    let best = Infinity;
    let cpu = Infinity;
    let n = 0;
    let stats;
    for (let r = 0; r <= RUNS; r++) {
      const q = makeLogQuerier(new Head(), store, DEFAULT_TENANT);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      n = 0;
      for await (const s of q.select({ matchers: sel, start: 0n, end: 1n << 62n, filters }))
        for await (const b of s.entries()) n += b.length;
      const ms = performance.now() - t0;
      const cu = process.cpuUsage(c0);
      if (r > 0) {
        // run 0 warms up
        best = Math.min(best, ms);
        cpu = Math.min(cpu, (cu.user + cu.system) / 1000);
      }
      stats = q.readStats();
    }
    let g = Infinity;
    let gcpu = Infinity;
    if (peer)
      for (let r = 0; r <= RUNS; r++) {
        const [w, cp] = grep(peer);
        g = Math.min(g, w);
        gcpu = Math.min(gcpu, cp);
      }
    console.log(
      JSON.stringify({
        name,
        argusMs: Math.round(best),
        argusCpuMs: Math.round(cpu),
        grepMs: peer ? Math.round(g) : undefined,
        grepCpuMs: peer ? Math.round(gcpu) : undefined,
        ratio: peer ? Number((best / g).toFixed(2)) : undefined,
        lines: n,
        want,
        stats,
      }),
    );
  };
  const only = process.env.ONLY;
  if (!only || only === 'rare')
    await run('rare', [{ op: '|=', value: c.needle }], 1, ['-F', '-c', c.needle]);
  if (!only || only === 'regex')
    await run('regex', [{ op: '|~', value: REGEX }], c.regexLines, ['-E', '-c', REGEX]);
  if (!only || only === 'all') await run('all', [], c.lines, ['-c', '']);
  await store.close();
  await logScanPool.close();
}

void main();
