import type { Principal } from './permissions.js';

interface Entry {
  principal: Principal;
  /** The entry is not used at or after this time. */
  until: number;
}

/**
 * Resolved credentials (token, session, Basic user+password) for up to `ttlMs`. The whole cache
 * belongs to one `changeVersion` of the state store: when the version moves (any commit by any
 * process: a revoke, a password change, a role change), everything is dropped, so a change made
 * by the CLI in another process takes effect on the next request.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private version: number | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** Drops everything unless `version` is the one the cache was filled at. */
  sync(version: number): void {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
  }

  get(key: string, now: number): Principal | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (now >= e.until) {
      this.entries.delete(key);
      return undefined;
    }
    return e.principal;
  }

  /** Caches until `now + ttl`, or `expiresAt` when the credential itself expires sooner. */
  set(key: string, principal: Principal, now: number, expiresAt?: number | null): void {
    const until = Math.min(now + this.ttlMs, expiresAt ?? Infinity);
    if (until <= now) return;
    this.entries.delete(key);
    this.entries.set(key, { principal, until });
    // Insertion order = oldest first: evict from the front.
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Remembers when each credential was last written back (`tokens.touch`, `sessions.touch`) so
 * it happens at most once per `intervalMs` per credential; bounded like the cache.
 */
export class TouchThrottle {
  private readonly last = new Map<string, number>();

  constructor(
    private intervalMs: number,
    private readonly maxEntries: number,
  ) {}

  /** Changes the interval (config reload). */
  setInterval(ms: number): void {
    this.intervalMs = ms;
  }

  /** True (and records `now`) when `key` is due for a write-back. */
  due(key: string, now: number): boolean {
    const prev = this.last.get(key);
    if (prev !== undefined && now - prev < this.intervalMs) return false;
    this.last.delete(key);
    this.last.set(key, now);
    while (this.last.size > this.maxEntries) {
      this.last.delete(this.last.keys().next().value as string);
    }
    return true;
  }

  forget(key: string): void {
    this.last.delete(key);
  }
}
