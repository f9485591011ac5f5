import { InvalidLabelsError, Labels } from '../../model/index.js';
import type { LogEntry } from '../../storage/index.js';
import { LogInputError } from './errors.js';

/** One stream's entries of a decoded request. */
export interface LogStreamBatch {
  labels: Labels;
  entries: LogEntry[];
}

/** What a log decoder returns: entries grouped by stream, with counts for the ingest metrics. */
export interface LogBatch {
  streams: LogStreamBatch[];
  /** Entries over all streams. */
  entries: number;
  /** UTF-8 bytes of all lines. */
  bytes: number;
}

/**
 * Groups entries by stream while a request is decoded: the same label set (by its canonical
 * key) lands in one `LogStreamBatch`, so the store sees one append per stream.
 */
export class LogBatchBuilder {
  private readonly byKey = new Map<string, LogStreamBatch>();
  private readonly batch: LogBatch = { streams: [], entries: 0, bytes: 0 };

  /** The stream of `pairs` (names already valid), created on first use. `what` names it in errors. */
  stream(pairs: [string, string][], what: string): LogStreamBatch {
    const key = streamKey(pairs);
    let s = this.byKey.get(key);
    if (s === undefined) {
      let labels: Labels;
      try {
        labels = Labels.fromPairs(pairs);
      } catch (err) {
        if (err instanceof InvalidLabelsError)
          throw new LogInputError(400, `cannot read ${what}: ${err.message}`, { cause: err });
        throw err;
      }
      if (labels.size === 0)
        throw new LogInputError(400, `cannot read ${what}: at least one label pair is required`);
      s = { labels, entries: [] };
      this.byKey.set(key, s);
      this.batch.streams.push(s);
    }
    return s;
  }

  /**
   * @param fromJson strings come from JSON.parse, which lets lone surrogates (`"\ud800"`)
   * through: lines and field values are checked and repaired (U+FFFD) on `add`.
   */
  constructor(private readonly fromJson = false) {}

  add(s: LogStreamBatch, e: LogEntry): void {
    if (this.fromJson) e = wellFormed(e);
    s.entries.push(e);
    this.batch.entries++;
    this.batch.bytes += Buffer.byteLength(e.line, 'utf8');
  }

  build(): LogBatch {
    return this.batch;
  }
}

/** A cheap map key of unsorted pairs: sorted `name=value` joined by NUL (names have no NUL). */
function streamKey(pairs: [string, string][]): string {
  if (pairs.length === 1) return `${pairs[0][0]}\0${pairs[0][1]}`;
  const sorted = [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let k = '';
  for (const [n, v] of sorted) k += `${n}\0${v}\0`;
  return k;
}

/** ES2024 string methods (Node 20 has them; the ES2023 lib does not declare them). */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
const ok = (v: string): boolean => (v as unknown as WellFormed).isWellFormed();
const fix = (v: string): string => (v as unknown as WellFormed).toWellFormed();

/** `e` with lone UTF-16 surrogates replaced by U+FFFD (the same object when there are none). */
function wellFormed(e: LogEntry): LogEntry {
  let bad = !ok(e.line);
  if (!bad && e.fields) for (const f of e.fields) if (!ok(f[0]) || !ok(f[1])) bad = true;
  if (!bad) return e;
  const out: LogEntry = { ts: e.ts, line: fix(e.line) };
  if (e.fields) out.fields = e.fields.map(([k, v]) => [fix(k), fix(v)] as const);
  return out;
}
