import { Labels } from '../../model/index.js';

export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';

/**
 * The labels of one record while a pipeline runs: the stream's labels (shared, never copied)
 * plus an overlay of structured metadata and labels the stages set or delete. One builder is
 * reused for every line of a pipeline (records are processed one at a time), so a line that
 * changes nothing allocates nothing.
 */
export class LabelsBuilder {
  private base: Labels = Labels.EMPTY;
  // The overlay as parallel arrays: a record has a handful of extra labels, and a linear scan
  // over (mostly identical, cached) name strings beats re-growing a Map on every line.
  private keys: string[] = [];
  private vals: string[] = [];
  /** A deleted stream label keeps its slot, marked here. */
  private dead: boolean[] = [];
  /** Overlay slots in use. */
  private n = 0;
  /** True once the overlay differs from the stream labels. */
  changed = false;

  reset(base: Labels, fields: readonly (readonly [string, string])[] | undefined): void {
    this.base = base;
    this.n = 0;
    this.changed = false;
    if (fields) for (const [k, v] of fields) this.set(k, v);
  }

  /** Loki's BaseHas: the name is a stream label (extracted names then get `_extracted`). */
  baseHas(name: string): boolean {
    return this.base.has(name);
  }

  private find(name: string): number {
    const keys = this.keys;
    for (let i = 0; i < this.n; i++) if (keys[i] === name) return i;
    return -1;
  }

  get(name: string): string | undefined {
    if (this.n > 0) {
      const i = this.find(name);
      if (i >= 0) {
        return this.dead[i] ? undefined : this.vals[i];
      }
    }
    return this.base.has(name) ? this.base.get(name) : undefined;
  }

  set(name: string, value: string): void {
    const i = this.find(name);
    if (i >= 0) {
      this.vals[i] = value;
      this.dead[i] = false;
    } else {
      this.keys[this.n] = name;
      this.vals[this.n] = value;
      this.dead[this.n++] = false;
    }
    this.changed = true;
  }

  delete(name: string): void {
    let i = this.find(name);
    if (i < 0) {
      if (!this.base.has(name)) return;
      this.set(name, '');
      i = this.n - 1;
    }
    this.dead[i] = true;
    this.changed = true;
  }

  hasErr(): boolean {
    if (this.n === 0) return false;
    const i = this.find(ERROR_LABEL);
    return i >= 0 && !this.dead[i];
  }

  setErr(err: string, details: string): void {
    // The first error wins, as in Loki (a later stage does not hide the cause).
    if (this.hasErr()) return;
    this.set(ERROR_LABEL, err);
    if (details !== '') this.set(ERROR_DETAILS_LABEL, details);
  }

  /** Every current label (empty values included), stream labels first. */
  forEach(fn: (name: string, value: string) => void): void {
    const flat = this.base.flat;
    for (let i = 0; i < flat.length; i += 2) {
      const n = flat[i];
      if (this.n > 0 && this.find(n) >= 0) continue;
      fn(n, flat[i + 1]);
    }
    for (let i = 0; i < this.n; i++) {
      if (!this.dead[i]) fn(this.keys[i], this.vals[i]);
    }
  }

  names(): string[] {
    const out: string[] = [];
    this.forEach((n) => out.push(n));
    return out;
  }

  /** The record's labels; the stream's own `Labels` when nothing changed (no allocation). */
  toLabels(): Labels {
    if (!this.changed) return this.base;
    if (this.sameAsLast()) return this.last!;
    const pairs: [string, string][] = [];
    this.forEach((n, v) => pairs.push([n, v]));
    this.last = Labels.fromPairs(pairs);
    this.lastBase = this.base;
    this.lastN = this.n;
    for (let i = 0; i < this.n; i++) {
      this.lastKeys[i] = this.keys[i];
      this.lastVals[i] = this.vals[i];
      this.lastDead[i] = this.dead[i];
    }
    return this.last;
  }

  // One-entry cache of toLabels: consecutive records of a stream often end with the same
  // labels (same metadata, same extracted values), and one Labels object per distinct set
  // also saves consumers (metric grouping) re-hashing.
  private last: Labels | undefined;
  private lastBase: Labels | undefined;
  private lastN = 0;
  private readonly lastKeys: string[] = [];
  private readonly lastVals: string[] = [];
  private readonly lastDead: boolean[] = [];

  private sameAsLast(): boolean {
    if (this.last === undefined || this.lastBase !== this.base || this.lastN !== this.n)
      return false;
    for (let i = 0; i < this.n; i++)
      if (
        this.keys[i] !== this.lastKeys[i] ||
        this.vals[i] !== this.lastVals[i] ||
        this.dead[i] !== this.lastDead[i]
      )
        return false;
    return true;
  }

  /** A plain map for templates (`{{.status}}`). */
  toObject(): Record<string, string> {
    const o: Record<string, string> = {};
    this.forEach((n, v) => (o[n] = v));
    return o;
  }
}

/** Loki's sanitizeLabelKey: non-word characters become `_`; a leading digit gets `_` (prefix). */
export function sanitizeLabelKey(key: string, isPrefix: boolean): string {
  key = key.trim();
  if (key === '') return key;
  let out = '';
  let clean = true;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
    if (!ok) clean = false;
  }
  if (clean) out = key;
  else
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
      out += ok ? key[i] : '_';
    }
  const first = out.charCodeAt(0);
  if (isPrefix && first >= 48 && first <= 57) out = '_' + out;
  return out;
}

/** Sets an extracted label: a name that is a stream label gets `_extracted` (Loki). */
export function setExtracted(lbs: LabelsBuilder, name: string, value: string): void {
  if (name === '') return;
  lbs.set(lbs.baseHas(name) ? name + '_extracted' : name, value);
}
