/**
 * The logs benchmark's corpus (issue #9, approach of the ADR 0005 study's gen.mjs): 50 streams
 * (25 nginx access logs, 25 JSON app logs) over one hour, trace ids reused across services,
 * 0.1% of all lines matching REGEX, and one rare trace id planted exactly once. Deterministic
 * for a seed and size. Writes `raw.log` (the grep side) and, per line, its stream index
 * (`streams.u8`) and timestamp offset from `baseNs` in ns (`ts.f64`, the push side).
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { mulberry32 } from './rand.js';

/** The regex filter of query (b): matches the "after timeout" upstream errors only. */
export const REGEX = 'status=5[0-9]{2}.*timeout';
/** Timestamps start here (a fixed past hour, so a corpus is the same bytes on every run). */
export const BASE_MS = Date.UTC(2026, 0, 15, 10, 0, 0);
export const HOUR_MS = 3_600_000;
/** Corpus format version: a cached corpus of another version is regenerated. */
const VERSION = 1;

export interface StreamDef {
  job: 'nginx' | 'app';
  service: string;
  env: string;
  instance: string;
  pod: string;
}

export interface Corpus {
  dir: string;
  rawFile: string;
  streams: StreamDef[];
  lines: number;
  /** Size of raw.log (line bytes + one newline per line). */
  fileBytes: number;
  /** Bytes of the lines without their newlines (what a push carries). */
  lineBytes: number;
  needle: string;
  /** Lines matching REGEX, counted while generating (cross-checked against grep). */
  regexLines: number;
  /** nginx lines per status code. */
  nginxStatus: Record<string, number>;
  seed: number;
  targetBytes: number;
  version: number;
}

const SERVICES = ['checkout', 'cart', 'payments', 'users', 'search', 'catalog', 'shipping'];
const MORE_SERVICES = ['auth', 'gateway', 'inventory', 'orders', 'notify', 'billing'];
const ENVS = ['prod', 'staging', 'dev'];
const PATHS = [
  '/api/v1/users/{id}',
  '/api/v1/orders/{id}/items',
  '/api/v1/cart',
  '/api/v1/search?q={q}&page={p}',
  '/static/js/app.{h}.js',
  '/healthz',
  '/api/v1/products/{id}',
  '/api/v2/checkout',
  '/login',
  '/api/v1/payments/{id}/capture',
];
const UAS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'curl/8.4.0',
  'Go-http-client/1.1',
  'kube-probe/1.28',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE'];
const WORDS = ['shoes', 'red', 'phone', 'case', 'laptop', 'bag', 'coffee', 'book', 'lamp', 'desk'];
const MSGS = [
  'request completed',
  'order placed',
  'cache miss',
  'cache hit',
  'user authenticated',
  'payment authorized',
  'item added to cart',
  'db query',
  'retrying request',
  'connection pool exhausted',
];
const LEVELS = ['info', 'info', 'info', 'info', 'info', 'debug', 'debug', 'warn', 'error'];
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HEX = '0123456789abcdef';

const p2 = (n: number): string => (n < 10 ? '0' : '') + n;

/** Loads the corpus cached in `dir` when it was made with the same seed, size and version. */
export function loadCorpus(dir: string, seed: number, targetBytes: number): Corpus | undefined {
  const f = path.join(dir, 'corpus.json');
  if (!existsSync(f)) return undefined;
  const c = JSON.parse(readFileSync(f, 'utf8')) as Corpus;
  return c.seed === seed && c.targetBytes === targetBytes && c.version === VERSION
    ? { ...c, dir, rawFile: path.join(dir, 'raw.log') }
    : undefined;
}

/** Generates ~targetBytes of log lines into `dir` (see the file comment). */
export function generateCorpus(dir: string, seed: number, targetBytes: number): Corpus {
  const rnd = mulberry32(seed);
  const ri = (n: number): number => (rnd() * n) | 0;
  const pick = <T>(a: readonly T[]): T => a[ri(a.length)];
  const hex = (n: number): string => {
    let o = '';
    for (let i = 0; i < n; i++) o += HEX[ri(16)];
    return o;
  };
  const status = (): number => {
    const r = rnd();
    if (r < 0.9) return 200;
    if (r < 0.95) return 304;
    if (r < 0.97) return 404;
    if (r < 0.985) return 201;
    if (r < 0.995) return 400;
    return pick([500, 502, 503, 504]);
  };
  const services = [...SERVICES, ...MORE_SERVICES];
  const streams: StreamDef[] = [];
  for (let i = 0; i < 50; i++) {
    const nginx = i < 25;
    const service = services[i % services.length];
    streams.push({
      job: nginx ? 'nginx' : 'app',
      service,
      env: ENVS[i % 3],
      instance: `host-${i % 17}:${nginx ? 80 : 8080}`,
      pod: `${service}-${hex(5)}`,
    });
  }

  mkdirSync(dir, { recursive: true });
  const rawFile = path.join(dir, 'raw.log');
  const out = openSync(rawFile, 'w');
  // Per-line side data, grown as needed (≈ 210 bytes per line).
  let cap = Math.ceil(targetBytes / 150) + 1024;
  let streamOf = new Uint8Array(cap);
  let tsOf = new Float64Array(cap);
  const nginxStatus: Record<string, number> = {};
  const recent: string[] = [];
  const needleAt = Math.floor(targetBytes / 2);
  let needle = '';
  let lines = 0;
  let fileBytes = 0;
  let regexLines = 0;
  let parts: string[] = [];
  let partBytes = 0;
  let nginxTime = '';
  let nginxSecond = -1;
  while (fileBytes < targetBytes) {
    // Timestamps spread the corpus evenly over the hour, strictly inside (base, base + 1h).
    const offNs = 1000 + Math.floor((fileBytes / targetBytes) * (HOUR_MS * 1e6 - 2000));
    const ms = BASE_MS + Math.floor(offNs / 1e6);
    const si = ri(50);
    const st = streams[si];
    let trace: string;
    if (recent.length > 0 && rnd() < 0.4) trace = recent[ri(recent.length)];
    else {
      trace = hex(32);
      recent.push(trace);
      if (recent.length > 64) recent.shift();
    }
    if (needle === '' && fileBytes >= needleAt) {
      needle = hex(32); // planted once, never reused (not pushed to `recent`)
      trace = needle;
    }
    let line: string;
    if (st.job === 'nginx') {
      const sec = Math.floor(ms / 1000);
      if (sec !== nginxSecond) {
        const d = new Date(ms);
        nginxSecond = sec;
        nginxTime = `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
      }
      const s = status();
      nginxStatus[s] = (nginxStatus[s] ?? 0) + 1;
      const p = pick(PATHS)
        .replace('{id}', String(ri(100000)))
        .replace('{q}', pick(WORDS))
        .replace('{p}', String(1 + ri(9)))
        .replace('{h}', hex(8));
      const rt = (rnd() * (s >= 500 ? 5 : 0.3)).toFixed(3);
      line = `10.${ri(4)}.${ri(256)}.${ri(256)} - - [${nginxTime}] "${pick(METHODS)} ${p} HTTP/1.1" ${s} ${ri(50000)} "-" "${pick(UAS)}" rt=${rt} trace_id=${trace}`;
    } else {
      const lvl = pick(LEVELS);
      let msg = pick(MSGS);
      const r = rnd();
      // Half the lines are app lines, so 0.2% of them is 0.1% of all lines; the two other
      // upstream messages are near misses (a 5xx without timeout, a timeout without 5xx).
      if (r < 0.002) {
        msg = `upstream error status=${pick([500, 502, 503, 504])} after timeout`;
        regexLines++;
      } else if (r < 0.006) msg = `upstream error status=${pick([500, 502, 503])} connection reset`;
      else if (r < 0.01) msg = `upstream timeout status=${pick([200, 404])}`;
      const iso = new Date(ms).toISOString();
      const dur = +(rnd() * 250).toFixed(2);
      line = `{"ts":"${iso}","level":"${lvl}","service":"${st.service}","trace_id":"${trace}","span_id":"${hex(16)}","msg":"${msg}","method":"${pick(METHODS)}","route":"${pick(PATHS)}","status":${status()},"duration_ms":${dur},"user_id":${ri(200000)},"bytes":${ri(20000)}}`;
    }
    if (lines === cap) {
      cap *= 2;
      const s2 = new Uint8Array(cap);
      s2.set(streamOf);
      streamOf = s2;
      const t2 = new Float64Array(cap);
      t2.set(tsOf);
      tsOf = t2;
    }
    streamOf[lines] = si;
    tsOf[lines] = offNs;
    lines++;
    line += '\n';
    parts.push(line);
    partBytes += line.length; // ASCII only
    fileBytes += line.length;
    if (partBytes >= 4 << 20) {
      writeSync(out, parts.join(''));
      parts = [];
      partBytes = 0;
    }
  }
  writeSync(out, parts.join(''));
  closeSync(out);
  writeFileSync(path.join(dir, 'streams.u8'), streamOf.subarray(0, lines));
  writeFileSync(path.join(dir, 'ts.f64'), new Uint8Array(tsOf.buffer, 0, lines * 8));
  const corpus: Corpus = {
    dir,
    rawFile,
    streams,
    lines,
    fileBytes,
    lineBytes: fileBytes - lines,
    needle,
    regexLines,
    nginxStatus,
    seed,
    targetBytes,
    version: VERSION,
  };
  writeFileSync(path.join(dir, 'corpus.json'), JSON.stringify(corpus, null, 1));
  return corpus;
}

/** The per-line stream indexes and timestamp offsets (ns from BASE_MS) of a corpus. */
export function readLineMeta(c: Corpus): { streamOf: Uint8Array; tsOf: Float64Array } {
  const s = readFileSync(path.join(c.dir, 'streams.u8'));
  const t = readFileSync(path.join(c.dir, 'ts.f64'));
  const tsOf = new Float64Array(c.lines);
  new Uint8Array(tsOf.buffer).set(t.subarray(0, c.lines * 8));
  return { streamOf: new Uint8Array(s.buffer, s.byteOffset, c.lines), tsOf };
}

/** `{env="prod", instance="…", job="nginx", pod="…", service="…"}` for a push. */
export function streamSelector(s: StreamDef): string {
  return `{env="${s.env}", instance="${s.instance}", job="${s.job}", pod="${s.pod}", service="${s.service}"}`;
}
