/**
 * A thin view of `yaml` nodes for the rule-file loader: every scalar as text (the failsafe
 * schema, as Go decodes scalars into strings), merge keys and aliases resolved, and Go yaml.v3
 * style 1-based line:column positions for error messages.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Pos {
  line: number;
  column: number;
}

/** Go's zero yaml.Node position: what Prometheus prints for an absent field. */
export const NO_POS: Pos = { line: 0, column: 0 };

export interface Field {
  key: string;
  keyPos: Pos;
  value: Node | null;
  valuePos: Pos;
}

export class YamlView {
  constructor(
    private readonly doc: Document,
    private readonly lc: LineCounter,
  ) {}

  pos(n: Node | null | undefined): Pos {
    const off = n?.range?.[0];
    if (off === undefined) return NO_POS;
    const p = this.lc.linePos(off);
    return { line: p.line, column: p.col };
  }

  resolve(n: unknown): Node | null {
    let cur = n;
    for (let i = 0; i < 100 && isAlias(cur); i++) cur = cur.resolve(this.doc);
    return (cur ?? null) as Node | null;
  }

  /** The fields of a mapping in source order, merge keys (`<<`) expanded first and overridden. */
  fields(n: Node | null): Field[] | null {
    const m = this.resolve(n);
    if (!isMap(m)) return null;
    const out = new Map<string, Field>();
    const explicit: Field[] = [];
    for (const p of m.items) {
      const key = isScalar(p.key) ? p.key.value : p.key;
      const value = this.resolve(p.value);
      if (typeof key === 'symbol' || key === '<<') {
        const sources = isSeq(value) ? value.items.map((i) => this.resolve(i)) : [value];
        for (const s of sources) for (const f of this.fields(s) ?? []) out.set(f.key, f);
        continue;
      }
      explicit.push({
        key: String(key),
        keyPos: this.pos(p.key as Node),
        value,
        valuePos: this.pos(value ?? (p.key as Node)),
      });
    }
    for (const f of explicit) out.set(f.key, f);
    return [...out.values()];
  }

  items(n: Node | null): Node[] | null {
    const s = this.resolve(n);
    if (!isSeq(s)) return null;
    return s.items.map((i) => this.resolve(i) as Node);
  }

  /** A scalar's text; null for null/missing; undefined when the node is not a scalar. */
  text(n: Node | null): string | null | undefined {
    const s = this.resolve(n);
    if (s === null) return null;
    if (!isScalar(s)) return undefined;
    if (s.value === null || s.value === undefined) return null;
    const v = typeof s.value === 'string' ? s.value : JSON.stringify(s.value);
    // The failsafe schema keeps `~`/`null` as text; Go decodes a plain null to "".
    if (s.type === 'PLAIN' && (v === '~' || v === 'null' || v === 'Null' || v === 'NULL'))
      return null;
    return v;
  }
}
