import {
  LogBatchBuilder,
  docToEntry,
  nowNs,
  type DocOptions,
  type LogBatch,
} from '../logs-common/index.js';

/** VictoriaLogs' defaults for JSON lines: `_msg`, then `message`; `_time`, `time`, `timestamp`. */
export const JSONLINE_DEFAULTS: DocOptions = {
  msgFields: ['_msg', 'message', 'msg'],
  timeFields: ['_time', 'time', 'timestamp', '@timestamp', 'ts'],
  streamFields: [],
};

export interface JsonLinesResult {
  batch: LogBatch;
  /** Non-empty lines read. */
  lines: number;
  /** Lines skipped (not a JSON object, bad time), 1-based, with why. */
  skipped: { line: number; reason: string }[];
}

/**
 * Decodes newline-delimited JSON objects (`\n` or `\r\n`; blank lines ignored), one log entry
 * each (see `docToEntry`). A bad line is skipped and reported, never fatal to the rest.
 */
export function decodeJsonLines(text: string, opts: DocOptions): JsonLinesResult {
  const b = new LogBatchBuilder(true);
  const skipped: JsonLinesResult['skipped'] = [];
  let now: bigint | undefined;
  const clock = () => (now ??= nowNs());
  let lines = 0;
  let start = 0;
  let n = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    n++;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    lines++;
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch (err) {
      skipped.push({ line: n, reason: `line ${n} is not JSON: ${(err as Error).message}` });
      continue;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      skipped.push({ line: n, reason: `line ${n} is not a JSON object` });
      continue;
    }
    const got = docToEntry(doc as Record<string, unknown>, opts, b, `line ${n}`, clock);
    if (typeof got === 'string') skipped.push({ line: n, reason: got });
  }
  return { batch: b.build(), lines, skipped };
}
