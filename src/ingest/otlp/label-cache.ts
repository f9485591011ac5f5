import type { Labels } from '../../model/index.js';
import type { Attrs } from './types.js';

/**
 * Converted label sets remembered by a cheap key of their inputs (name, attributes in wire
 * order, promoted resource labels, extra labels), so a series seen before costs one string join
 * and a Map lookup instead of sanitising, sorting and building its Labels again. Returns the same
 * Labels object for the same inputs, which callers use as an identity key. Two generations of
 * `size / 2` entries: when the young one fills up, the old one is dropped (bounded memory,
 * recently used entries survive).
 */
export class LabelCache {
  private young = new Map<string, Labels>();
  private old = new Map<string, Labels>();
  private readonly parts = new WeakMap<Attrs, string>();

  constructor(
    private readonly size: number,
    private readonly build: (name: string, attrs: Attrs, promoted: Attrs, extra: Attrs) => Labels,
  ) {}

  get(name: string, attrs: Attrs, promoted: Attrs, extra: Attrs): Labels {
    // Length-prefixed, so no attribute content can make two different inputs share a key.
    // The parts of a point's attributes and a resource's labels are joined once per array.
    const key = `${name.length}:${name}${this.part(attrs)}${this.part(promoted)}${part(extra)}`;
    let ls = this.young.get(key);
    if (ls !== undefined) return ls;
    ls = this.old.get(key) ?? this.build(name, attrs, promoted, extra);
    if (this.young.size >= this.size / 2) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, ls);
    return ls;
  }

  private part(a: Attrs): string {
    let p = this.parts.get(a);
    if (p === undefined) this.parts.set(a, (p = part(a)));
    return p;
  }
}

function part(a: Attrs): string {
  let s = `|${a.length}`;
  for (const [k, v] of a) s += `|${k.length}:${k}${v.length}:${v}`;
  return s;
}
