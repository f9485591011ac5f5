/**
 * Reading the log store: per stream, the chunk store's chunks (skipped by the token blooms
 * where possible) and the head's chunks, merged in time order. The head and the chunk store are
 * looked at in one synchronous step, and a store chunk that matches a piece the head still
 * holds is dropped, so each entry is read exactly once even while a seal completes.
 */
import type { Labels, Matcher, TenantId } from '../model/index.js';
import {
  QueryError,
  type LogEntry,
  type LogQuerier,
  type LogReadStats,
  type LogSelectParams,
  type LogStream,
  type LogTime,
} from '../storage/index.js';
import { errorChain } from '../util/index.js';
import {
  bloomFilters,
  filterRange,
  planScan,
  scanChunkBytes,
  type Records,
  type ScanPlan,
  type ScanResult,
} from './chunk-scan.js';
import { ChunkNotFoundError } from './chunk-store.js';
import { logScanPool } from './scan-pool.js';
import { lowerBound, type Head, type HeadChunk } from './head.js';
import { queryTokens } from './tokenize.js';
import type { ChunkStore } from './types.js';

type Fields = LogEntry['fields'];

/** Chunks of a stream read ahead of the consumer when filtering (one per scan worker, plus). */
const READ_AHEAD = 3;
/** Streams whose first chunks a filtered read starts before they are reached. */
const STREAMS_AHEAD = 2;

/** One chunk of a stream to read: a copy of a head chunk's range, or a chunk store ref. */
interface Source {
  mint: bigint;
  maxt: bigint;
  head?: { ts: bigint[]; lines: string[]; fields: (Fields | undefined)[] };
  ref?: number;
  rawBytes: number;
}

interface StreamSources {
  labels: Labels;
  sources: Source[];
}

function matchesAll(labels: Labels, matchers: readonly Matcher[] | undefined): boolean {
  if (!matchers) return true;
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}

function pieceKey(key: string, mint: bigint, maxt: bigint, n: number): string {
  return `${key}\u0000${mint}\u0000${maxt}\u0000${n}`;
}

/** The head chunks of `tenant`'s matching streams, as [from, to) index ranges within [start, end). */
function headChunks(
  head: Head,
  tenant: TenantId,
  matchers: readonly Matcher[] | undefined,
  fn: (key: string, labels: Labels, c: HeadChunk, from: number, to: number) => void,
  start: LogTime,
  end: LogTime,
): void {
  const m = head.tenants.get(tenant);
  if (!m) return;
  for (const s of m.values()) {
    if (!matchesAll(s.labels, matchers)) continue;
    const visit = (c: HeadChunk): void => {
      const from = lowerBound(c.ts, start);
      const to = lowerBound(c.ts, end);
      if (from < to) fn(s.key, s.labels, c, from, to);
    };
    for (const g of s.sealing) for (const p of g.pieces) visit(p);
    if (s.open !== null) visit(s.open);
  }
}

/** Keys of the head's pieces (cut, maybe already in the chunk store) of `tenant`. */
function headPieceKeys(head: Head, tenant: TenantId): Set<string> {
  const keys = new Set<string>();
  for (const s of head.tenants.get(tenant)?.values() ?? [])
    for (const g of s.sealing)
      for (const p of g.pieces) keys.add(pieceKey(s.key, p.mint, p.maxt, p.ts.length));
  return keys;
}

/**
 * A chunk store chunk's records in `[start, end)` passing `plan` (from its encoded bytes where
 * the store gives them, see chunk-scan.ts), or null when it is gone; other failures are
 * QueryErrors naming it.
 */
async function readChunk(
  store: ChunkStore,
  src: Source,
  labels: Labels,
  plan: ScanPlan,
  start: LogTime,
  end: LogTime,
): Promise<ScanResult | null> {
  try {
    if (store.readBytes === undefined)
      return filterRange(await store.read(src.ref!), plan, start, end);
    const bytes = await store.readBytes(src.ref!);
    const inRange = src.mint >= start && src.maxt < end;
    // Unfiltered reads keep every line: moving them all back from a worker costs more.
    if (plan.all || !logScanPool.available) return scanChunkBytes(bytes, plan, start, end, inRange);
    return await logScanPool.scan(bytes, plan.filters, start, end, inRange);
  } catch (err) {
    if (err instanceof ChunkNotFoundError) return null;
    throw new QueryError(
      `cannot read a log chunk of stream ${labels.toString()}: ${errorChain(err)}`,
      {
        cause: err,
      },
    );
  }
}

export function makeLogQuerier(head: Head, store: ChunkStore, tenant: TenantId): LogQuerier {
  const stats: LogReadStats = { streams: 0, chunks: 0, chunksSkipped: 0, entries: 0, bytes: 0 };

  /** Everything to read for a selection, collected synchronously (see the file comment). */
  const collect = (
    matchers: readonly Matcher[],
    start: LogTime,
    end: LogTime,
    tokens: readonly string[],
  ): { streams: Map<string, StreamSources>; skipped: number } => {
    const streams = new Map<string, StreamSources>();
    const add = (key: string, labels: Labels, src: Source): void => {
      let s = streams.get(key);
      if (!s) streams.set(key, (s = { labels, sources: [] }));
      s.sources.push(src);
    };
    headChunks(
      head,
      tenant,
      matchers,
      (key, labels, c, from, to) => {
        const lines = c.lines.slice(from, to);
        let raw = 0;
        for (const l of lines) raw += Buffer.byteLength(l, 'utf8');
        add(key, labels, {
          mint: c.ts[from],
          maxt: c.ts[to - 1],
          head: { ts: c.ts.slice(from, to), lines, fields: c.fields.slice(from, to) },
          rawBytes: raw,
        });
      },
      start,
      end,
    );
    const inHead = headPieceKeys(head, tenant);
    const found = store.find(tenant, matchers, start, end, tokens);
    for (const c of found.chunks) {
      const key = c.labels.toString();
      if (inHead.has(pieceKey(key, c.mint, c.maxt, c.entries))) continue;
      add(key, c.labels, { mint: c.mint, maxt: c.maxt, ref: c.ref, rawBytes: c.rawBytes });
    }
    return { streams, skipped: found.skipped };
  };

  async function* batches(
    labels: Labels,
    sources: Source[],
    p: LogSelectParams,
    plan: ScanPlan,
  ): AsyncGenerator<LogEntry[]> {
    sources.sort((a, b) => (a.mint < b.mint ? -1 : a.mint > b.mint ? 1 : 0));
    // Overlapping chunks (out-of-order writes, head vs store) are read together and merged.
    const clusters: Source[][] = [];
    let maxt = 0n;
    for (const s of sources) {
      const last = clusters[clusters.length - 1];
      if (last !== undefined && s.mint <= maxt) {
        last.push(s);
        if (s.maxt > maxt) maxt = s.maxt;
      } else {
        clusters.push([s]);
        maxt = s.maxt;
      }
    }
    if (p.direction === 'backward') clusters.reverse();
    /** The cluster's parts, each only its passing records in [start, end), in time order. */
    const load = async (cl: Source[]): Promise<Records[]> => {
      const parts: Records[] = [];
      for (const s of cl) {
        let r: ScanResult | null;
        if (s.head) r = filterRange(s.head, plan, p.start, p.end);
        else {
          r = await readChunk(store, s, labels, plan, p.start, p.end);
          // Dropped by retention since the selection was made: as if it had not been there.
          if (r === null) continue;
        }
        stats.chunks++;
        stats.bytes += s.rawBytes;
        stats.entries += r.entries;
        parts.push(r.data);
      }
      return parts;
    };
    // Filtered reads run ahead (so the scan workers stay busy) by a few clusters, but not
    // before the first batch: a limited query opens every stream and may read one batch of each.
    const ahead: Promise<Records[]>[] = [];
    let depth = 1;
    let next = 0;
    const fill = (): void => {
      while (ahead.length < depth && next < clusters.length) {
        const f = load(clusters[next++]);
        f.catch(() => {}); // surfaced when awaited; not unhandled if never awaited
        ahead.push(f);
      }
    };
    while (next < clusters.length || ahead.length > 0) {
      p.signal?.throwIfAborted();
      fill();
      const first = ahead.shift()!;
      if (depth > 1) fill();
      const parts = await first;
      p.signal?.throwIfAborted();
      const out: LogEntry[] = [];
      const take = (d: Records, i: number): void => {
        const f = d.fields[i];
        out.push(
          f === undefined
            ? { ts: d.ts[i], line: d.lines[i] }
            : { ts: d.ts[i], line: d.lines[i], fields: f },
        );
      };
      if (parts.length === 1) {
        const d = parts[0];
        for (let i = 0; i < d.lines.length; i++) take(d, i);
      } else if (parts.length > 1) {
        // Stable merge by timestamp: earlier chunks (earlier arrivals) first among equals.
        const idx: [number, number][] = [];
        for (let k = 0; k < parts.length; k++)
          for (let i = 0; i < parts[k].lines.length; i++) idx.push([k, i]);
        idx.sort((a, b) => {
          const x = parts[a[0]].ts[a[1]];
          const y = parts[b[0]].ts[b[1]];
          return x < y ? -1 : x > y ? 1 : a[0] - b[0] || a[1] - b[1];
        });
        for (const [k, i] of idx) take(parts[k], i);
      }
      // Past the first batch the consumer is waiting for more (or asked for it): read ahead.
      if (!plan.all) depth = READ_AHEAD;
      if (out.length === 0) continue;
      if (p.direction === 'backward') out.reverse();
      yield out;
    }
  }

  const streamsIn = (
    start: LogTime,
    end: LogTime,
    matchers?: readonly Matcher[],
  ): Map<string, Labels> => {
    const out = new Map<string, Labels>();
    headChunks(head, tenant, matchers, (key, labels) => out.set(key, labels), start, end);
    for (const l of store.streams(tenant, start, end, matchers)) {
      const key = l.toString();
      if (!out.has(key)) out.set(key, l);
    }
    return out;
  };

  return {
    select(p: LogSelectParams): AsyncIterable<LogStream> {
      const plan = planScan(p.filters ?? []);
      // Literals every passing line contains (also those of regexes) can skip chunks by bloom.
      const tokens = queryTokens(bloomFilters(plan));
      const { streams, skipped } = collect(p.matchers, p.start, p.end, tokens);
      stats.chunksSkipped += skipped;
      const list = [...streams.values()];
      /** A stream's batches, its first one asked for. */
      const open = (k: number) => {
        const it = batches(list[k].labels, list[k].sources, p, plan);
        const first = it.next();
        first.catch(() => {}); // surfaced when awaited; not unhandled if never awaited
        return { it, first };
      };
      return (async function* () {
        const ahead: ReturnType<typeof open>[] = [];
        for (let k = 0; k < list.length; k++) {
          const s = list[k];
          p.signal?.throwIfAborted();
          stats.streams++;
          const { it, first: firstP } = ahead.shift() ?? open(k);
          // A filtered read starts the next streams' first chunks meanwhile, so the scan
          // workers stay busy across streams (most of a sparse filter's streams yield little).
          if (!plan.all)
            for (let j = k + 1 + ahead.length; j <= k + STREAMS_AHEAD && j < list.length; j++)
              ahead.push(open(j));
          const first = await firstP;
          if (first.done === true) continue;
          const firstBatch = first.value;
          yield {
            labels: s.labels,
            async *entries() {
              yield firstBatch;
              for (;;) {
                const n = await it.next();
                if (n.done === true) return;
                yield n.value;
              }
            },
          };
        }
      })();
    },
    labelNames: (start, end, matchers) => {
      const names = new Set<string>();
      for (const l of streamsIn(start, end, matchers).values())
        for (let i = 0; i < l.size; i++) names.add(l.name(i));
      return Promise.resolve([...names].sort());
    },
    labelValues: (name, start, end, matchers) => {
      const vals = new Set<string>();
      for (const l of streamsIn(start, end, matchers).values())
        if (l.has(name)) vals.add(l.get(name));
      return Promise.resolve([...vals].sort());
    },
    series: (start, end, matchers) =>
      Promise.resolve([...streamsIn(start, end, matchers).values()]),
    indexStats: (start, end, matchers) => {
      const keys = new Set<string>();
      let chunks = 0;
      let entries = 0;
      let bytes = 0;
      headChunks(
        head,
        tenant,
        matchers,
        (key, _l, c, from, to) => {
          keys.add(key);
          chunks++;
          entries += to - from;
          for (let i = from; i < to; i++) bytes += Buffer.byteLength(c.lines[i], 'utf8');
        },
        start,
        end,
      );
      const inHead = headPieceKeys(head, tenant);
      for (const c of store.find(tenant, matchers, start, end, []).chunks) {
        const key = c.labels.toString();
        if (inHead.has(pieceKey(key, c.mint, c.maxt, c.entries))) continue;
        keys.add(key);
        chunks++;
        entries += c.entries;
        bytes += c.rawBytes;
      }
      return Promise.resolve({ streams: keys.size, chunks, entries, bytes });
    },
    readStats: () => ({ ...stats }),
  };
}
