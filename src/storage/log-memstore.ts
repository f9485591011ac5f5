import type { Labels, Matcher, TenantId } from '../model/index.js';
import { InvalidSeriesError, StorageUnavailableError } from './errors.js';
import { compileLineFilters } from './log-filter.js';
import type {
  LogAppendable,
  LogAppender,
  LogAppendResult,
  LogEntry,
  LogQuerier,
  LogQueryable,
  LogReadStats,
  LogSelectParams,
  LogStream,
  LogTailable,
  LogTime,
} from './logs.js';

interface MemStream {
  labels: Labels;
  /** Sorted by ts; equal timestamps keep arrival order. */
  entries: LogEntry[];
}

interface Tail {
  matchers: readonly Matcher[];
  onBatch: (labels: Labels, entries: readonly LogEntry[]) => void;
}

const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function matchesAll(labels: Labels, matchers: readonly Matcher[]): boolean {
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}

/**
 * Log records in memory, no limits, no durability: the reference implementation of the log
 * seams for tests of LogQL, the inputs and the Loki API. Batches become visible at commit.
 */
export class MemLogStore implements LogAppendable, LogQueryable, LogTailable {
  private readonly tenants = new Map<TenantId, Map<string, MemStream>>();
  private readonly tails = new Map<TenantId, Set<Tail>>();
  private closed = false;

  logAppender(tenant: TenantId): LogAppender {
    const pending: { labels: Labels; entries: readonly LogEntry[] }[] = [];
    let done = false;
    const use = (): void => {
      if (done)
        throw new StorageUnavailableError(
          'cannot use log appender: already committed or rolled back',
        );
    };
    return {
      append: (labels, entries) => {
        use();
        if (labels.size === 0)
          throw new InvalidSeriesError('cannot append log stream: no labels ({})');
        pending.push({ labels, entries });
      },
      commit: async () => {
        use();
        done = true;
        if (this.closed) throw new StorageUnavailableError('cannot commit logs: store closed');
        const res: LogAppendResult = {
          accepted: 0,
          bytes: 0,
          truncated: 0,
          newStreams: 0,
          rejected: [],
        };
        let streams = this.tenants.get(tenant);
        if (!streams) this.tenants.set(tenant, (streams = new Map<string, MemStream>()));
        for (const { labels, entries } of pending) {
          const key = labels.toString();
          let s = streams.get(key);
          if (!s) {
            streams.set(key, (s = { labels, entries: [] }));
            res.newStreams++;
          }
          for (const e of entries) {
            insertSorted(s.entries, e);
            res.accepted++;
            res.bytes += utf8Bytes(e.line);
          }
          if (entries.length > 0) {
            for (const t of this.tails.get(tenant) ?? []) {
              if (matchesAll(s.labels, t.matchers)) t.onBatch(s.labels, entries);
            }
          }
        }
        return res;
      },
      rollback: () => {
        done = true;
      },
    };
  }

  logQuerier(tenant: TenantId): LogQuerier {
    const stats: LogReadStats = { streams: 0, chunks: 0, chunksSkipped: 0, entries: 0, bytes: 0 };
    const streamsOf = (
      start: LogTime,
      end: LogTime,
      matchers: readonly Matcher[] | undefined,
    ): MemStream[] =>
      [...(this.tenants.get(tenant)?.values() ?? [])].filter(
        (s) =>
          (!matchers || matchesAll(s.labels, matchers)) &&
          s.entries.some((e) => e.ts >= start && e.ts < end),
      );
    return {
      select: (p: LogSelectParams): AsyncIterable<LogStream> => {
        const pass = compileLineFilters(p.filters ?? []);
        const picked = streamsOf(p.start, p.end, p.matchers);
        return (async function* () {
          for (const s of picked) {
            p.signal?.throwIfAborted();
            const inRange = s.entries.filter((e) => e.ts >= p.start && e.ts < p.end);
            stats.streams++;
            stats.chunks++;
            stats.entries += inRange.length;
            for (const e of inRange) stats.bytes += utf8Bytes(e.line);
            const out = inRange.filter((e) => pass(e.line));
            if (out.length === 0) continue;
            if (p.direction === 'backward') out.reverse();
            yield {
              labels: s.labels,
              async *entries() {
                yield out;
              },
            };
          }
        })();
      },
      labelNames: async (start, end, matchers) => {
        const names = new Set<string>();
        for (const s of streamsOf(start, end, matchers))
          for (let i = 0; i < s.labels.size; i++) names.add(s.labels.name(i));
        return [...names].sort();
      },
      labelValues: async (name, start, end, matchers) => {
        const vals = new Set<string>();
        for (const s of streamsOf(start, end, matchers))
          if (s.labels.has(name)) vals.add(s.labels.get(name));
        return [...vals].sort();
      },
      series: async (start, end, matchers) => streamsOf(start, end, matchers).map((s) => s.labels),
      indexStats: async (start, end, matchers) => {
        const picked = streamsOf(start, end, matchers);
        let entries = 0;
        let bytes = 0;
        for (const s of picked)
          for (const e of s.entries)
            if (e.ts >= start && e.ts < end) {
              entries++;
              bytes += utf8Bytes(e.line);
            }
        return { streams: picked.length, chunks: picked.length, entries, bytes };
      },
      readStats: () => ({ ...stats }),
    };
  }

  tailLogs(
    tenant: TenantId,
    matchers: readonly Matcher[],
    onBatch: (labels: Labels, entries: readonly LogEntry[]) => void,
  ): () => void {
    const t: Tail = { matchers, onBatch };
    let set = this.tails.get(tenant);
    if (!set) this.tails.set(tenant, (set = new Set()));
    set.add(t);
    return () => set.delete(t);
  }

  close(): void {
    this.closed = true;
  }
}

function insertSorted(arr: LogEntry[], e: LogEntry): void {
  let i = arr.length;
  while (i > 0 && arr[i - 1].ts > e.ts) i--;
  arr.splice(i, 0, e);
}
