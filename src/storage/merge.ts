import { Labels } from '../model/index.js';
import type { Querier, SampleIterator, SelectHints, Series } from './querier.js';
import type { Matcher } from '../model/index.js';

/**
 * Merges several queriers over the same tenant and range (e.g. on-disk blocks and the in-memory
 * head) into one. `select` k-way merges the sorted series sets; series with equal labels become
 * one series whose samples are merged by timestamp, a timestamp present in several sources
 * yielding the sample of the earliest querier in `queriers` (callers list older data first).
 * The merged querier owns its parts: `close` closes them all.
 */
export function mergeQueriers(queriers: readonly Querier[]): Querier {
  if (queriers.length === 1) return queriers[0];
  return new MergeQuerier(queriers);
}

class MergeQuerier implements Querier {
  constructor(private readonly parts: readonly Querier[]) {}

  select(matchers: readonly Matcher[], hints?: SelectHints): Series[] {
    const sets = this.parts.map((q) => q.select(matchers, hints)).filter((s) => s.length > 0);
    return mergeSeriesSets(sets);
  }

  labelNames(matchers?: readonly Matcher[]): string[] {
    return unionSorted(this.parts.map((q) => q.labelNames(matchers)));
  }

  labelValues(name: string, matchers?: readonly Matcher[]): string[] {
    return unionSorted(this.parts.map((q) => q.labelValues(name, matchers)));
  }

  close(): void {
    for (const q of this.parts) q.close();
  }
}

/** Merges series lists each sorted by `Labels.compare` into one sorted list (k-way). */
export function mergeSeriesSets(sets: readonly (readonly Series[])[]): Series[] {
  if (sets.length === 0) return [];
  if (sets.length === 1) return sets[0].slice();
  const pos = new Array<number>(sets.length).fill(0);
  const out: Series[] = [];
  const group: Series[] = [];
  for (;;) {
    // Few sources (blocks + head): a linear scan for the minimum beats a heap.
    let min: Labels | undefined;
    for (let i = 0; i < sets.length; i++) {
      if (pos[i] >= sets[i].length) continue;
      const l = sets[i][pos[i]].labels;
      if (min === undefined || Labels.compare(l, min) < 0) min = l;
    }
    if (min === undefined) return out;
    group.length = 0;
    for (let i = 0; i < sets.length; i++) {
      if (pos[i] < sets[i].length && sets[i][pos[i]].labels.equals(min)) {
        group.push(sets[i][pos[i]]);
        pos[i]++;
      }
    }
    out.push(group.length === 1 ? group[0] : mergedSeries(group.slice()));
  }
}

function mergedSeries(parts: Series[]): Series {
  return {
    labels: parts[0].labels,
    iterator: () => new MergeIterator(parts.map((p) => p.iterator())),
  };
}

/** Sorted union of sorted string lists. */
function unionSorted(lists: string[][]): string[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return nonEmpty[0];
  const set = new Set<string>();
  for (const l of nonEmpty) for (const s of l) set.add(s);
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Merges sample iterators by timestamp; on equal timestamps the earliest iterator wins and the
 * others' samples are skipped. No per-sample allocation.
 */
export class MergeIterator implements SampleIterator {
  t = 0;
  v = 0;
  /** Whether each source holds a current (unconsumed) sample. */
  private readonly has: boolean[];
  private started = false;

  constructor(private readonly its: SampleIterator[]) {
    this.has = new Array<boolean>(its.length).fill(false);
  }

  next(): boolean {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.its.length; i++) this.has[i] = this.its[i].next();
    } else {
      // Advance every source positioned at the sample just returned (drops duplicates).
      for (let i = 0; i < this.its.length; i++) {
        if (this.has[i] && this.its[i].t === this.t) this.has[i] = this.its[i].next();
      }
    }
    return this.pick();
  }

  seek(t: number): boolean {
    if (this.started && this.t >= t && this.anyCurrent()) return true;
    this.started = true;
    for (let i = 0; i < this.its.length; i++) {
      const it = this.its[i];
      // A source whose current sample already qualifies stays put (seek never moves back).
      if (this.has[i] && it.t >= t) continue;
      this.has[i] = it.seek(t);
    }
    return this.pick();
  }

  private anyCurrent(): boolean {
    for (let i = 0; i < this.has.length; i++) if (this.has[i]) return true;
    return false;
  }

  private pick(): boolean {
    let best = -1;
    for (let i = 0; i < this.its.length; i++) {
      if (this.has[i] && (best < 0 || this.its[i].t < this.its[best].t)) best = i;
    }
    if (best < 0) return false;
    this.t = this.its[best].t;
    this.v = this.its[best].v;
    return true;
  }
}
