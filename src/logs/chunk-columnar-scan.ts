import {
  COL_HEX,
  COL_INT,
  COL_DEC,
  COL_INT_PLAIN,
  COL_TIME,
  COL_TIME_REL,
  type ColumnBytes,
  type ColumnRef,
} from './chunk-columnar-cols.js';
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

const EMPTY: ChunkData = { ts: new BigInt64Array(0), lines: [], fields: [] };

/** The longest run of `lit` without a character of `boundary` ('' if none). */
function longestRun(lit: string, boundary: RegExp | string): string {
  let best = '';
  for (const run of lit.split(boundary)) if (run.length > best.length) best = run;
  return best;
}

/**
 * The records of columnar chunk `data` whose line passes `pass`, in chunk order. `groups` are
 * any-of literal groups: every passing line contains at least one literal of each group (the
 * `|=` values, or the required literals of a `|~`). Same results as filtering the decoded chunk.
 * `allTs` receives the timestamps of all records (decoded anyway).
 */
export function scanColumnar(
  data: Uint8Array,
  pass: (line: string) => boolean,
  groups: readonly (readonly string[])[] = [],
  allTs?: (ts: BigInt64Array) => void,
): ChunkData {
  const p = parseColumnar(data);
  allTs?.(p.ts); // every record's time, for callers counting records in a range
  let rows: Uint8Array | undefined;
  for (const g of groups) {
    if (g.length === 0) continue;
    const any = new Uint8Array(p.n);
    for (const lit of g) mark(p, lit, any);
    if (rows) for (let i = 0; i < p.n; i++) rows[i] &= any[i];
    else rows = any;
    if (rows.indexOf(1) < 0) return EMPTY;
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
  if (keep.length === p.n) return { ts: p.ts, lines: kept, fields: p.fields };
  return {
    ts: BigInt64Array.from(keep, (i) => p.ts[i]),
    lines: kept,
    fields: keep.map((i) => p.fields[i]),
  };
}

/** Sets `rows[i]` for every record whose line may contain `lit`. */
function mark(p: ColumnarParts, lit: string, rows: Uint8Array): void {
  const { n, shapes, shapeOf, cols } = p;
  // Per shape: 1 when all its records are candidates (raw, or the run is in its template).
  const whole = new Uint8Array(shapes.length);
  const runs = [longestRun(lit, JSON_BOUNDARY), longestRun(lit, ' ')];
  // Per column and run (JSON, fields): which values hold the run, searched on first need.
  const colHit = new Array<Uint8Array | undefined>(cols.length * 2);
  const hitsOf = (ci: number, k: number): Uint8Array =>
    (colHit[ci * 2 + k] ??= canHold(cols[ci], runs[k])
      ? valuesHolding(cols[ci].load(), runs[k])
      : new Uint8Array(cols[ci].count + 1));
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

const HEX_TEXT = /^[0-9a-f]*$/;
const INT_TEXT = /^[0-9-]*$/;
const TIME_TEXT = /^[0-9TZ:.-]*$/;
const DEC_TEXT = /^[0-9.-]*$/;

/** Whether a value of column `c` can hold `run`, from its type alone (no decoding). */
function canHold(c: ColumnRef, run: string): boolean {
  if (c.prefix !== '') return true; // the run may overlap the prefix
  if (c.type === COL_HEX) return HEX_TEXT.test(run);
  if (c.type === COL_INT || c.type === COL_INT_PLAIN) return INT_TEXT.test(run);
  if (c.type === COL_TIME || c.type === COL_TIME_REL) return TIME_TEXT.test(run);
  if (c.type === COL_DEC) return DEC_TEXT.test(run);
  return true;
}

/** One flag per value of `c`: 1 where the value contains `run`. */
function valuesHolding(c: ColumnBytes, run: string): Uint8Array {
  const out = new Uint8Array(c.count + 1); // +1: a too-short column reads 0, rebuild reports it
  const buf = Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.length);
  const needle = Buffer.from(run, 'utf8');
  let v = 0;
  for (let at = buf.indexOf(needle, 0); at >= 0;) {
    // The value holding byte `at`: the last start at or before it (values ascend).
    while (v + 1 <= c.count && c.start[v + 1] <= at) v++;
    if (v >= c.count) break;
    const end = c.start[v + 1] - c.sep;
    if (at + needle.length <= end) {
      out[v] = 1;
      at = buf.indexOf(needle, c.start[v + 1]); // one hit per value is enough
    } else at = buf.indexOf(needle, at + 1); // straddles two values: look further
  }
  return out;
}
