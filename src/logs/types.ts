import type { Labels, Matcher, TenantId } from '../model/index.js';
import type { LogEntry, LogTime } from '../storage/index.js';

/**
 * The contracts between the log store's parts (ADR 0005): the head (`head*.ts`, `store.ts`)
 * seals chunks, the codecs (`chunk*.ts`, `bloom.ts`, `tokenize.ts`) encode them, and the chunk
 * store (`chunk-store*.ts`, `block*.ts`, `retention.ts`, `compact.ts`) keeps them on disk.
 */

/** One chunk's records, oldest first (equal timestamps keep arrival order). */
export interface ChunkData {
  ts: BigInt64Array;
  lines: string[];
  /** Per record: its structured metadata, or undefined. Same length as `lines`. */
  fields: (LogEntry['fields'] | undefined)[];
}

/**
 * `q4`: newline-framed lines + delta-of-delta ts column + fields, brotli quality 4 (sealing).
 * `columnar`: typed columns per JSON/logfmt key or field position, brotli q6 (compaction).
 * Every encoded chunk starts with a format byte and a version, so both stay readable for good.
 */
export type ChunkFormat = 'q4' | 'columnar';

/** A sealed, encoded chunk of one stream, ready for the chunk store. */
export interface SealedChunk {
  tenant: TenantId;
  labels: Labels;
  mint: LogTime;
  /** Inclusive. */
  maxt: LogTime;
  entries: number;
  /** Uncompressed UTF-8 bytes of the lines. */
  rawBytes: number;
  format: ChunkFormat;
  data: Uint8Array;
  /** Token bloom of the lines (bloom.ts), kept in the block index, not in the chunk. */
  bloom: Uint8Array;
}

/** What the chunk store's index knows about a chunk, without reading it. */
export interface ChunkMeta {
  /** Opaque, process-local handle for `ChunkStore.read`. */
  ref: number;
  tenant: TenantId;
  labels: Labels;
  mint: LogTime;
  maxt: LogTime;
  entries: number;
  rawBytes: number;
  /** Encoded bytes on disk. */
  sizeBytes: number;
  format: ChunkFormat;
}

/** Which chunks may go (applied only by dropping whole chunks). Periods in ms; 0 = keep forever. */
export interface RetentionPolicy {
  /** Default period for every tenant. */
  periodMs: number;
  /** Per stream selector (first match wins; tenant rules before global ones). */
  streams: { matchers: Matcher[]; periodMs: number }[];
  tenants: Map<
    TenantId,
    { periodMs?: number; streams: { matchers: Matcher[]; periodMs: number }[] }
  >;
  /** Total size cap over all tenants (bytes of chunk files), oldest chunks dropped first; 0 = none. */
  maxBytes: number;
}

/**
 * Durable sealed chunks. The head hands over sealed chunks with `add`; once it resolves they
 * are on disk (fsynced) and the head may forget them (and the WAL may drop them).
 */
export interface ChunkStore {
  add(chunks: readonly SealedChunk[]): Promise<void>;
  /**
   * Chunks of `tenant` whose stream matches `matchers` and whose `[mint, maxt]` overlaps
   * `[start, end)`, minus those whose bloom proves one of `tokens` absent (counted in
   * `skipped`). Sorted by stream then mint.
   */
  find(
    tenant: TenantId,
    matchers: readonly Matcher[],
    start: LogTime,
    end: LogTime,
    tokens: readonly string[],
  ): { chunks: ChunkMeta[]; skipped: number };
  read(ref: number): Promise<ChunkData>;
  /** The chunk's encoded bytes, checked (for filtered reads that skip decoding lines). */
  readBytes?(ref: number): Promise<Uint8Array>;
  /** Distinct stream label sets of `tenant` with chunks overlapping `[start, end)`. */
  streams(tenant: TenantId, start: LogTime, end: LogTime, matchers?: readonly Matcher[]): Labels[];
  /** Drops chunks past `policy` at `nowMs`; a dropped chunk is gone from `find` at once. */
  applyRetention(
    policy: RetentionPolicy,
    nowMs: number,
  ): Promise<{ droppedChunks: number; droppedBytes: number }>;
  /** Background work: re-encode q4 chunks as columnar, merge small blocks, reclaim space. */
  compact(signal?: AbortSignal): Promise<{ rewrittenChunks: number; savedBytes: number }>;
  stats(): { tenants: number; chunks: number; bytes: number; rawBytes: number; entries: number };
  close(): Promise<void>;
}
