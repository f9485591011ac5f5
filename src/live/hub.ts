import type { TenantId } from '../model/index.js';

/** What a subscriber hears: new data was stored for its tenant. */
export interface Tick {
  /** Server time of the tick (ms). */
  now: number;
  /** Samples stored since the previous tick to this subscriber's tenant. */
  samples: number;
}

export interface LiveHubOptions {
  /** At most one tick per tenant per this period (ms); default 1000. */
  intervalMs?: number;
  now?: () => number;
}

interface TenantChannel {
  /** Listener → what to call when the hub closes (shutdown: streams must end). */
  listeners: Map<(t: Tick) => void, (() => void) | undefined>;
  pending: number;
  lastEmit: number;
  timer: NodeJS.Timeout | null;
}

/**
 * Fans "new data" out to live views (the UI's server push channel). Ingestion calls `notify`
 * after each commit — hundreds of times a second under load — and each tenant's subscribers get
 * at most one tick per interval: the first at once (leading edge), later ones coalesced to the
 * end of the interval (trailing edge), so a panel reflects new samples within one interval
 * without the server or the browsers doing work per commit.
 */
export class LiveHub {
  private readonly channels = new Map<TenantId, TenantChannel>();
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(o: LiveHubOptions = {}) {
    this.intervalMs = o.intervalMs ?? 1000;
    this.now = o.now ?? Date.now;
  }

  /** Records `samples` new samples for the tenant (cheap when nobody listens). */
  notify(tenant: TenantId, samples: number): void {
    const ch = this.channels.get(tenant);
    if (ch === undefined) return;
    ch.pending += samples;
    if (ch.timer !== null) return;
    const wait = ch.lastEmit + this.intervalMs - this.now();
    if (wait <= 0) this.emit(ch);
    else ch.timer = setTimeout(() => this.emit(ch), wait);
  }

  /**
   * Listens to the tenant's ticks; `onClose` runs if the hub closes first (server shutdown).
   * Returns the unsubscribe function.
   */
  subscribe(tenant: TenantId, fn: (t: Tick) => void, onClose?: () => void): () => void {
    let ch = this.channels.get(tenant);
    if (ch === undefined) {
      ch = { listeners: new Map(), pending: 0, lastEmit: 0, timer: null };
      this.channels.set(tenant, ch);
    }
    ch.listeners.set(fn, onClose);
    const channel = ch;
    return () => {
      channel.listeners.delete(fn);
      if (channel.listeners.size === 0 && this.channels.get(tenant) === channel) {
        if (channel.timer !== null) clearTimeout(channel.timer);
        this.channels.delete(tenant);
      }
    };
  }

  /** Open subscriptions of a tenant. */
  subscribers(tenant: TenantId): number {
    return this.channels.get(tenant)?.listeners.size ?? 0;
  }

  /** Stops every pending timer and ends every subscription (shutdown). */
  close(): void {
    const channels = [...this.channels.values()];
    this.channels.clear();
    for (const ch of channels) {
      if (ch.timer !== null) clearTimeout(ch.timer);
      for (const end of ch.listeners.values()) end?.();
    }
  }

  private emit(ch: TenantChannel): void {
    ch.timer = null;
    ch.lastEmit = this.now();
    const tick: Tick = { now: ch.lastEmit, samples: ch.pending };
    ch.pending = 0;
    for (const fn of ch.listeners.keys()) {
      try {
        fn(tick);
      } catch {
        // A broken listener (a closed stream) must not stop the others.
      }
    }
  }
}
