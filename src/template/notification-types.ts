/**
 * Go-shaped values for Alertmanager notification data: `KV` (label sets with `.SortedPairs`,
 * `.Names`, `.Values`, `.Remove`), and `AlertList` (`.Firing`, `.Resolved`). Callers build
 * the data object with these so templates written for Alertmanager find the same methods.
 */

export class Pair {
  constructor(
    readonly Name: string,
    readonly Value: string,
  ) {}
}

export class Pairs extends Array<Pair> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  Names(): string[] {
    return this.map((p) => p.Name);
  }
  Values(): string[] {
    return this.map((p) => p.Value);
  }
  String(): string {
    return this.map((p) => `${p.Name}=${p.Value}`).join(', ');
  }
}

/** A Go map[string]string with Alertmanager's KV methods; `.name` reads a key. */
export class KV extends Map<string, string> {
  static from(obj: Readonly<Record<string, string>>): KV {
    return new KV(Object.entries(obj));
  }
  /** Pairs sorted by name, with "alertname" first. */
  SortedPairs(): Pairs {
    const keys = [...this.keys()].filter((k) => k !== 'alertname').sort();
    if (this.has('alertname')) keys.unshift('alertname');
    const out = new Pairs();
    for (const k of keys) out.push(new Pair(k, this.get(k)!));
    return out;
  }
  Remove(keys: unknown): KV {
    const drop = new Set(Array.isArray(keys) ? keys.map(String) : []);
    return new KV([...this].filter(([k]) => !drop.has(k)));
  }
  Names(): string[] {
    return this.SortedPairs().Names();
  }
  Values(): string[] {
    return this.SortedPairs().Values();
  }
  String(): string {
    return this.SortedPairs().String();
  }
}

interface HasStatus {
  readonly Status?: unknown;
}

/** A list of alerts with Alertmanager's `.Firing` and `.Resolved`. */
export class AlertList<T extends HasStatus = HasStatus> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  static fromAlerts<T extends HasStatus>(items: readonly T[]): AlertList<T> {
    const l = new AlertList<T>();
    l.push(...items);
    return l;
  }
  Firing(): T[] {
    return this.filter((a) => a.Status === 'firing');
  }
  Resolved(): T[] {
    return this.filter((a) => a.Status === 'resolved');
  }
}
