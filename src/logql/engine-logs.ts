import type { Labels } from '../model/index.js';
import type { LogEntry, LogQuerier, LogStream, LogTime } from '../storage/index.js';
import type { LogExpr } from './ast.js';
import { compileLog, runOne } from './engine-select.js';
import type { LogStreamResult } from './types.js';

export interface LogQueryParams {
  start: LogTime;
  end: LogTime;
  limit: number;
  direction: 'forward' | 'backward';
  /** ns; 0 = every entry. */
  interval: bigint;
  signal?: AbortSignal;
}

interface Cursor {
  labels: Labels;
  it: AsyncIterator<readonly LogEntry[]>;
  batch: readonly LogEntry[];
  i: number;
  /** Position of the stream (ties between equal timestamps go to the lower one). */
  order: number;
}

/**
 * A log query: one cursor per selected stream, merged by timestamp in `direction` order (a
 * binary heap), the pipeline applied as entries come off the heap, stopping at `limit`
 * entries (the remaining streams are closed unread). Result streams are grouped by their
 * labels after the pipeline.
 */
export async function runLogQuery(
  querier: LogQuerier,
  log: LogExpr,
  p: LogQueryParams,
): Promise<LogStreamResult[]> {
  const { filters, pipeline } = compileLog(log);
  const streams: LogStream[] = [];
  for await (const s of querier.select({
    matchers: log.matchers,
    start: p.start,
    end: p.end,
    filters,
    direction: p.direction,
    signal: p.signal,
  }))
    streams.push(s);
  // Stable tie-break: streams in label order.
  streams.sort((a, b) => (a.labels.toString() < b.labels.toString() ? -1 : 1));
  const fwd = p.direction === 'forward';
  const before = (a: Cursor, b: Cursor): boolean => {
    const ta = a.batch[a.i].ts;
    const tb = b.batch[b.i].ts;
    if (ta !== tb) return fwd ? ta < tb : ta > tb;
    return a.order < b.order;
  };
  const heap: Cursor[] = [];
  const open: Cursor[] = [];
  try {
    for (let k = 0; k < streams.length; k++) {
      const c: Cursor = {
        labels: streams[k].labels,
        it: streams[k].entries()[Symbol.asyncIterator](),
        batch: [],
        i: 0,
        order: k,
      };
      open.push(c);
      if (await refill(c)) push(heap, c, before);
    }
    const out = new Map<string, LogStreamResult>();
    let n = 0;
    let last: bigint | undefined;
    while (heap.length > 0 && n < p.limit) {
      p.signal?.throwIfAborted();
      const c = heap[0];
      const e = c.batch[c.i];
      let r = runOne(pipeline, e, c.labels);
      if (r instanceof Promise) r = await r;
      if (
        r &&
        (p.interval === 0n ||
          last === undefined ||
          (fwd ? e.ts >= last + p.interval : e.ts <= last - p.interval))
      ) {
        last = e.ts;
        const key = r.labels === c.labels ? c.labels.toString() : r.labels.toString();
        let s = out.get(key);
        if (!s) out.set(key, (s = { labels: r.labels, entries: [] }));
        s.entries.push({ ts: e.ts, line: r.line });
        n++;
      }
      if (++c.i < c.batch.length || (await refill(c))) siftDown(heap, 0, before);
      else {
        const lastC = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = lastC;
          siftDown(heap, 0, before);
        }
      }
    }
    return [...out.values()].sort((a, b) => (a.labels.toString() < b.labels.toString() ? -1 : 1));
  } finally {
    // Release what the store holds for streams we did not read to the end.
    await Promise.all(
      open.map(async (c) => {
        await c.it.return?.();
      }),
    );
  }
}

async function refill(c: Cursor): Promise<boolean> {
  for (;;) {
    const r = await c.it.next();
    if (r.done) return false;
    if (r.value.length > 0) {
      c.batch = r.value;
      c.i = 0;
      return true;
    }
  }
}

function push<T>(h: T[], x: T, before: (a: T, b: T) => boolean): void {
  h.push(x);
  let i = h.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(h[i], h[parent])) break;
    [h[i], h[parent]] = [h[parent], h[i]];
    i = parent;
  }
}

function siftDown<T>(h: T[], i: number, before: (a: T, b: T) => boolean): void {
  const n = h.length;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < n && before(h[l], h[m])) m = l;
    if (r < n && before(h[r], h[m])) m = r;
    if (m === i) return;
    [h[i], h[m]] = [h[m], h[i]];
    i = m;
  }
}
