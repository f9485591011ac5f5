import { cmpStr, Labels } from '../model/index.js';

/**
 * A label set under edit, with Prometheus `labels.Builder` semantics: edits are recorded
 * against an untouched base, reads see them, and `labels()` returns the base itself when
 * nothing was edited (so a program that changes nothing allocates no new label set).
 *
 * Iteration order matters for labelmap (the last copy to a name wins) and follows Prometheus:
 * base labels that were neither deleted nor re-set, in order, then set labels in the order they
 * were first set.
 */
export class LabelBuilder {
  /** Set labels as `[name, value, …]` in insertion order; allocated on first edit. */
  private add: string[] | undefined;
  private del: string[] | undefined;

  constructor(private readonly base: Labels) {}

  get(name: string): string {
    const add = this.add;
    if (add !== undefined) {
      for (let i = 0; i < add.length; i += 2) if (add[i] === name) return add[i + 1];
    }
    if (this.del?.includes(name)) return '';
    return this.base.get(name);
  }

  /** Sets `name` to `value`; an empty value deletes the label (as in Prometheus). */
  set(name: string, value: string): void {
    if (value === '') {
      this.delete(name);
      return;
    }
    const add = (this.add ??= []);
    for (let i = 0; i < add.length; i += 2) {
      if (add[i] === name) {
        add[i + 1] = value;
        return;
      }
    }
    add.push(name, value);
  }

  delete(name: string): void {
    const add = this.add;
    if (add !== undefined) {
      for (let i = 0; i < add.length; i += 2) {
        if (add[i] === name) {
          add.splice(i, 2);
          break;
        }
      }
    }
    (this.del ??= []).push(name);
  }

  /**
   * Calls `f` on each current label. Edits made by `f` do not change what is visited (the
   * edit lists are snapshotted first, as Prometheus's Range does).
   */
  forEach(f: (name: string, value: string) => void): void {
    const add = this.add === undefined ? undefined : this.add.slice();
    const del = this.del === undefined ? undefined : this.del.slice();
    const flat = this.base.flat;
    for (let i = 0; i < flat.length; i += 2) {
      const n = flat[i];
      if (del?.includes(n) || (add !== undefined && indexOfName(add, n) >= 0)) continue;
      f(n, flat[i + 1]);
    }
    if (add !== undefined) for (let i = 0; i < add.length; i += 2) f(add[i], add[i + 1]);
  }

  /** The resulting label set: the base itself when nothing was edited. */
  labels(): Labels {
    const add = this.add;
    const del = this.del;
    if ((add === undefined || add.length === 0) && (del === undefined || del.length === 0)) {
      return this.base;
    }
    // Merge the kept base labels (already sorted) with the set ones (few: sorted here).
    const set: [string, string][] = [];
    if (add !== undefined) for (let i = 0; i < add.length; i += 2) set.push([add[i], add[i + 1]]);
    set.sort((a, b) => cmpStr(a[0], b[0]));
    const flat = this.base.flat;
    const out: string[] = [];
    let j = 0;
    for (let i = 0; i < flat.length; i += 2) {
      const n = flat[i];
      if (del?.includes(n) || (add !== undefined && indexOfName(add, n) >= 0)) continue;
      for (; j < set.length && cmpStr(set[j][0], n) < 0; j++) out.push(set[j][0], set[j][1]);
      out.push(n, flat[i + 1]);
    }
    for (; j < set.length; j++) out.push(set[j][0], set[j][1]);
    const result = Labels.fromSortedFlat(out);
    return result.equals(this.base) ? this.base : result;
  }
}

function indexOfName(flat: readonly string[], name: string): number {
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return i;
  return -1;
}
