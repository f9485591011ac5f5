/**
 * One commit: window and future checks, truncation, stream creation, the rate limit, the WAL
 * write, and applying to the head once the WAL holds it. Everything before the WAL write is
 * synchronous, and applying is a direct reaction to the WAL write's promise, so the head
 * changes in WAL order (the checkpoint snapshot relies on it, see store-seal.ts).
 */
import type { Labels, TenantId } from '../model/index.js';
import {
  StorageUnavailableError,
  type LogAppendResult,
  type LogEntry,
  type LogRejection,
} from '../storage/index.js';
import type { Wal } from '../tsdb/index.js';
import { errorChain } from '../util/index.js';
import type { LogsStoreConfig } from './config.js';
import { decodeLogRecord, encodeEntries, encodeStream, LogRecordType } from './head-wal.js';
import type { EntryColumns, Head, HeadStream } from './head.js';
import { streamLimitError, truncateLine, type LogLimits, type RateBucket } from './limits.js';
import type { TailRegistry } from './tail.js';

export interface PendingStream {
  key: string;
  labels: Labels;
  parts: (readonly LogEntry[])[];
}

export interface CommitContext {
  head: Head;
  wal: Wal;
  tails: TailRegistry;
  config: LogsStoreConfig;
  oooWindowMs: number;
  limits: LogLimits;
  bucket: RateBucket;
  nowMs: number;
}

interface Step {
  key: string;
  labels: Labels;
  /** Undefined until created (new stream). */
  stream: HeadStream | undefined;
  id: number;
  firstSeq: number;
  /**
   * The entries without their line strings (the WAL record holds the lines' UTF-8): while the
   * WAL write waits for its fsync no per-line object stays alive for the GC to copy around.
   */
  cols: EntryColumns;
  lineBytes: number;
  /** The entries themselves, kept only for tail subscribers (else rebuilt from the record). */
  entries: LogEntry[] | null;
}

/** Encoded entries per WAL record, so none nears the WAL's 64 MiB record limit. */
const RECORD_BUDGET = 8 * 2 ** 20;

const NS_PER_MS = 1_000_000n;

function iso(ns: bigint): string {
  const ms = Number(ns / NS_PER_MS);
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : `${ns}ns`;
}

function entryCost(e: LogEntry): number {
  let n = 16 + e.line.length * 3;
  if (e.fields) for (const [k, v] of e.fields) n += 8 + (k.length + v.length) * 3;
  return n;
}

export async function commitBatch(
  ctx: CommitContext,
  tenant: TenantId,
  pending: Iterable<PendingStream>,
): Promise<{ result: LogAppendResult; sealDue: boolean }> {
  const { head, limits } = ctx;
  const result: LogAppendResult = {
    accepted: 0,
    bytes: 0,
    truncated: 0,
    newStreams: 0,
    rejected: [],
  };
  const futureNs = BigInt(ctx.nowMs + ctx.config.reject_future) * NS_PER_MS;
  const oldMs = ctx.config.reject_old;
  const oldestNs = oldMs > 0 ? BigInt(ctx.nowMs - oldMs) * NS_PER_MS : null;
  const windowNs = BigInt(ctx.oooWindowMs) * NS_PER_MS;
  const records: Uint8Array[] = [];
  const steps: Step[] = [];
  let nextId = head.nextId;
  let created = 0;
  let lineBytes = 0;
  let duplicates = 0;
  const tailing = ctx.tails.has(tenant);
  for (const p of pending) {
    const s = head.get(tenant, p.key);
    let maxTs = s?.maxTs ?? null;
    const kept: LogEntry[] = [];
    for (const part of p.parts) {
      for (let e of part) {
        if (e.ts > futureNs) {
          result.rejected.push(futureRejection(p.labels, e.ts, ctx.config.reject_future));
          continue;
        }
        if (oldestNs !== null && e.ts < oldestNs) {
          result.rejected.push(oldRejection(p.labels, e.ts, oldMs));
          continue;
        }
        if (maxTs !== null && e.ts < maxTs - windowNs) {
          result.rejected.push(behindRejection(p.labels, e.ts, maxTs, ctx.oooWindowMs));
          continue;
        }
        if (maxTs === null || e.ts > maxTs) maxTs = e.ts;
        // Cheap test first: a line of n UTF-16 units has at most 3n UTF-8 bytes.
        if (e.line.length * 3 > limits.maxLineBytes) {
          const cut = truncateLine(e.line, limits.maxLineBytes);
          if (cut !== e.line) {
            e = e.fields ? { ts: e.ts, line: cut, fields: e.fields } : { ts: e.ts, line: cut };
            result.truncated++;
          }
        }
        // (After truncation: the head holds lines as stored.) An exact duplicate (same time and line) of an entry in the open chunk, or of the
        // entry before it: a shipper retrying a batch. Stored once, counted as accepted (Loki).
        const prev = kept.length > 0 ? kept[kept.length - 1] : undefined;
        if (
          (prev !== undefined && prev.ts === e.ts && prev.line === e.line) ||
          s?.open?.has(e.ts, e.line) === true
        ) {
          duplicates++;
          continue;
        }
        kept.push(e);
      }
    }
    if (kept.length === 0) continue;
    let id: number;
    let seq: number;
    if (s) {
      id = s.id;
      seq = s.nextSeq;
    } else {
      const have = head.streamCount(tenant) + created;
      if (limits.maxStreams > 0 && have >= limits.maxStreams)
        throw streamLimitError(tenant, have, limits.maxStreams);
      created++;
      id = nextId++;
      seq = 0;
      records.push(encodeStream({ id, tenant, labels: p.labels, nextSeq: 0 }));
    }
    for (let from = 0; from < kept.length;) {
      let to = from;
      let budget = 0;
      while (to < kept.length) {
        const cost = entryCost(kept[to]);
        if (to > from && budget + cost > RECORD_BUDGET) break;
        budget += cost;
        to++;
      }
      const enc = encodeEntries(id, seq + from, kept, from, to);
      records.push(enc.rec);
      lineBytes += enc.lineBytes;
      steps.push({
        key: p.key,
        labels: p.labels,
        stream: s,
        id,
        firstSeq: seq + from,
        cols: columns(kept, from, to, enc.rec, enc.at),
        lineBytes: enc.lineBytes,
        entries: tailing ? (from === 0 && to === kept.length ? kept : kept.slice(from, to)) : null,
      });
      from = to;
    }
  }
  // Duplicates are in the store already: they count as accepted whatever happens to the rest.
  result.accepted += duplicates;
  if (records.length === 0) return { result, sealDue: false };
  ctx.bucket.take(tenant, lineBytes, limits, ctx.nowMs);

  // From here on the head changes: no await until the WAL write is issued.
  for (const st of steps) {
    st.stream ??= head.get(tenant, st.key) ?? head.create(tenant, st.labels, st.key, st.id);
    st.stream.nextSeq = Math.max(st.stream.nextSeq, st.firstSeq + st.cols.ts.length);
    st.stream.inflight++;
  }
  result.newStreams = created;
  let applied = false;
  let sealDue = false;
  try {
    await ctx.wal.write(records).then(() => {
      applied = true;
      const target = ctx.config.chunk_target_size;
      for (const st of steps) {
        const s = st.stream!;
        head.applyColumns(s, st.firstSeq, st.cols, ctx.nowMs);
        s.inflight--;
        result.accepted += st.cols.ts.length;
        result.bytes += st.lineBytes;
        if (s.open !== null && s.open.rawBytes >= target) sealDue = true;
      }
      if (ctx.tails.has(tenant))
        for (const st of steps) ctx.tails.publish(tenant, st.labels, st.entries ?? entriesOf(st));
    });
  } catch (err) {
    if (applied) throw err;
    for (const st of steps) {
      st.stream!.inflight--;
      head.forgetIfEmpty(st.stream!);
    }
    throw new StorageUnavailableError(`cannot commit logs: ${errorChain(err)}`, { cause: err });
  }
  return { result, sealDue };
}

/** `entries[from, to)` as columns over their WAL record (lines stay as its UTF-8). */
function columns(
  entries: readonly LogEntry[],
  from: number,
  to: number,
  rec: Uint8Array,
  at: Uint32Array,
): EntryColumns {
  const ts = new BigInt64Array(to - from);
  let fields: EntryColumns['fields'] = null;
  let multiline = false;
  for (let i = from; i < to; i++) {
    const e = entries[i];
    ts[i - from] = e.ts;
    if (e.fields !== undefined)
      (fields ??= new Array(to - from).fill(undefined))[i - from] = e.fields;
    if (!multiline && e.line.includes('\n')) multiline = true;
  }
  return { ts, fields, multiline, rec, at };
}

/** A step's entries decoded back from its WAL record (a tail subscribed during the write). */
function entriesOf(st: Step): LogEntry[] {
  const r = decodeLogRecord(st.cols.rec);
  return r.type === LogRecordType.Entries ? r.entries : [];
}

function oldRejection(labels: Labels, ts: bigint, oldMs: number): LogRejection {
  return {
    labels,
    ts,
    reason: `entry too old: timestamp ${iso(ts)} for stream ${labels.toString()} is more than ${oldMs / 1000}s before now (logs.store.reject_old)`,
  };
}

function futureRejection(labels: Labels, ts: bigint, futureMs: number): LogRejection {
  return {
    labels,
    ts,
    reason: `entry too far in the future: timestamp ${iso(ts)} for stream ${labels.toString()} is more than ${futureMs / 1000}s ahead of now (logs.store.reject_future)`,
  };
}

function behindRejection(
  labels: Labels,
  ts: bigint,
  newest: bigint,
  windowMs: number,
): LogRejection {
  return {
    labels,
    ts,
    reason: `entry too far behind: timestamp ${iso(ts)} for stream ${labels.toString()} is older than the stream's accepted window (newest entry ${iso(newest)}, window ${windowMs / 1000}s, logs.store.out_of_order_window)`,
  };
}
