import { Labels, type Matcher } from '../model/index.js';
import type { Querier, SampleIterator, Series } from '../storage/index.js';
import { XorIterator } from './chunkenc/index.js';
import type { Head } from './head.js';
import type { HeadReader } from './head-readers.js';
import type { MemSeries } from './head-series.js';

/**
 * Reads one tenant's head over [mint, maxt]. Series are resolved through the postings index;
 * each series' chunks are snapshotted when its iterator is created (the open chunk up to the
 * samples it held then), so appends may continue while a query reads.
 */
export class HeadQuerier implements Querier {
  private readonly reader: HeadReader;

  constructor(
    private readonly head: Head,
    private readonly mint: number,
    private readonly maxt: number,
  ) {
    this.reader = head.readers.add(mint);
  }

  /** True when the head holds no sample in range (everything can be answered empty). */
  private outOfRange(): boolean {
    const h = this.head;
    return h.maxT < this.mint || h.minT > this.maxt;
  }

  private matching(matchers: readonly Matcher[]): MemSeries[] {
    if (this.outOfRange()) return [];
    const refs = this.head.postings.select(matchers);
    const out: MemSeries[] = [];
    for (let i = 0; i < refs.length; i++) {
      const s = this.head.getByRef(refs[i]);
      if (s !== undefined && overlaps(s, this.mint, this.maxt)) out.push(s);
    }
    return out;
  }

  select(matchers: readonly Matcher[]): Series[] {
    const list = this.matching(matchers);
    list.sort((a, b) => Labels.compare(a.labels, b.labels));
    const mint = this.mint;
    const maxt = this.maxt;
    return list.map((s) => ({
      labels: s.labels,
      iterator: () => seriesIterator(s, mint, maxt),
    }));
  }

  labelNames(matchers?: readonly Matcher[]): string[] {
    if (matchers === undefined || matchers.length === 0) {
      return this.outOfRange() ? [] : this.head.postings.names();
    }
    const names = new Set<string>();
    for (const s of this.matching(matchers)) {
      const f = s.labels.flat;
      for (let i = 0; i < f.length; i += 2) names.add(f[i]);
    }
    return [...names].sort(cmp);
  }

  labelValues(name: string, matchers?: readonly Matcher[]): string[] {
    if (matchers === undefined || matchers.length === 0) {
      return this.outOfRange() ? [] : this.head.postings.values(name);
    }
    const values = new Set<string>();
    for (const s of this.matching(matchers)) {
      const v = s.labels.get(name);
      if (v !== '') values.add(v);
    }
    return [...values].sort(cmp);
  }

  close(): void {
    this.head.readers.close(this.reader);
  }
}

function overlaps(s: MemSeries, mint: number, maxt: number): boolean {
  const last = s.lastT;
  if (last < 0 || last < mint) return false;
  const first = s.minT;
  return first <= maxt;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An iterator over the series' chunks that overlap [mint, maxt], as they are now. */
export function seriesIterator(s: MemSeries, mint: number, maxt: number): SampleIterator {
  const chunks: Uint8Array[] = [];
  for (const c of s.closed) if (c.maxT >= mint && c.minT <= maxt) chunks.push(c.data);
  const e = s.enc;
  if (e !== null && e.numSamples > 0 && e.maxTime >= mint && e.minTime <= maxt) {
    chunks.push(e.bytes());
  }
  return new ChunksIterator(chunks, mint, maxt);
}

/**
 * Iterates XOR chunks in order (non-overlapping, ascending), clipped to [mint, maxt]. Each
 * chunk's sample count is read at `reset`, which is what freezes the open chunk's view.
 */
export class ChunksIterator implements SampleIterator {
  t = 0;
  v = 0;
  private readonly it = new XorIterator();
  private i = -1;
  private done = false;

  constructor(
    private readonly chunks: readonly Uint8Array[],
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  next(): boolean {
    if (this.done) return false;
    if (this.i < 0) return this.seek(this.mint);
    const it = this.it;
    for (;;) {
      if (it.next()) return this.emit();
      if (!this.nextChunk()) return false;
    }
  }

  seek(t: number): boolean {
    if (this.done) return false;
    if (this.i >= 0 && this.t >= t) return true;
    const want = Math.max(t, this.mint);
    const it = this.it;
    if (this.i < 0 && !this.nextChunk()) return false;
    for (;;) {
      if (it.seek(want)) return this.emit();
      if (!this.nextChunk()) return false;
    }
  }

  readInto(ts: Float64Array, vs: Float64Array, start: number, maxt: number): number {
    let n = start;
    const end = ts.length;
    if (this.done || n >= end) return n;
    if (this.i < 0) {
      if (!this.seek(this.mint)) return n;
      if (this.t > maxt) {
        this.done = true;
        return n;
      }
      ts[n] = this.t;
      vs[n++] = this.v;
    }
    const lim = Math.min(maxt, this.maxt);
    const it = this.it;
    while (n < end) {
      n = it.decodeInto(ts, vs, n, end, lim);
      if (it.overMax) {
        this.done = true;
        return n;
      }
      if (n < end && !this.nextChunk()) return n;
    }
    this.t = ts[n - 1];
    this.v = vs[n - 1];
    return n;
  }

  private nextChunk(): boolean {
    this.i++;
    if (this.i >= this.chunks.length) {
      this.done = true;
      return false;
    }
    this.it.reset(this.chunks[this.i]);
    return true;
  }

  private emit(): boolean {
    const it = this.it;
    if (it.t > this.maxt) {
      this.done = true;
      return false;
    }
    this.t = it.t;
    this.v = it.v;
    return true;
  }
}
