import type { Labels, Matcher } from '../../model/index.js';
import type { Querier, SampleIterator, Series, SelectHints } from '../../storage/index.js';
import { XorIterator } from '../chunkenc/index.js';
import { intersect, subtract, union } from '../index/postings.js';
import type { ChunkReader } from './chunks-reader.js';
import { CorruptBlockError } from './errors.js';
import type { IndexReader } from './index-reader.js';

/**
 * Prometheus's PostingsForMatchers over one block's index: matchers that reject '' select the
 * union of their matching values' postings and are intersected; matchers that accept '' subtract
 * the postings of the values they reject (so series lacking the label still match).
 */
export function postingsForMatchers(ix: IndexReader, matchers: readonly Matcher[]): Uint32Array {
  const include: Uint32Array[] = [];
  const exclude: Uint32Array[] = [];
  for (const m of matchers) {
    if (m.matchesEmpty()) {
      const rejected = ix.postingsWhere(m.name, (v) => !m.matches(v));
      if (rejected.length > 0) exclude.push(union(rejected));
    } else if (m.type === '=') {
      include.push(ix.postings(m.name, m.value));
    } else {
      const set = m.type === '=~' ? m.setValues() : undefined;
      include.push(
        set
          ? union(set.map((v) => ix.postings(m.name, v)))
          : union(ix.postingsWhere(m.name, (v) => m.matches(v))),
      );
    }
  }
  let p: Uint32Array;
  if (include.length === 0) {
    p = new Uint32Array(ix.numSeries);
    for (let i = 0; i < p.length; i++) p[i] = i;
  } else {
    p = include.length === 1 ? include[0] : intersect(include);
  }
  for (const x of exclude) {
    if (p.length === 0) break;
    p = subtract(p, x);
  }
  return p;
}

/** Read side of one block over [mint, maxt] (inclusive), implementing storage's Querier. */
export class BlockQuerier implements Querier {
  private closed = false;

  constructor(
    private readonly ix: IndexReader,
    private readonly chunks: ChunkReader,
    private readonly mint: number,
    private readonly maxt: number,
    private readonly onClose: () => void,
  ) {}

  select(matchers: readonly Matcher[], hints?: SelectHints): Series[] {
    const mint = Math.max(this.mint, hints?.start ?? -Infinity);
    const maxt = Math.min(this.maxt, hints?.end ?? Infinity);
    const out: Series[] = [];
    if (mint > maxt) return out;
    const ids = postingsForMatchers(this.ix, matchers);
    for (let i = 0; i < ids.length; i++) {
      const { labels, chunks } = this.ix.series(ids[i]);
      // Keep the chunks overlapping [mint, maxt]; chunks are time-ordered.
      const refs: number[] = [];
      const maxts: number[] = [];
      for (let c = 0; c < chunks.length; c += 3) {
        if (chunks[c + 1] < mint || chunks[c] > maxt) continue;
        refs.push(chunks[c + 2]);
        maxts.push(chunks[c + 1]);
      }
      if (refs.length > 0) out.push(new BlockSeries(labels, this.chunks, refs, maxts, mint, maxt));
    }
    return out;
  }

  labelNames(matchers?: readonly Matcher[]): string[] {
    if (!matchers || matchers.length === 0) return [...this.ix.labelNames()];
    const names = new Set<string>();
    const ids = postingsForMatchers(this.ix, matchers);
    for (let i = 0; i < ids.length; i++) {
      const l = this.ix.labels(ids[i]);
      for (let j = 0; j < l.size; j++) names.add(l.name(j));
    }
    return [...names].sort();
  }

  labelValues(name: string, matchers?: readonly Matcher[]): string[] {
    if (!matchers || matchers.length === 0) return [...this.ix.labelValues(name)];
    const values = new Set<string>();
    const ids = postingsForMatchers(this.ix, matchers);
    for (let i = 0; i < ids.length; i++) {
      const v = this.ix.labels(ids[i]).get(name);
      if (v !== '') values.add(v);
    }
    return [...values].sort();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}

class BlockSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly reader: ChunkReader,
    private readonly refs: number[],
    private readonly maxts: number[],
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  iterator(): SampleIterator {
    return new BlockSeriesIterator(this.reader, this.refs, this.maxts, this.mint, this.maxt);
  }
}

/**
 * Walks a series' chunks in order, clipped to [mint, maxt]. Chunk bytes are read on first use
 * (one positional read for the run). Samples not after the previous one are skipped, so even
 * overlapping chunks (which the writer and compactor never produce) yield increasing times.
 */
export class BlockSeriesIterator implements SampleIterator {
  t = 0;
  v = 0;
  private data: Uint8Array[] | undefined;
  private c = -1;
  private readonly it = new XorIterator();
  private done = false;
  private lastT = -Infinity;

  constructor(
    private readonly reader: ChunkReader,
    private readonly refs: number[],
    private readonly maxts: number[],
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  private nextChunk(lb: number): boolean {
    this.data ??= this.reader.read(this.refs, 0, this.refs.length);
    for (;;) {
      this.c++;
      if (this.c >= this.data.length) return false;
      if (this.maxts[this.c] < lb) continue;
      this.it.reset(this.data[this.c]);
      return true;
    }
  }

  /** Moves to the first sample with t >= lb (lb already includes mint and lastT + 1). */
  private advance(lb: number): boolean {
    if (this.done) return false;
    for (;;) {
      if (this.c >= 0 && this.it.seek(lb)) {
        if (this.it.t > this.maxt) break;
        this.t = this.it.t;
        this.v = this.it.v;
        this.lastT = this.t;
        return true;
      }
      if (this.c >= 0 && this.it.err !== undefined) {
        throw new CorruptBlockError(
          `cannot read chunk ${this.refs[this.c]}: ${this.it.err.message}`,
          {
            cause: this.it.err,
          },
        );
      }
      if (!this.nextChunk(lb)) break;
    }
    this.done = true;
    return false;
  }

  next(): boolean {
    return this.advance(Math.max(this.mint, this.lastT + 1));
  }

  readInto(ts: Float64Array, vs: Float64Array, start: number, maxt: number): number {
    let n = start;
    const end = ts.length;
    const lim = Math.min(maxt, this.maxt);
    const it = this.it;
    while (n < end) {
      // At a chunk start (or before the first): `advance` applies mint and the lastT skip.
      if (!this.next()) return n;
      if (this.t > lim) {
        this.done = true;
        return n;
      }
      ts[n] = this.t;
      vs[n++] = this.v;
      n = it.decodeInto(ts, vs, n, end, lim);
      if (it.overMax) {
        this.done = true;
        return n;
      }
      if (it.err !== undefined) {
        throw new CorruptBlockError(`cannot read chunk ${this.refs[this.c]}: ${it.err.message}`, {
          cause: it.err,
        });
      }
      if (n > start) {
        this.t = ts[n - 1];
        this.v = vs[n - 1];
        this.lastT = this.t;
      }
    }
    return n;
  }

  seek(t: number): boolean {
    if (this.done) return false;
    if (this.lastT !== -Infinity && this.t >= t) return true;
    return this.advance(Math.max(t, this.mint, this.lastT + 1));
  }
}
