/**
 * The three comparisons of the logs benchmark, each as an Argus query over the Loki API and the
 * grep command a user would run on the raw file, timed as medians of 3 after one warm-up run
 * each (warm page cache on both sides), with the results cross-checked.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { BASE_MS, HOUR_MS, REGEX, type Corpus } from './logs-gen.js';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

export interface Timed<T> {
  medianS: number;
  runsS: number[];
  /** Median CPU seconds per run: the server's process tree, or grep's (children of this process). */
  cpuMedianS: number;
  result: T;
}

export interface Comparison {
  name: string;
  logql: string;
  peer: string;
  argus: Timed<string>;
  grep: Timed<string>;
  /** What both sides must agree on (and the generator's own count where it has one). */
  want: string;
  ok: boolean;
  /** Monotonic ms windows of the timed Argus runs (for the CPU profile). */
  windows: [number, number][];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed<T>(
  runs: number,
  f: () => Promise<T>,
  cpu: () => Promise<number>,
  windows?: [number, number][],
): Promise<Timed<T>> {
  let result = await f(); // warm-up: page cache, JIT, server caches on both sides alike
  const runsS: number[] = [];
  const cpuS: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = await cpu();
    const m0 = monoMs();
    const t0 = performance.now();
    const r = await f();
    runsS.push((performance.now() - t0) / 1000);
    windows?.push([m0, monoMs()]);
    cpuS.push((await cpu()) - c0);
    if (JSON.stringify(r) !== JSON.stringify(result))
      throw new Error(
        `cannot time query: run ${i + 1} returned ${String(r)}, want ${String(result)}`,
      );
    result = r;
  }
  return { medianS: median(runsS), runsS, cpuMedianS: median(cpuS), result };
}

/** CPU seconds of this process's waited-for children (cutime + cstime, /proc/self/stat). */
async function childCpuSeconds(): Promise<number> {
  const s = await readFile('/proc/self/stat', 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / CLK_TCK;
}

/** Runs `sh -c script` with the C locale (grep's fastest) and returns its stdout. */
export function sh(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('sh', ['-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => {
      // grep exits 1 when nothing matched: a count of 0, not a failure.
      if (code !== 0 && code !== 1)
        reject(new Error(`cannot run ${script}: exit ${code}: ${Buffer.concat(err).toString()}`));
      else resolve(Buffer.concat(out).toString());
    });
  });
}

export const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface ArgusApi {
  base: string;
  headers: Record<string, string>;
  /** The server's cumulative CPU seconds. */
  cpu: () => Promise<number>;
}

interface LokiAnswer {
  status: string;
  data: {
    resultType: string;
    result: {
      stream?: Record<string, string>;
      metric?: Record<string, string>;
      values: [string, string][];
    }[];
  };
}

async function queryRange(api: ArgusApi, params: Record<string, string>): Promise<LokiAnswer> {
  const url = `${api.base}/loki/api/v1/query_range?${new URLSearchParams(params).toString()}`;
  const res = await fetch(url, { headers: api.headers, signal: AbortSignal.timeout(600_000) });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`cannot query ${params.query}: HTTP ${res.status}: ${text.slice(0, 400)}`);
  return JSON.parse(text) as LokiAnswer;
}

const nsOf = (ms: number): string => `${ms}000000`;
const WHOLE_HOUR = { start: nsOf(BASE_MS), end: nsOf(BASE_MS + HOUR_MS) };

async function countLines(api: ArgusApi, logql: string): Promise<string> {
  const a = await queryRange(api, { query: logql, ...WHOLE_HOUR, limit: '1000000' });
  let n = 0;
  for (const s of a.data.result) n += s.values.length;
  return String(n);
}

/** `status=count ...`, sorted by status. */
const statusText = (m: Map<string, number>): string =>
  [...m.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

export const SELECTOR = '{job=~"nginx|app"}';
const NGINX_PATTERN = '<_> - - [<_>] "<_> <_> <_>" <status> <_>';

export async function compareAll(api: ArgusApi, c: Corpus, runs: number): Promise<Comparison[]> {
  const out: Comparison[] = [];
  const compare = async (
    name: string,
    logql: string,
    peer: string,
    argus: () => Promise<string>,
    grep: () => Promise<string>,
    want: string,
  ): Promise<void> => {
    const windows: [number, number][] = [];
    const a = await timed(runs, argus, api.cpu, windows);
    const g = await timed(runs, grep, childCpuSeconds);
    out.push({
      name,
      logql,
      peer,
      argus: a,
      grep: g,
      want,
      ok: a.result === g.result && a.result === want,
      windows,
    });
  };

  const rare = `${SELECTOR} |= "${c.needle}"`;
  const rarePeer = `grep -F ${c.needle} ${q(c.rawFile)} | wc -l`;
  await compare(
    'rare trace id',
    rare,
    rarePeer,
    () => countLines(api, rare),
    async () => (await sh(rarePeer)).trim(),
    '1',
  );

  const regex = `${SELECTOR} |~ "${REGEX}"`;
  const regexPeer = `grep -E ${q(REGEX)} ${q(c.rawFile)} | wc -l`;
  await compare(
    'regex 0.1%',
    regex,
    regexPeer,
    () => countLines(api, regex),
    async () => (await sh(regexPeer)).trim(),
    String(c.regexLines),
  );

  // Every 5-minute window of the hour, summed: each line is counted once (windows are
  // left-open and no line sits on a window edge), so the totals per status compare 1:1.
  const metric = `sum by (status) (count_over_time({job="nginx"} | pattern \`${NGINX_PATTERN}\` [5m]))`;
  const metricPeer = `grep -oE 'HTTP/1\\.1" [0-9]{3} ' ${q(c.rawFile)} | sort | uniq -c`;
  await compare(
    'sum by status',
    metric,
    metricPeer,
    async () => {
      const a = await queryRange(api, {
        query: metric,
        start: nsOf(BASE_MS + 300_000),
        end: nsOf(BASE_MS + HOUR_MS),
        step: '300',
      });
      const m = new Map<string, number>();
      for (const s of a.data.result) {
        const k = s.metric?.status ?? '';
        for (const [, v] of s.values) m.set(k, (m.get(k) ?? 0) + Number(v));
      }
      return statusText(m);
    },
    async () => {
      const m = new Map<string, number>();
      for (const line of (await sh(metricPeer)).split('\n')) {
        const r = /^\s*(\d+) HTTP\/1\.1" (\d{3}) $/.exec(line);
        if (r) m.set(r[2], Number(r[1]));
      }
      return statusText(m);
    },
    statusText(new Map(Object.entries(c.nginxStatus))),
  );
  return out;
}
