import {
  type ColumnRef,
  type ColumnValues,
  Sink,
  readBlock,
  skipBlock,
  readColumn,
  writeBlock,
} from './chunk-columnar-cols.js';
import { writeColumn } from './chunk-columnar-write.js';
import {
  ByteReader,
  ByteWriter,
  FORMAT_COLUMNAR,
  readFields,
  readLines,
  readTs,
  writeFields,
  writeLines,
  linesText,
} from './chunk-q4.js';
import {
  allTimes,
  readTimesV2,
  recordMillis,
  timesOf,
  type Times,
  writeTsV2,
} from './chunk-columnar-ts.js';
import type { ChunkData } from './types.js';

/**
 * The columnar chunk format (compaction, ADR 0005 §4; docs/format/logs-chunk.md). Each line gets
 * a shape: a flat compact JSON object (`{"k":v,...}`, keys in order, which values are strings)
 * whose values go to one column per key; a line of ≤ `MAX_FIELDS` space-separated fields whose
 * fields go to one column per position; or raw. Shapes are syntactic, never parsed values, so
 * every line is rebuilt byte for byte; lines holding "\n" stay raw.
 */

/**
 * Written version; 1 (no column prefixes, plain timestamps) and 2 (no dictionary or dotted
 * columns; fields split at every space) are still read.
 */
export const COLUMNAR_VERSION = 3;
const MAX_FIELDS = 32;
const MAX_SHAPES = 4096;
export const KIND_RAW = 0;
export const KIND_JSON = 1;
export const KIND_FIELDS = 2;

export interface Shape {
  kind: number;
  /** JSON: keys in order; fields: empty. */
  keys: string[];
  /** JSON: 1 where the value is a string. Fields: the field count in `count`. */
  strings: Uint8Array;
  count: number;
  /** Column of each value. */
  cols: number[];
}

/** Scans a flat compact JSON object into keys, values and string flags; false if not one. */
function scanJson(line: string, keys: string[], vals: string[], strs: number[]): boolean {
  const n = line.length;
  if (n < 2 || line.charCodeAt(0) !== 123 || line.charCodeAt(n - 1) !== 125) return false;
  if (n === 2) return true;
  let i = 1;
  for (;;) {
    if (line.charCodeAt(i) !== 34) return false;
    const ke = endOfString(line, i + 1, n - 1);
    if (ke < 0 || line.charCodeAt(ke + 1) !== 58) return false;
    keys.push(line.slice(i + 1, ke));
    i = ke + 2;
    let ve: number;
    if (line.charCodeAt(i) === 34) {
      ve = endOfString(line, i + 1, n - 1);
      if (ve < 0) return false;
      vals.push(line.slice(i + 1, ve));
      strs.push(1);
      ve++;
    } else {
      ve = i;
      while (ve < n - 1 && isBare(line.charCodeAt(ve))) ve++;
      if (ve === i) return false;
      vals.push(line.slice(i, ve));
      strs.push(0);
    }
    if (ve === n - 1) return true;
    if (line.charCodeAt(ve) !== 44) return false;
    i = ve + 1;
  }
}

/** Index of the closing quote of a string starting at `i`, or -1 before `end`. */
function endOfString(s: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) return i;
    if (c === 92) i++;
  }
  return -1;
}

/** Characters of numbers, true, false and null. */
function isBare(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 45 || c === 43 || c === 46 || c === 69
  );
}

/**
 * A line's space-separated fields, a space inside double quotes not separating (v3: `"GET /a
 * HTTP/1.1"` and a quoted user agent stay one field each, so their columns stay uniform; a
 * backslash escapes a quote). Lines are still rebuilt by joining the fields with single spaces.
 * An unclosed quote splits at every space, as v2 did.
 */
export function splitFields(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (quoted) {
      if (c === 92) i++;
      else if (c === 34) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 32) {
      out.push(line.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) return line.split(' ');
  out.push(line.slice(start));
  return out;
}

/**
 * The column of field `j` of `count`: the first half counts from the start, the rest from the
 * end, so the trailing fields of lines whose middle varies in length (`… "user agent" rt=0.1
 * trace_id=…`) still share a column.
 */
function fieldColumn(j: number, count: number): string {
  return j < count / 2 ? `f:${j}` : `f:-${count - j}`;
}

export function encodeColumnar(c: ChunkData): Uint8Array {
  const n = c.lines.length;
  const shapes: Shape[] = [];
  const shapeIds = new Map<string, number>();
  const colIds = new Map<string, number>();
  const colNames: string[] = [];
  const colVals: string[][] = [];
  /** The record of each value (relative times need it). */
  const colRows: number[][] = [];
  const raw: string[] = [];
  const lineShape = new ByteWriter(n + 16);
  const col = (name: string): number => {
    let id = colIds.get(name);
    if (id === undefined) {
      colIds.set(name, (id = colNames.length));
      colNames.push(name);
      colVals.push([]);
      colRows.push([]);
    }
    return id;
  };
  const keys: string[] = [];
  const vals: string[] = [];
  const strs: number[] = [];
  for (let rowIndex = 0; rowIndex < n; rowIndex++) {
    const line = c.lines[rowIndex];
    keys.length = vals.length = strs.length = 0;
    let key: string;
    let kind = KIND_RAW;
    if (line.includes('\n')) key = '';
    else if (scanJson(line, keys, vals, strs)) {
      kind = KIND_JSON;
      key = `j${strs.join('')}\u0000${keys.join('\u0000')}`;
    } else {
      keys.length = vals.length = strs.length = 0; // scanJson may have stopped half-way
      const parts = splitFields(line);
      if (parts.length <= MAX_FIELDS) {
        kind = KIND_FIELDS;
        vals.push(...parts);
      }
      key = `f${parts.length}`;
    }
    if (kind === KIND_RAW) key = '';
    let id = shapeIds.get(key);
    if (id === undefined && kind !== KIND_RAW && shapes.length >= MAX_SHAPES) {
      kind = KIND_RAW;
      key = '';
      vals.length = 0;
      id = shapeIds.get(key);
    }
    if (id === undefined) {
      shapeIds.set(key, (id = shapes.length));
      shapes.push({
        kind,
        keys: kind === KIND_JSON ? [...keys] : [],
        strings: Uint8Array.from(kind === KIND_JSON ? strs : []),
        count: kind === KIND_RAW ? 0 : vals.length,
        cols: vals.map((_, j) =>
          col(kind === KIND_JSON ? `j:${keys[j]}` : fieldColumn(j, vals.length)),
        ),
      });
    }
    lineShape.uvarint(id);
    const s = shapes[id];
    if (s.kind === KIND_RAW) raw.push(line);
    else
      for (let j = 0; j < vals.length; j++) {
        colVals[s.cols[j]].push(vals[j]);
        colRows[s.cols[j]].push(rowIndex);
      }
  }

  const meta = new ByteWriter(1024 + n * 4);
  meta.uvarint(shapes.length);
  for (const s of shapes) {
    meta.byte(s.kind);
    meta.uvarint(s.count);
    if (s.kind === KIND_JSON)
      for (let j = 0; j < s.count; j++) {
        meta.string(s.keys[j]);
        meta.byte(s.strings[j]);
      }
    for (const ci of s.cols) meta.uvarint(ci);
  }
  meta.uvarint(lineShape.len);
  meta.bytes(lineShape.result());
  meta.uvarint(raw.length);
  writeLines(meta, raw);
  writeFields(meta, c.fields);

  const w = new ByteWriter(64 + n * 8);
  w.byte(FORMAT_COLUMNAR);
  w.byte(COLUMNAR_VERSION);
  w.uvarint(n);
  const tsw = new ByteWriter(n * 3 + 16);
  writeTsV2(tsw, c.ts);
  writeBlock(w, tsw.result()); // v2: brotli finds what little repeats in the deltas
  writeBlock(w, meta.result());
  w.uvarint(colNames.length);
  for (let i = 0; i < colNames.length; i++)
    writeColumn(w, colNames[i], colVals[i], (k) => Number(c.ts[colRows[i][k]] / 1_000_000n));
  return w.result();
}

/** A columnar chunk parsed down to its columns; lines not rebuilt yet. */
export interface ColumnarParts {
  n: number;
  /** The records' timestamps, decoded on first call (a scan without hits needs none). */
  times(): Times;
  shapes: Shape[];
  /** Shape id of each record. */
  shapeOf: Int32Array;
  /** The lines of raw records, in record order. */
  raw: string[];
  fields: ChunkData['fields'];
  cols: ColumnRef[];
  r: ByteReader;
}

export function decodeColumnar(data: Uint8Array): ChunkData {
  const p = parseColumnar(data);
  const lines = rebuild(p);
  return { ts: allTimes(p.times()), lines, fields: p.fields };
}

export function parseColumnar(data: Uint8Array): ColumnarParts {
  const version = data[1];
  const r = new ByteReader(data, 'columnar', 2);
  const n = r.uvarint();
  let tsBlock: () => ByteReader;
  if (version === 1) {
    const tsLen = r.uvarint();
    if (n > tsLen) r.fail(`${n} records with ${tsLen} timestamp bytes (want at least 1 each)`);
    const b = r.bytes(tsLen);
    tsBlock = () => new ByteReader(b, 'columnar timestamps');
  } else tsBlock = skipBlock(r, 'timestamps');
  let decoded: Times | undefined;
  const times = (): Times => {
    if (decoded) return decoded;
    const tsr = tsBlock();
    if (n > tsr.end) tsr.fail(`${n} records in ${tsr.end} bytes (want at least 1 each)`);
    const t = version === 1 ? timesOf(readTs(tsr, n)) : readTimesV2(tsr, n);
    if (tsr.pos !== tsr.end) tsr.fail(`${tsr.end - tsr.pos} bytes left after ${n} timestamps`);
    return (decoded = t);
  };
  const meta = readBlock(r, 'meta');
  const nShapes = meta.uvarint();
  if (nShapes > meta.end) meta.fail(`${nShapes} shapes in ${meta.end} bytes`);
  const shapes: Shape[] = [];
  for (let i = 0; i < nShapes; i++) {
    const kind = meta.byte();
    const count = meta.uvarint();
    if (kind > KIND_FIELDS || count > meta.end - meta.pos)
      meta.fail(`shape ${i}: kind ${kind} with ${count} values`);
    const keys: string[] = [];
    const strings = new Uint8Array(kind === KIND_JSON ? count : 0);
    if (kind === KIND_JSON)
      for (let j = 0; j < count; j++) {
        keys.push(meta.string());
        strings[j] = meta.byte();
      }
    const cols: number[] = [];
    for (let j = 0; j < count; j++) cols.push(meta.uvarint());
    shapes.push({ kind, keys, strings, count, cols });
  }
  const ids = new ByteReader(meta.bytes(meta.uvarint()), 'columnar line shapes');
  const rawCount = meta.uvarint();
  const raw = readLines(meta, linesText(meta), rawCount);
  const fields = readFields(meta, n);
  if (meta.pos !== meta.end) meta.fail(`${meta.end - meta.pos} bytes left after the fields`);

  const nCols = r.uvarint();
  if (nCols > r.end - r.pos) r.fail(`${nCols} columns in ${r.end - r.pos} bytes`);
  const cols: ColumnRef[] = [];
  // The record times of column i's values, for relative time columns (loaded after shapeOf).
  let ms: Float64Array | undefined;
  const recordMs = (ci: number): Float64Array => {
    ms ??= recordMillis(times());
    const uses = usesOf(shapes, ci);
    let k = 0;
    for (let i = 0; i < n; i++) k += uses[shapeOf[i]];
    const out = new Float64Array(k);
    for (let i = 0, o = 0; i < n; i++) for (let j = uses[shapeOf[i]]; j > 0; j--) out[o++] = ms[i];
    return out;
  };
  for (let i = 0; i < nCols; i++) cols.push(readColumn(r, version, () => recordMs(i)));
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes left after ${nCols} columns`);

  const shapeOf = new Int32Array(n);
  let raws = 0;
  const checked = new Uint8Array(nShapes);
  for (let i = 0; i < n; i++) {
    const id = ids.uvarint();
    const s = shapes[id];
    if (s === undefined) ids.fail(`line ${i} has an unknown shape`);
    shapeOf[i] = id;
    if (s.kind === KIND_RAW) raws++;
    else if (!checked[id]) {
      checked[id] = 1;
      for (const ci of s.cols)
        if (ci >= cols.length) r.fail(`column ${ci} of ${cols.length} does not exist`);
    }
  }
  if (ids.pos !== ids.end) ids.fail(`${ids.end - ids.pos} bytes left after ${n} shapes`);
  if (raws !== raw.length) r.fail(`${raws} raw lines (want ${raw.length})`);
  return { n, times, shapes, shapeOf, raw, fields, cols, r };
}

/**
 * The lines of the records `rows` selects (all without it), in record order. Every selected
 * line is written as UTF-8 into one buffer ("\n" after each, raw records left empty), decoded
 * once and split: one string per line, none per value. Only the columns of shapes with a
 * selected record are loaded; unselected records only move the column cursors on.
 */
export function rebuild(p: ColumnarParts, rows?: Uint8Array): string[] {
  const { n, shapes, shapeOf, raw, r } = p;
  const picks = new Int32Array(shapes.length);
  let picked = 0;
  for (let i = 0; i < n; i++)
    if (!rows || rows[i]) {
      picked++;
      picks[shapeOf[i]]++;
    }
  if (picked === 0) {
    checkCounts(p);
    return [];
  }
  const cols = new Array<ColumnValues | undefined>(p.cols.length);
  // Per shape: the template bytes before each value, then those ending the line.
  const tmpl = shapes.map((sh, s) => (picks[s] > 0 ? template(sh) : []));
  // A first guess at the size (a value's typical length); the sink grows when short.
  let size = 16;
  for (let s = 0; s < shapes.length; s++) {
    if (picks[s] === 0) continue;
    const sh = shapes[s];
    let line = 0;
    for (const t of tmpl[s]) line += t.length;
    for (const ci of sh.cols) {
      const c = (cols[ci] ??= p.cols[ci].load());
      line += Math.min(c.size(0), 64);
    }
    size += picks[s] * line;
  }
  const out = new Sink(size);
  const cursor = new Int32Array(cols.length);
  const rawPicked: string[] = [];
  let rawAt = 0;
  // Records skipped since the last rebuilt one, per shape: the cursors move on in one step.
  const pending = new Int32Array(shapes.length);
  const dirty: number[] = [];
  const flush = (): void => {
    for (const d of dirty) {
      const k = pending[d];
      pending[d] = 0;
      const sh = shapes[d];
      if (sh.kind === KIND_RAW) rawAt += k;
      else for (let j = 0; j < sh.count; j++) cursor[sh.cols[j]] += k;
    }
    dirty.length = 0;
  };
  for (let i = 0; i < n; i++) {
    if (rows && !rows[i]) {
      if (pending[shapeOf[i]]++ === 0) dirty.push(shapeOf[i]);
      continue;
    }
    if (dirty.length > 0) flush();
    const s = shapes[shapeOf[i]];
    const t = tmpl[shapeOf[i]];
    if (s.kind === KIND_RAW) rawPicked.push(raw[rawAt++]);
    else
      for (let j = 0; j < s.count; j++) {
        out.bytes(t[j]);
        const ci = s.cols[j];
        const c = cols[ci]!;
        const v = cursor[ci]++;
        if (v >= c.count) r.fail(`column ${JSON.stringify(c.name)} has too few values`);
        c.put(v, out);
      }
    out.bytes(t[s.count]);
  }
  flush();
  checkCursors(p, cursor);
  if (!rows) for (const c of cols) c?.check(); // a full decode checks every column whole
  const lines = out.buf.toString('utf8', 0, Math.max(0, out.o - 1)).split('\n');
  if (lines.length !== picked) r.fail(`rebuilt ${lines.length} lines (want ${picked})`);
  if (rawPicked.length > 0)
    for (let i = 0, k = 0, l = 0; i < n && k < rawPicked.length; i++) {
      if (rows && !rows[i]) continue;
      if (shapes[shapeOf[i]].kind === KIND_RAW) lines[l] = rawPicked[k++];
      l++;
    }
  return lines;
}

/** Fails unless every column has a value for each record using it. */
function checkCursors(p: ColumnarParts, used: Int32Array): void {
  for (let ci = 0; ci < p.cols.length; ci++)
    if (used[ci] > p.cols[ci].count)
      p.r.fail(`column ${JSON.stringify(p.cols[ci].name)} has too few values`);
}

/** `checkCursors` when no record is rebuilt (the counts come from the shapes alone). */
function checkCounts(p: ColumnarParts): void {
  const perShape = new Int32Array(p.shapes.length);
  for (let i = 0; i < p.n; i++) perShape[p.shapeOf[i]]++;
  const used = new Int32Array(p.cols.length);
  for (let s = 0; s < p.shapes.length; s++)
    for (const ci of p.shapes[s].cols) used[ci] += perShape[s];
  checkCursors(p, used);
}

/** How many values of column `ci` a record of each shape has. */
export function usesOf(shapes: readonly Shape[], ci: number): Uint8Array {
  const uses = new Uint8Array(shapes.length);
  for (let s = 0; s < shapes.length; s++) for (const c of shapes[s].cols) if (c === ci) uses[s]++;
  return uses;
}

const NL = Buffer.from('\n');

/** The bytes of shape `sh`'s lines before each value, then those ending a line ("\n" included). */
function template(sh: Shape): Uint8Array[] {
  if (sh.kind === KIND_RAW) return [NL];
  if (sh.kind === KIND_FIELDS)
    return [Buffer.alloc(0), ...sh.cols.slice(1).map(() => Buffer.from(' ')), NL];
  const q = (j: number): string => (sh.strings[j] ? '"' : '');
  const parts = sh.keys.map((k, j) => `${j === 0 ? '{' : q(j - 1) + ','}"${k}":${q(j)}`);
  parts.push(sh.count === 0 ? '{}\n' : `${q(sh.count - 1)}}\n`);
  return parts.map((x) => Buffer.from(x, 'utf8'));
}
