import { ArgusError, hashStrings } from '../util/index.js';

/** The label that holds the metric name. */
export const METRIC_NAME = '__name__';

/** A label set is invalid (empty name, duplicate name, bad UTF-8, over a limit…). */
export class InvalidLabelsError extends ArgusError {}

/**
 * An immutable, sorted set of label pairs: the identity of a series.
 *
 * Stored as one flat array `[name0, value0, name1, value1, …]` sorted by name, with no empty
 * values (a label with an empty value does not exist, as in Prometheus). Instances are only
 * built through the static constructors, which sort and check for duplicates.
 */
export class Labels {
  private hashCache = -1;

  private constructor(
    /** `[name, value, …]` sorted by name. MUST NOT be mutated. */
    readonly flat: readonly string[],
  ) {}

  static readonly EMPTY = new Labels([]);

  /** From an object; empty values are dropped. */
  static fromObject(obj: Readonly<Record<string, string>>): Labels {
    const pairs: [string, string][] = [];
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (v !== '') pairs.push([k, v]);
    }
    return Labels.fromPairs(pairs);
  }

  /** From `[name, value]` pairs in any order; empty values are dropped; duplicate names throw. */
  static fromPairs(pairs: readonly (readonly [string, string])[]): Labels {
    const sorted = pairs.filter((p) => p[1] !== '').sort((a, b) => cmpStr(a[0], b[0]));
    const flat: string[] = new Array<string>(sorted.length * 2);
    for (let i = 0; i < sorted.length; i++) {
      const [n, v] = sorted[i];
      if (i > 0 && sorted[i - 1][0] === n) {
        throw new InvalidLabelsError(`duplicate label name "${n}"`);
      }
      flat[2 * i] = n;
      flat[2 * i + 1] = v;
    }
    return new Labels(flat);
  }

  /**
   * From a flat `[name, value, …]` array that the caller guarantees is sorted by name, has no
   * duplicate names and no empty values (checked: throws InvalidLabelsError otherwise). The
   * array is adopted, not copied.
   */
  static fromSortedFlat(flat: string[]): Labels {
    for (let i = 0; i < flat.length; i += 2) {
      if (flat[i + 1] === '') throw new InvalidLabelsError(`label "${flat[i]}" has an empty value`);
      if (i > 0 && cmpStr(flat[i - 2], flat[i]) >= 0) {
        throw new InvalidLabelsError(
          flat[i - 2] === flat[i]
            ? `duplicate label name "${flat[i]}"`
            : `labels not sorted: "${flat[i - 2]}" before "${flat[i]}"`,
        );
      }
    }
    return new Labels(flat);
  }

  /** Number of label pairs. */
  get size(): number {
    return this.flat.length >> 1;
  }

  name(i: number): string {
    return this.flat[2 * i];
  }

  value(i: number): string {
    return this.flat[2 * i + 1];
  }

  /** The value of `name`, or '' when absent (Prometheus semantics). */
  get(name: string): string {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) if (f[i] === name) return f[i + 1];
    return '';
  }

  has(name: string): boolean {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) if (f[i] === name) return true;
    return false;
  }

  /** The metric name (`__name__`), or ''. */
  get metricName(): string {
    return this.get(METRIC_NAME);
  }

  /** Stable 53-bit hash of the label set (cached). Equal sets hash equal; collisions possible. */
  hash(): number {
    if (this.hashCache < 0) this.hashCache = hashStrings(this.flat);
    return this.hashCache;
  }

  equals(o: Labels): boolean {
    if (this === o) return true;
    const a = this.flat;
    const b = o.flat;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Total order used to sort series (by name, then value, pair by pair), as in Prometheus. */
  static compare(x: Labels, y: Labels): number {
    const a = x.flat;
    const b = y.flat;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i] !== b[i]) return cmpStr(a[i], b[i]);
    }
    return a.length - b.length;
  }

  toObject(): Record<string, string> {
    const o: Record<string, string> = {};
    for (let i = 0; i < this.flat.length; i += 2) o[this.flat[i]] = this.flat[i + 1]!;
    return o;
  }

  /** A copy without the given label names. */
  without(...names: string[]): Labels {
    const out: string[] = [];
    for (let i = 0; i < this.flat.length; i += 2) {
      if (!names.includes(this.flat[i])) out.push(this.flat[i], this.flat[i + 1]);
    }
    return new Labels(out);
  }

  /** Prometheus rendering: `{__name__="up", job="x"}`. */
  toString(): string {
    const parts: string[] = [];
    for (let i = 0; i < this.flat.length; i += 2) {
      parts.push(`${this.flat[i]}=${JSON.stringify(this.flat[i + 1])}`);
    }
    return `{${parts.join(', ')}}`;
  }
}

/** Byte-order (code unit) string comparison, matching Go's for the ASCII range. */
export function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
