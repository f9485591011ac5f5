/** Limits of the login rate limiter (`auth.login_rate_limit` in argus.yml). */
export interface RateLimitOptions {
  /** Failures per username within the window before logins for it are refused. */
  perUser: number;
  /** Failures per client address within the window before its logins are refused. */
  perAddress: number;
  windowMs: number;
  /** Keys remembered per map; the least recently failed ones are dropped beyond it. */
  maxKeys?: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<RateLimitOptions> = {
  perUser: 5,
  perAddress: 20,
  windowMs: 5 * 60_000,
};

/**
 * Counts failed logins per username and per address over a sliding window. `blockedFor` is
 * asked BEFORE the password is checked, so a blocked attacker learns nothing and costs no argon2
 * time. Memory is bounded: each key keeps at most `limit` timestamps and each map at most
 * `maxKeys` keys (evicting the least recently failed), so a flood of random usernames or
 * addresses cannot grow it.
 */
export class LoginRateLimiter {
  private readonly users = new Map<string, number[]>();
  private readonly addresses = new Map<string, number[]>();
  private opts: Required<RateLimitOptions>;

  constructor(
    opts: RateLimitOptions = DEFAULT_RATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {
    this.opts = { maxKeys: 100_000, ...opts };
  }

  /** Replaces the limits (config reload); counted failures are kept. */
  setOptions(opts: RateLimitOptions): void {
    this.opts = { maxKeys: this.opts.maxKeys, ...opts };
  }

  /**
   * Milliseconds until another attempt for this username/address is allowed, or 0 when it is
   * allowed now. Either key may be omitted (Basic auth is limited per address only).
   */
  blockedFor(username: string | undefined, address: string | undefined): number {
    const now = this.now();
    let wait = 0;
    if (username !== undefined) wait = this.wait(this.users, username, this.opts.perUser, now);
    if (address !== undefined)
      wait = Math.max(wait, this.wait(this.addresses, address, this.opts.perAddress, now));
    return wait;
  }

  /** Records a failed attempt. */
  fail(username: string | undefined, address: string | undefined): void {
    const now = this.now();
    if (username !== undefined) this.record(this.users, username, this.opts.perUser, now);
    if (address !== undefined) this.record(this.addresses, address, this.opts.perAddress, now);
  }

  /** A successful login clears the username's failures (not the address's: one IP may try many users). */
  succeed(username: string): void {
    this.users.delete(username);
  }

  /** Keys currently tracked (for tests and metrics). */
  size(): { users: number; addresses: number } {
    return { users: this.users.size, addresses: this.addresses.size };
  }

  private wait(map: Map<string, number[]>, key: string, limit: number, now: number): number {
    const times = map.get(key);
    if (times === undefined) return 0;
    const live = this.prune(times, now);
    if (live.length === 0) {
      map.delete(key);
      return 0;
    }
    if (live !== times) map.set(key, live);
    if (live.length < limit) return 0;
    // Allowed again once enough failures have left the window to drop below the limit.
    return live[live.length - limit] + this.opts.windowMs - now;
  }

  private record(map: Map<string, number[]>, key: string, limit: number, now: number): void {
    const times = this.prune(map.get(key) ?? [], now);
    times.push(now);
    // Only the newest `limit` failures matter for the decision.
    if (times.length > limit) times.splice(0, times.length - limit);
    // Re-insert so Map order is least-recently-failed first (the eviction order).
    map.delete(key);
    map.set(key, times);
    while (map.size > this.opts.maxKeys) {
      const oldest = map.keys().next().value as string;
      map.delete(oldest);
    }
  }

  private prune(times: number[], now: number): number[] {
    const from = now - this.opts.windowMs;
    let i = 0;
    while (i < times.length && times[i] <= from) i++;
    return i === 0 ? times : times.slice(i);
  }
}
