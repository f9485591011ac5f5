import {
  COL_HEX,
  COL_INT,
  COL_DEC,
  COL_INT_PLAIN,
  COL_TIME,
  COL_TIME_REL,
  COL_TEXT,
  type ColumnBytes,
  type ColumnRef,
} from './chunk-columnar-cols.js';
import { allTimes, markTimes, pickTimes } from './chunk-columnar-ts.js';
import {
  type ColumnarParts,
  KIND_FIELDS,
  KIND_JSON,
  KIND_RAW,
  parseColumnar,
  rebuild,
} from './chunk-columnar.js';
import type { ChunkData } from './types.js';

/**
 * Filtered reads of columnar chunks without rebuilding every line. A line is its shape's
 * template (JSON keys and punctuation, or the spaces between fields) around its column values,
 * and every template byte next to a value is a boundary character (`"{}:,` for JSON, space for
 * fields). So a run of a literal without boundary characters lies, in any line holding the
 * literal, inside one value or inside the template. Searching the longest such run in the
 * column texts (one native `indexOf` per column) and the templates gives the only records that
 * can hold the literal; just those are rebuilt and tested with `pass`, which still decides.
 */

const JSON_BOUNDARY = /["{}:,]/;
export const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const EMPTY: ChunkData = { ts: new BigInt64Array(0), lines: [], fields: [] };

/** The longest run of `lit` without a character of `boundary` ('' if none). */
function longestRun(lit: string, boundary: RegExp | string): string {
  let best = '';
  for (const run of lit.split(boundary)) if (run.length > best.length) best = run;
  return best;
}

export interface ColumnarScan {
  /** The passing records (in `[start, end)` when given), in chunk order. */
  data: ChunkData;
  /** Records of the chunk in `[start, end)` (all without a range). */
  entries: number;
}

/**
 * The records of columnar chunk `data` whose line passes `pass`, in chunk order. `groups` are
 * any-of literal groups: every passing line contains at least one literal of each group (the
 * `|=` values, or the required literals of a `|~`). With `start`/`end`, only records in
 * `[start, end)` are considered. Same results as filtering the decoded chunk.
 */
export function scanColumnar(
  data: Uint8Array,
  pass: (line: string) => boolean,
  groups: readonly (readonly string[])[] = [],
  start?: bigint,
  end?: bigint,
): ColumnarScan {
  const p = parseColumnar(data);
  let rows: Uint8Array | undefined;
  let entries = p.n;
  if (start !== undefined && end !== undefined) {
    const inRange = new Uint8Array(p.n);
    entries = markTimes(p.times, start, end, inRange);
    if (entries === 0) return { data: EMPTY, entries };
    if (entries < p.n) rows = inRange;
  }
  for (const g of groups) {
    if (g.length === 0) continue;
    const any = new Uint8Array(p.n);
    for (const lit of g) mark(p, lit, any);
    if (rows) for (let i = 0; i < p.n; i++) rows[i] &= any[i];
    else rows = any;
    if (rows.indexOf(1) < 0) return { data: EMPTY, entries };
  }
  const lines = rebuild(p, rows);
  const keep: number[] = [];
  const kept: string[] = [];
  for (let i = 0, l = 0; i < p.n; i++) {
    if (rows && !rows[i]) continue;
    const line = lines[l++];
    if (pass(line)) {
      keep.push(i);
      kept.push(line);
    }
  }
  if (keep.length === p.n)
    return { data: { ts: allTimes(p.times), lines: kept, fields: p.fields }, entries };
  return {
    data: {
      ts: pickTimes(p.times, keep),
      lines: kept,
      fields: keep.map((i) => p.fields[i]),
    },
    entries,
  };
}

/** Sets `rows[i]` for every record whose line may contain `lit`. */
function mark(p: ColumnarParts, lit: string, rows: Uint8Array): void {
  const { n, shapes, shapeOf, cols } = p;
  // Per shape: 1 when all its records are candidates (raw, or the run is in its template).
  const whole = new Uint8Array(shapes.length);
  // A lone surrogate has no UTF-8 bytes to search for: every record stays a candidate.
  const runs = LONE_SURROGATE.test(lit)
    ? ['', '']
    : [longestRun(lit, JSON_BOUNDARY), longestRun(lit, ' ')];
  // Per column and run (JSON, fields): which values hold the run, searched on first need.
  const colHit = new Array<Uint8Array | undefined>(cols.length * 2);
  const hitsOf = (ci: number, k: number): Uint8Array =>
    (colHit[ci * 2 + k] ??= valuesHolding(cols[ci], runs[k]));
  for (let s = 0; s < shapes.length; s++) {
    const sh = shapes[s];
    if (sh.kind === KIND_RAW) whole[s] = 1;
    else if (sh.kind === KIND_JSON) {
      const run = runs[0];
      if (run === '' || sh.keys.some((k) => k.includes(run))) whole[s] = 1;
    } else if (sh.kind === KIND_FIELDS && runs[1] === '') whole[s] = 1;
  }
  const cursor = new Int32Array(cols.length);
  for (let i = 0; i < n; i++) {
    const sh = shapes[shapeOf[i]];
    if (whole[shapeOf[i]]) {
      rows[i] = 1;
      if (sh.kind !== KIND_RAW) for (const ci of sh.cols) cursor[ci]++;
      continue;
    }
    const k = sh.kind === KIND_JSON ? 0 : 1;
    let hit = 0;
    for (const ci of sh.cols) hit |= hitsOf(ci, k)[cursor[ci]++];
    if (hit) rows[i] = 1;
  }
}

/** What the typed part of a column's values is made of (null: anything). */
function alphabet(type: number): RegExp | null {
  if (type === COL_HEX) return /^[0-9a-f]*$/;
  if (type === COL_INT || type === COL_INT_PLAIN) return /^[0-9-]*$/;
  if (type === COL_TIME || type === COL_TIME_REL) return /^[0-9TZ:.-]*$/;
  if (type === COL_DEC) return /^[0-9.-]*$/;
  return null;
}

const NONE = 0;
const SOME = 1;
const EVERY = 2;

/**
 * Whether the values of column `c` (its prefix, then a typed part) can hold `run`, from the
 * header alone: in every value when the prefix holds it; in none when it fits neither the typed
 * part's alphabet nor across the prefix's end into it; else some may (search them).
 */
export function canHold(c: ColumnRef, run: string): number {
  const pre = c.prefix;
  if (pre !== '' && pre.includes(run)) return EVERY;
  const alpha = c.type === COL_TEXT ? null : alphabet(c.type);
  if (alpha === null || alpha.test(run)) return SOME;
  for (let k = Math.min(pre.length, run.length - 1); k > 0; k--)
    if (pre.endsWith(run.slice(0, k)) && alpha.test(run.slice(k))) return SOME;
  return NONE;
}

/** One flag per value of column `c`: 1 where the value contains `run`. */
function valuesHolding(c: ColumnRef, run: string): Uint8Array {
  const out = new Uint8Array(c.count + 1); // +1: a too-short column reads 0, rebuild reports it
  const can = canHold(c, run);
  if (can === EVERY) out.fill(1, 0, c.count);
  if (can !== SOME) return out;
  const t: ColumnBytes = c.load().text();
  const buf = Buffer.from(t.bytes.buffer, t.bytes.byteOffset, t.bytes.length);
  const needle = Buffer.from(run, 'utf8');
  let v = 0;
  for (let at = buf.indexOf(needle, 0); at >= 0;) {
    // The value holding byte `at`: the last start at or before it (values ascend).
    while (v + 1 <= t.count && t.start[v + 1] <= at) v++;
    if (v >= t.count) break;
    const end = t.start[v + 1] - t.sep;
    if (at + needle.length <= end) {
      out[v] = 1;
      at = buf.indexOf(needle, t.start[v + 1]); // one hit per value is enough
    } else at = buf.indexOf(needle, at + 1); // straddles two values: look further
  }
  return out;
}
