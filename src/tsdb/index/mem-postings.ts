/**
 * The head's inverted index: label name → value → sorted refs (PostingsList), plus the list of
 * all refs. Matchers are resolved here into a sorted Uint32Array of candidate refs.
 */
import type { Labels, Matcher } from '../../model/index.js';
import { PostingsList, intersect, subtract, union } from './postings.js';

const EMPTY = new Uint32Array(0);

export class MemPostings {
  private readonly byName = new Map<string, Map<string, PostingsList>>();
  private all = new PostingsList(1024);

  /** Indexes a series. Refs normally arrive in ascending order (the fast path). */
  add(ref: number, labels: Labels): void {
    const flat = labels.flat;
    for (let i = 0; i < flat.length; i += 2) {
      let values = this.byName.get(flat[i]);
      if (values === undefined) {
        values = new Map();
        this.byName.set(flat[i], values);
      }
      let list = values.get(flat[i + 1]);
      if (list === undefined) {
        list = new PostingsList(1);
        values.set(flat[i + 1], list);
      }
      list.add(ref);
    }
    this.all.add(ref);
  }

  /**
   * Removes many series at once: each touched list is rebuilt once with a set difference, so a
   * large GC costs O(total postings) rather than one memmove per removed ref.
   */
  deleteMany(series: readonly { ref: number; labels: Labels }[]): void {
    if (series.length === 0) return;
    const refs = Uint32Array.from(series.map((s) => s.ref)).sort();
    const touched = new Map<string, Set<string>>();
    for (const s of series) {
      const flat = s.labels.flat;
      for (let i = 0; i < flat.length; i += 2) {
        let vs = touched.get(flat[i]);
        if (vs === undefined) touched.set(flat[i], (vs = new Set()));
        vs.add(flat[i + 1]);
      }
    }
    for (const [name, vs] of touched) {
      const values = this.byName.get(name);
      if (values === undefined) continue;
      for (const v of vs) {
        const list = values.get(v);
        if (list === undefined) continue;
        const left = subtract(list.toArray(), refs);
        if (left.length === 0) values.delete(v);
        else values.set(v, PostingsList.from(left));
      }
      if (values.size === 0) this.byName.delete(name);
    }
    const rest = subtract(this.all.toArray(), refs);
    this.all = PostingsList.from(rest);
  }

  /** Number of indexed series. */
  get size(): number {
    return this.all.length;
  }

  /** Sorted label names. */
  names(): string[] {
    return [...this.byName.keys()].sort(cmp);
  }

  /** Sorted values of one label name. */
  values(name: string): string[] {
    const values = this.byName.get(name);
    return values === undefined ? [] : [...values.keys()].sort(cmp);
  }

  /** Visits every distinct name and value (to rebuild the string intern table). */
  forEachString(fn: (s: string) => void): void {
    for (const [name, values] of this.byName) {
      fn(name);
      for (const v of values.keys()) fn(v);
    }
  }

  /** Number of distinct label pairs. */
  get pairs(): number {
    let n = 0;
    for (const values of this.byName.values()) n += values.size;
    return n;
  }

  get(name: string, value: string): Uint32Array {
    return this.byName.get(name)?.get(value)?.toArray() ?? EMPTY;
  }

  /**
   * Refs of the series matching every matcher, ascending. The result is only valid until the
   * next `add` (it may be a view into a live list): use it synchronously.
   */
  select(matchers: readonly Matcher[]): Uint32Array {
    const pos: Uint32Array[] = [];
    const neg: Uint32Array[] = [];
    for (const m of matchers) {
      if (m.matchesEmpty()) {
        // Series without the label match too: subtract those whose value does not match.
        const bad = this.matching(
          m.name,
          (v) => !m.matches(v),
          m.type === '!=' ? [m.value] : m.type === '!~' ? m.setValues() : undefined,
        );
        if (bad.length > 0) neg.push(bad);
      } else {
        const set = m.type === '=' || m.type === '=~' ? m.setValues() : undefined;
        const good = this.matching(m.name, (v) => m.matches(v), set);
        if (good.length === 0) return EMPTY;
        pos.push(good);
      }
    }
    let res = pos.length > 0 ? intersect(pos) : this.all.toArray();
    for (const n of neg) {
      if (res.length === 0) break;
      res = subtract(res, n);
    }
    return res;
  }

  /** Union of the lists of `name` whose value satisfies `pred` (or is in `exact`, when given). */
  private matching(
    name: string,
    pred: (v: string) => boolean,
    exact: string[] | undefined,
  ): Uint32Array {
    const values = this.byName.get(name);
    if (values === undefined) return EMPTY;
    const lists: Uint32Array[] = [];
    if (exact !== undefined) {
      for (const v of exact) {
        const l = values.get(v);
        if (l !== undefined) lists.push(l.toArray());
      }
    } else {
      for (const [v, l] of values) if (pred(v)) lists.push(l.toArray());
    }
    return union(lists);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
