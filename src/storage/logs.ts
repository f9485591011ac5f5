import type { Labels, Matcher, TenantId } from '../model/index.js';

/**
 * The log seams (issue #9, ADR 0005): where log records go (`LogAppendable`), how they are read
 * back (`LogQueryable`) and followed live (`LogTailable`). Implemented by the embedded log store
 * (`logs`) and by `MemLogStore` (tests); used by the inputs (`ingest/*`), LogQL (`logql`) and the
 * Loki API. Every call takes the tenant first, as the metric seams do.
 */

/** Nanoseconds since the Unix epoch. Loki's wire formats carry ns; JS numbers cannot. */
export type LogTime = bigint;

/**
 * One log record of a stream. The stream labels are not here: they belong to the stream
 * (`LogAppender.append`'s `labels`, `LogStream.labels`).
 */
export interface LogEntry {
  ts: LogTime;
  /** The line as received (invalid UTF-8 already replaced by U+FFFD by the input). */
  line: string;
  /**
   * Structured metadata (Loki 3 terms): per-record key/value pairs that are not stream labels
   * and not indexed as labels, e.g. OTLP attributes, `trace_id`, `span_id`, syslog structured
   * data, and the normalised severity as `level` when the input knows it. In LogQL they behave
   * as labels of the record. Keys are valid label names; undefined when there are none.
   */
  fields?: readonly (readonly [string, string])[];
}

/** Counts of one committed batch. Entries not accepted are counted, never silently lost. */
export interface LogAppendResult {
  /**
   * Entries stored. An exact duplicate (same time and line) of an entry the stream holds in its
   * newest chunk, a shipper's retry, is stored once and counted here: it is in the store.
   */
  accepted: number;
  /** Bytes of lines stored (UTF-8), after truncation. */
  bytes: number;
  /** Lines longer than the tenant's max line size, stored truncated with a marker. */
  truncated: number;
  /** Streams created by this batch. */
  newStreams: number;
  /**
   * Entries refused one by one (too old for the out-of-order window, too far in the future):
   * Loki answers 400 naming the first one while keeping the rest. Empty when none.
   */
  rejected: LogRejection[];
}

export interface LogRejection {
  labels: Labels;
  ts: LogTime;
  /** "entry too far behind: … is older than the stream's accepted window (…)". */
  reason: string;
}

/**
 * Where log records go: one appender per request, all-or-nothing for its durable part.
 * Contract, as for metrics' `Appendable`:
 * - `logAppender(tenant)` MUST be cheap.
 * - `append(labels, entries)` validates the stream labels synchronously (valid label names, at
 *   least one label, the tenant's label/stream limits) and throws an `AppendError` subclass:
 *   `InvalidSeriesError` (400) or `LimitExceededError` (429). Entries of one call need not be
 *   in time order. `labels` and `entries` are adopted (the caller MUST NOT mutate them).
 * - `commit` resolves once the batch is in the WAL and fsynced (per the store's fsync mode) and
 *   visible to queries and tails; it rejects with `LimitExceededError` when the tenant's
 *   ingestion rate is exceeded (nothing applied) or `StorageUnavailableError`.
 * - After `commit` or `rollback` the appender MUST NOT be used again.
 */
export interface LogAppendable {
  logAppender(tenant: TenantId): LogAppender;
}

export interface LogAppender {
  append(labels: Labels, entries: readonly LogEntry[]): void;
  commit(): Promise<LogAppendResult>;
  rollback(): void;
}

/**
 * A line filter the store applies itself (pushed down by LogQL, which keeps the semantics):
 * `|=` contains, `!=` does not contain, `|~` RE2 match anywhere in the line, `!~` no match.
 * Several filters are ANDed. The store MAY use them to skip chunks (token blooms) but MUST
 * return exactly the entries that pass all of them.
 */
export interface LineFilter {
  op: '|=' | '!=' | '|~' | '!~';
  value: string;
}

export interface LogSelectParams {
  /** Stream selector; at least one matcher that does not match the empty string. */
  matchers: readonly Matcher[];
  /** Inclusive start, exclusive end (Loki's `[start, end)`). */
  start: LogTime;
  end: LogTime;
  filters?: readonly LineFilter[];
  /** forward = oldest first (default), backward = newest first, within each stream. */
  direction?: 'forward' | 'backward';
  signal?: AbortSignal;
}

/** One matching stream; its entries come in batches (one per chunk, say), in `direction` order. */
export interface LogStream {
  labels: Labels;
  entries(): AsyncIterable<readonly LogEntry[]>;
}

/** What a selection read, for `stats` in Loki responses and `/index/stats`. */
export interface LogReadStats {
  streams: number;
  chunks: number;
  /** Chunks skipped by the token index without being read. */
  chunksSkipped: number;
  entries: number;
  /** Uncompressed line bytes scanned. */
  bytes: number;
}

/**
 * Read access to one tenant's logs. Streams come in no particular order; a caller that needs a
 * global time order merges them. Iteration may stop early (the store releases what it holds
 * on the iterator's `return`). Errors are `QueryError`s naming what could not be read.
 */
export interface LogQuerier {
  select(params: LogSelectParams): AsyncIterable<LogStream>;
  /** Label names of streams with data in `[start, end)`, optionally limited by matchers. */
  labelNames(start: LogTime, end: LogTime, matchers?: readonly Matcher[]): Promise<string[]>;
  labelValues(
    name: string,
    start: LogTime,
    end: LogTime,
    matchers?: readonly Matcher[],
  ): Promise<string[]>;
  /** Label sets of streams matching `matchers` with data in `[start, end)`. */
  series(start: LogTime, end: LogTime, matchers: readonly Matcher[]): Promise<Labels[]>;
  /** Loki `/index/stats`: streams, chunks, entries and bytes in range (index only, no reads). */
  indexStats(
    start: LogTime,
    end: LogTime,
    matchers: readonly Matcher[],
  ): Promise<{ streams: number; chunks: number; entries: number; bytes: number }>;
  /** Counters of everything `select` read since this querier was made. */
  readStats(): LogReadStats;
}

export interface LogQueryable {
  logQuerier(tenant: TenantId): LogQuerier;
}

/**
 * Live records as they are committed (for Loki `/tail` and the UI's live tail). `onBatch` is
 * called synchronously after each commit with the stream and its newly visible entries;
 * it MUST NOT throw or block. The returned function unsubscribes.
 */
export interface LogTailable {
  tailLogs(
    tenant: TenantId,
    matchers: readonly Matcher[],
    onBatch: (labels: Labels, entries: readonly LogEntry[]) => void,
  ): () => void;
}
