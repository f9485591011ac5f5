import type { LogEntry } from '../../storage/index.js';
import {
  LogBatchBuilder,
  LogInputError,
  parseTimestamp,
  sanitizeLabelName,
  uniqueFields,
  type LogBatch,
} from '../logs-common/index.js';
import { parseStreamSelector } from './selector.js';

const fail = (detail: string): never => {
  throw new LogInputError(400, `cannot read Loki push request: ${detail}`);
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Decodes a JSON Loki push body (invalid UTF-8 already replaced by the caller's decoding):
 * `{"streams":[{"stream":{"job":"app"},"values":[["<ns>","line",{"k":"v"}?]]}]}`, and the legacy
 * form `{"streams":[{"labels":"{job=\"app\"}","entries":[{"ts":"<RFC3339>","line":"…"}]}]}`.
 * Timestamps: ns as a digit string (Loki's form), else any other form `parseTimestamp` reads
 * (RFC 3339, numbers).
 */
export function decodeLokiJson(text: string): LogBatch {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new LogInputError(400, `cannot read Loki push request: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!isObject(body) || !Array.isArray(body.streams))
    return fail('want an object {"streams": [...]}');
  const b = new LogBatchBuilder(true);
  body.streams.forEach((st: unknown, si: number) => {
    const at = `streams[${si}]`;
    if (!isObject(st)) return fail(`${at} is not an object`);
    let pairs: [string, string][];
    if (isObject(st.stream)) {
      pairs = [];
      for (const k in st.stream) {
        const v = st.stream[k];
        if (typeof v !== 'string') fail(`${at}.stream.${k} is not a string`);
        pairs.push([sanitizeLabelName(k), v as string]);
      }
    } else if (typeof st.labels === 'string') pairs = parseStreamSelector(st.labels, at);
    else return fail(`${at} has neither "stream" (an object of labels) nor "labels"`);
    const s = b.stream(pairs, `${at} ${JSON.stringify(st.stream ?? st.labels)}`);
    if (Array.isArray(st.values)) {
      st.values.forEach((v: unknown, vi: number) => b.add(s, value(v, `${at}.values[${vi}]`)));
    } else if (Array.isArray(st.entries)) {
      st.entries.forEach((v: unknown, vi: number) => b.add(s, legacy(v, `${at}.entries[${vi}]`)));
    } else if (st.values !== undefined || st.entries !== undefined)
      fail(`${at}.values is not an array`);
  });
  return b.build();
}

function timestamp(v: unknown, at: string): bigint {
  // Loki's form: ns as a digit string, whatever its size (no unit guessing).
  if (typeof v === 'string' && /^\d{1,19}$/.test(v)) return BigInt(v);
  const ts = parseTimestamp(v);
  if (ts === undefined)
    return fail(`${at}: timestamp ${JSON.stringify(v)} is not nanoseconds (want a digit string)`);
  return ts;
}

function value(v: unknown, at: string): LogEntry {
  if (!Array.isArray(v) || v.length < 2 || v.length > 3)
    return fail(`${at}: want [timestamp, line] or [timestamp, line, {metadata}]`);
  const ts = timestamp(v[0], at);
  if (typeof v[1] !== 'string') return fail(`${at}: the line is not a string`);
  if (v.length === 2 || v[2] === null) return { ts, line: v[1] };
  if (!isObject(v[2])) return fail(`${at}: structured metadata is not an object`);
  const fields: [string, string][] = [];
  for (const k in v[2]) {
    const mv = v[2][k];
    if (typeof mv !== 'string') fail(`${at}: structured metadata ${k} is not a string`);
    if (mv !== '') fields.push([sanitizeLabelName(k), mv as string]);
  }
  const uf = uniqueFields(fields);
  return uf ? { ts, line: v[1], fields: uf } : { ts, line: v[1] };
}

function legacy(v: unknown, at: string): LogEntry {
  if (!isObject(v) || typeof v.line !== 'string')
    return fail(`${at}: want {"ts": "<RFC3339>", "line": "…"}`);
  return { ts: timestamp(v.ts ?? v.timestamp, at), line: v.line };
}
