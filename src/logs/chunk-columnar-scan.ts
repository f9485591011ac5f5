import {
  COL_HEX,
  COL_INT,
  COL_CLF,
  COL_DEC,
  COL_DEC_PLANES,
  COL_DOTTED,
  COL_INT_PLAIN,
  COL_INT_PLANES,
  COL_TIME,
  COL_TIME_REL,
  COL_TEXT,
  type ColumnRef,
} from './chunk-columnar-cols.js';
import { allTimes, markTimes, pickTimes } from './chunk-columnar-ts.js';
import {
  type ColumnarParts,
  KIND_JSON,
  KIND_RAW,
  parseColumnar,
  rebuild,
  usesOf,
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
    entries = markTimes(p.times(), start, end, inRange);
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
    return { data: { ts: allTimes(p.times()), lines: kept, fields: p.fields }, entries };
  return {
    data: {
      ts: pickTimes(p.times(), keep),
      lines: kept,
      fields: keep.map((i) => p.fields[i]),
    },
    entries,
  };
}

/** Sets `rows[i]` for every record whose line may contain `lit`. */
function mark(p: ColumnarParts, lit: string, rows: Uint8Array): void {
  const { n, shapes, shapeOf, cols } = p;
  // A lone surrogate has no UTF-8 bytes to search for: every record stays a candidate.
  const lone = LONE_SURROGATE.test(lit);
  const runs = lone ? ['', ''] : [longestRun(lit, JSON_BOUNDARY), longestRun(lit, ' ')];
  // Per shape: 1 when all its records are candidates (raw, or the run is in its template).
  const whole = new Uint8Array(shapes.length);
  let anyWhole = false;
  // The run to search each column for (a column belongs to JSON or to field shapes only).
  const colRun = new Array<string | undefined>(cols.length);
  for (let s = 0; s < shapes.length; s++) {
    const sh = shapes[s];
    const run = runs[sh.kind === KIND_JSON ? 0 : 1];
    if (
      sh.kind === KIND_RAW ||
      run === '' ||
      (sh.kind === KIND_JSON && sh.keys.some((k) => k.includes(run)))
    ) {
      whole[s] = 1;
      anyWhole = true;
    } else for (const ci of sh.cols) colRun[ci] = run;
  }
  if (anyWhole) for (let i = 0; i < n; i++) if (whole[shapeOf[i]]) rows[i] = 1;
  // Per column holding the run somewhere: walk the records using it, value by value.
  for (let ci = 0; ci < cols.length; ci++) {
    const run = colRun[ci];
    if (run === undefined) continue;
    const hits = valuesHolding(cols[ci], run);
    if (hits === null) continue;
    const uses = usesOf(shapes, ci);
    for (let i = 0, v = 0; i < n; i++) {
      const m = uses[shapeOf[i]];
      if (m === 0) continue;
      let hit = hits[v++];
      for (let j = 1; j < m; j++) hit |= hits[v++];
      if (hit) rows[i] = 1; // a too-short column reads undefined: rebuild reports it
    }
  }
}

/** What the typed part of a column's values is made of (null: anything). */
function alphabet(type: number): RegExp | null {
  if (type === COL_HEX) return /^[0-9a-f]*$/;
  if (type === COL_INT || type === COL_INT_PLAIN || type === COL_INT_PLANES) return /^[0-9-]*$/;
  if (type === COL_TIME || type === COL_TIME_REL) return /^[0-9TZ:.-]*$/;
  if (type === COL_DEC || type === COL_DEC_PLANES) return /^[0-9.-]*$/;
  if (type === COL_DOTTED) return /^[0-9.]*$/;
  if (type === COL_CLF) return /^[[0-9A-Za-z/:]*$/;
  return null;
}

/** `canHold` answers: in no value, only in the typed parts, across the prefix's end, in all. */
export const HOLD_NONE = 0;
export const HOLD_REST = 1;
export const HOLD_ACROSS = 2;
export const HOLD_EVERY = 3;

/**
 * Where values of column `c` (its prefix, then a typed part) can hold `run`, from the header
 * alone: in every value when the prefix holds it; across the prefix's end when a start of the
 * run ends the prefix and the rest fits the typed part's alphabet; in the typed part when the
 * run fits that alphabet; else in none.
 */
export function canHold(c: ColumnRef, run: string): number {
  const pre = c.prefix;
  if (pre !== '' && pre.includes(run)) return HOLD_EVERY;
  const alpha = c.type === COL_TEXT ? null : alphabet(c.type);
  for (let k = Math.min(pre.length, run.length - 1); k > 0; k--)
    if (pre.endsWith(run.slice(0, k)) && (alpha === null || alpha.test(run.slice(k))))
      return HOLD_ACROSS;
  return alpha === null || alpha.test(run) ? HOLD_REST : HOLD_NONE;
}

/** One flag per value of column `c`: 1 where the value contains `run`; null if none does. */
function valuesHolding(c: ColumnRef, run: string): Uint8Array | null {
  const can = canHold(c, run);
  if (can === HOLD_NONE || c.count === 0) return null;
  // +1: a too-short column reads 0, rebuild reports it
  if (can === HOLD_EVERY) return new Uint8Array(c.count + 1).fill(1, 0, c.count);
  return c.load().find(Buffer.from(run, 'utf8'), can === HOLD_REST);
}
