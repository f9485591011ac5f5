import type { LineFilter, LogTime } from '../storage/index.js';
import { compileLineFilters } from '../storage/index.js';
import { LONE_SURROGATE, scanColumnar } from './chunk-columnar-scan.js';
import { inflate } from './chunk-columnar-cols.js';
import { chunkFormatOf, decodeChunk, FORMAT_COLUMNAR } from './chunk.js';
import { ByteReader, FORMAT_Q4, linesText, readFields, readLines, readTs } from './chunk-q4.js';
import { regexLiterals } from './regex-literals.js';
import type { ChunkData } from './types.js';

/**
 * Filtered reads of encoded chunks (ADR 0005 "literal prefilter"). A q4 chunk is decompressed
 * and its lines text searched natively (`Buffer.indexOf`) for the literals every passing line
 * must contain: a chunk lacking one is done without splitting a line, and otherwise only the
 * lines around hits of the most selective literal are decoded and tested, so a sparse `|=` or
 * `|~` costs one decompression plus a few lines instead of a string per line.
 */

/** How to filter a chunk's lines: the exact predicate plus what every passing line contains. */
export interface ScanPlan {
  pass: (line: string) => boolean;
  /** Any-of groups: every passing line contains at least one string of each group. */
  groups: string[][];
  /** The longest one-string group's literal as UTF-8 (hits are searched for it), if any. */
  anchor?: Buffer;
  /** The other groups as UTF-8, checked for presence before hits are searched. */
  needles: Buffer[][];
  /** Whether `pass` accepts every line (no filters). */
  all: boolean;
  /** The filters the plan was made from (to make it again in a worker). */
  filters: readonly LineFilter[];
}

/** The plan for `filters` (ANDed): `|=` values and the required literals of `|~` regexes. */
export function planScan(filters: readonly LineFilter[]): ScanPlan {
  const groups: string[][] = [];
  for (const f of filters) {
    if (f.op === '|=' && f.value !== '') groups.push([f.value]);
    else if (f.op === '|~') groups.push(...regexLiterals(f.value));
  }
  // Literals are searched as UTF-8 bytes, which a lone surrogate has none of: `pass` decides.
  for (let i = groups.length - 1; i >= 0; i--)
    if (groups[i].some((x) => LONE_SURROGATE.test(x))) groups.splice(i, 1);
  let a = -1;
  for (let i = 0; i < groups.length; i++)
    if (
      groups[i].length === 1 &&
      !groups[i][0].includes('\n') && // hits are cut into lines at "\n"
      (a < 0 || groups[i][0].length > groups[a][0].length)
    )
      a = i;
  return {
    pass: compileLineFilters(filters),
    groups,
    anchor: a < 0 ? undefined : Buffer.from(groups[a][0], 'utf8'),
    needles: groups.filter((_, i) => i !== a).map((g) => g.map((x) => Buffer.from(x, 'utf8'))),
    all: filters.length === 0,
    filters,
  };
}

/** The literals of `plan` one string each (for the bloom, as `|=` filters would give). */
export function bloomFilters(plan: ScanPlan): LineFilter[] {
  return plan.groups.filter((g) => g.length === 1).map((g) => ({ op: '|=', value: g[0] }));
}

/** Decoded records: a chunk's, or a head chunk's (whose timestamps are a plain array). */
export interface Records {
  ts: ArrayLike<bigint>;
  lines: string[];
  fields: ChunkData['fields'];
}

export interface ScanResult {
  /** Records in `[start, end)` that pass, in chunk order. */
  data: Records;
  /** Records of the chunk in `[start, end)` (read stats). */
  entries: number;
}

const EMPTY: ChunkData = { ts: new BigInt64Array(0), lines: [], fields: [] };

/**
 * The records of encoded chunk `data` within `[start, end)` that pass `plan`. `inRange` says
 * the whole chunk lies in `[start, end)` (its timestamps then need decoding only for hits).
 */
export function scanChunkBytes(
  data: Uint8Array,
  plan: ScanPlan,
  start: LogTime,
  end: LogTime,
  inRange: boolean,
): ScanResult {
  if (data.length >= 2 && data[0] === FORMAT_COLUMNAR) {
    // Columns are searched for the literals; only candidate rows in range are rebuilt.
    chunkFormatOf(data); // checks the version as decodeChunk would
    const pass = plan.all ? () => true : plan.pass;
    return inRange
      ? scanColumnar(data, pass, plan.groups)
      : scanColumnar(data, pass, plan.groups, start, end);
  }
  if (data.length < 2 || data[0] !== FORMAT_Q4 || plan.all)
    return filterRange(decodeChunk(data), plan, start, end);
  const r = new ByteReader(data, 'q4', 2);
  const n = r.uvarint();
  const tsLen = r.uvarint();
  if (n > tsLen) r.fail(`${n} records with ${tsLen} timestamp bytes (want at least 1 each)`);
  const tsBytes = r.bytes(tsLen);
  const body = new ByteReader(inflate(r, r.uvarint()), 'q4 body');
  const text = linesText(body);
  const buf = Buffer.from(text.buffer, text.byteOffset, text.length);
  const entries = (): number =>
    inRange ? n : countRange(readTs(new ByteReader(tsBytes, 'q4 timestamps'), n), start, end);
  for (const g of plan.needles)
    if (!g.some((lit) => buf.indexOf(lit, 0) >= 0)) return { data: EMPTY, entries: entries() };
  const multiAt = body.pos;
  const anchor = plan.anchor;
  if (anchor === undefined || body.uvarint() !== 0) {
    // No literal to search for, or lines holding "\n": split every line.
    body.pos = multiAt;
    const ts = readTs(new ByteReader(tsBytes, 'q4 timestamps'), n);
    const lines = readLines(body, text, n);
    return filterRange({ ts, lines, fields: readFields(body, n) }, plan, start, end);
  }
  const keep: number[] = [];
  const kept: string[] = [];
  let line = 0; // index of the line starting at `at`
  let at = 0;
  for (let h = buf.indexOf(anchor, 0); h >= 0; h = buf.indexOf(anchor, at)) {
    for (let nl = buf.indexOf(10, at); nl >= 0 && nl < h; nl = buf.indexOf(10, at)) {
      at = nl + 1;
      line++;
    }
    let le = buf.indexOf(10, h + anchor.length);
    if (le < 0) le = buf.length;
    const s = buf.toString('utf8', at, le);
    if (plan.pass(s)) {
      keep.push(line);
      kept.push(s);
    }
    at = le + 1;
    line++;
    if (at >= buf.length) break;
  }
  if (keep.length === 0) return { data: EMPTY, entries: entries() };
  if (line > n) body.fail(`more lines than the ${n} records`);
  const fields = readFields(body, n);
  const picked =
    pickTs(tsBytes, n, keep) ?? pickFrom(readTs(new ByteReader(tsBytes, 'q4 timestamps'), n), keep);
  const out: ChunkData = { ts: new BigInt64Array(keep.length), lines: [], fields: [] };
  let k = 0;
  for (let j = 0; j < keep.length; j++) {
    const t = picked[j];
    if (t < start || t >= end) continue;
    out.ts[k++] = t;
    out.lines.push(kept[j]);
    out.fields.push(fields[keep[j]]);
  }
  return {
    data: k === keep.length ? out : { ...out, ts: out.ts.slice(0, k) },
    entries: inRange
      ? n
      : countRange(readTs(new ByteReader(tsBytes, 'q4 timestamps'), n), start, end),
  };
}

function pickFrom(ts: BigInt64Array, idx: readonly number[]): BigInt64Array {
  return BigInt64Array.from(idx, (i) => ts[i]);
}

/**
 * The timestamps of records `idx` (ascending) from the q4 timestamp column, with the deltas
 * decoded as numbers instead of one BigInt per record (a chunk's offsets from its first
 * timestamp fit a double exactly); null when something does not fit: use `readTs`.
 */
export function pickTs(col: Uint8Array, n: number, idx: readonly number[]): BigInt64Array | null {
  if (n === 0) return new BigInt64Array(0);
  const r = new ByteReader(col, 'q4 timestamps');
  const t0 = r.varintBig();
  const out = new BigInt64Array(idx.length);
  let w = 0;
  if (idx[0] === 0) out[w++] = t0;
  let pos = r.pos;
  let d = 0;
  let off = 0;
  for (let i = 1; i < n && w < idx.length; i++) {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (pos >= col.length) return null;
      const b = col[pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 0x80;
      if (mul > 2 ** 49) return null;
    }
    if (v > Number.MAX_SAFE_INTEGER) return null;
    d += v % 2 === 1 ? -(v + 1) / 2 : v / 2;
    off += d;
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(d)) return null;
    if (idx[w] === i) out[w++] = t0 + BigInt(off);
  }
  return w === idx.length ? out : null;
}

function countRange(ts: ArrayLike<bigint>, start: LogTime, end: LogTime): number {
  let c = 0;
  for (let i = 0; i < ts.length; i++) if (ts[i] >= start && ts[i] < end) c++;
  return c;
}

/** Decoded records in `[start, end)` that pass `plan`. */
export function filterRange(d: Records, plan: ScanPlan, start: LogTime, end: LogTime): ScanResult {
  const keep: number[] = [];
  let entries = 0;
  for (let i = 0; i < d.ts.length; i++) {
    const t = d.ts[i];
    if (t < start || t >= end) continue;
    entries++;
    if (plan.all || plan.pass(d.lines[i])) keep.push(i);
  }
  if (keep.length === d.ts.length) return { data: d, entries };
  return {
    data: {
      ts: BigInt64Array.from(keep, (i) => d.ts[i]),
      lines: keep.map((i) => d.lines[i]),
      fields: keep.map((i) => d.fields[i]),
    },
    entries,
  };
}
