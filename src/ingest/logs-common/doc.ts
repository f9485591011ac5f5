import type { LogEntry } from '../../storage/index.js';
import type { LogBatchBuilder, LogStreamBatch } from './batch.js';
import { detectLevel } from './detect.js';
import { fieldValue, uniqueFields } from './fields.js';
import { sanitizeLabelName } from './names.js';
import { parseTimestamp } from './time.js';

/** How a JSON document becomes a log entry (VictoriaLogs' `_msg_field`/`_time_field`/`_stream_fields`). */
export interface DocOptions {
  /** Fields holding the line, first non-empty one wins (dotted paths for nested keys). */
  msgFields: readonly string[];
  /** Fields holding the time, first present one wins. */
  timeFields: readonly string[];
  /** Fields whose values become stream labels (names sanitised). */
  streamFields: readonly string[];
}

/** Splits a comma-separated query parameter (`host,app`); undefined/empty → `dflt`. */
export function listParam(v: unknown, dflt: readonly string[]): readonly string[] {
  if (typeof v !== 'string' || v.trim() === '') return dflt;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Leaves of a JSON object with dotted paths (`{"a":{"b":1}}` → `a.b`), values rendered. */
function leaves(obj: Record<string, unknown>, out: [string, string][], prefix: string): void {
  for (const k in obj) {
    const v = obj[k];
    if (v === null || v === undefined) continue;
    const name = prefix === '' ? k : `${prefix}.${k}`;
    if (typeof v === 'object' && !Array.isArray(v)) leaves(v as Record<string, unknown>, out, name);
    else out.push([name, fieldValue(v)]);
  }
}

/**
 * One JSON document as an entry of `b`: the line from the first non-empty `msgFields` (else the
 * whole document as JSON), the time from the first present `timeFields` (else `now()`), stream
 * labels from `streamFields` (none: `service_name="unknown_service"`), every other leaf a field
 * with its path joined by `_` (`http.status` → `http_status`), and `level` normalised from
 * level/severity fields. Returns the stream and entry, or an error string (a bad time).
 */
export function docToEntry(
  doc: Record<string, unknown>,
  opts: DocOptions,
  b: LogBatchBuilder,
  what: string,
  now: () => bigint,
): { stream: LogStreamBatch; entry: LogEntry } | string {
  const flat: [string, string][] = [];
  leaves(doc, flat, '');
  const taken = new Set<number>();
  const find = (names: readonly string[], nonEmpty: boolean): number => {
    for (const n of names) {
      const i = flat.findIndex((f) => f[0] === n);
      if (i >= 0 && (!nonEmpty || flat[i][1] !== '')) return i;
    }
    return -1;
  };
  const mi = find(opts.msgFields, true);
  let line: string;
  if (mi >= 0) {
    line = flat[mi][1];
    taken.add(mi);
  } else line = JSON.stringify(doc);
  const ti = find(opts.timeFields, false);
  let ts: bigint;
  if (ti >= 0) {
    const raw = flat[ti][1];
    const parsed = raw === '' || raw === '0' ? now() : parseTimestamp(raw);
    if (parsed === undefined)
      return `cannot parse ${flat[ti][0]} ${JSON.stringify(raw)} of ${what}: want RFC 3339 or a Unix time in s, ms, µs or ns`;
    ts = parsed;
    taken.add(ti);
  } else ts = now();
  const labels: [string, string][] = [];
  for (const n of opts.streamFields) {
    const i = flat.findIndex((f) => f[0] === n);
    if (i < 0 || flat[i][1] === '') continue;
    labels.push([sanitizeLabelName(n), flat[i][1]]);
    taken.add(i);
  }
  if (labels.length === 0) labels.push(['service_name', 'unknown_service']);
  const fields: [string, string][] = [];
  for (let i = 0; i < flat.length; i++)
    if (!taken.has(i) && flat[i][1] !== '')
      fields.push([sanitizeLabelName(flat[i][0]), flat[i][1]]);
  detectLevel(fields);
  const stream = b.stream(uniqueFields(labels) ?? labels, what);
  const uf = uniqueFields(fields);
  const entry: LogEntry = uf ? { ts, line, fields: uf } : { ts, line };
  b.add(stream, entry);
  return { stream, entry };
}
