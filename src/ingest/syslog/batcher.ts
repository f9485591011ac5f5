import type { Labels, TenantId } from '../../model/index.js';
import type { LogAppendable, LogEntry } from '../../storage/index.js';
import { errorChain, type Logger } from '../../util/index.js';

interface Group {
  labels: Labels;
  entries: LogEntry[];
}

export interface BatcherStats {
  committed: number;
  /** Records lost: refused by the store or dropped while it was too slow (UDP). */
  dropped: number;
}

/**
 * Collects records per stream and commits them in one appender when `maxEntries` are held or
 * `maxWaitMs` after the first; one commit at a time. `busy` tells stream inputs (TCP) to pause
 * reading until `onIdle` fires; inputs that cannot pause (UDP) are dropped beyond `hardCap`.
 */
export class Batcher {
  private groups = new Map<string, Group>();
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  readonly stats: BatcherStats = { committed: 0, dropped: 0 };

  constructor(
    private readonly appendable: LogAppendable,
    private readonly tenant: TenantId,
    private readonly logger: Logger,
    private readonly maxEntries: number,
    private readonly maxWaitMs: number,
    private readonly hardCap = maxEntries * 10,
  ) {}

  /** Adds a record of the stream `key` (labels built only for a new stream). */
  add(key: string, labels: () => Labels, entry: LogEntry): void {
    if (this.count >= this.hardCap) {
      this.stats.dropped++;
      return;
    }
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { labels: labels(), entries: [] }));
    g.entries.push(entry);
    this.count++;
    if (this.count >= this.maxEntries) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
  }

  /** A commit is running or the batch is full: stream inputs should pause. */
  get busy(): boolean {
    return this.inflight !== undefined || this.count >= this.maxEntries;
  }

  /** Calls `fn` once no commit is running (now if none is). */
  onIdle(fn: () => void): void {
    if (this.inflight === undefined) fn();
    else this.idleWaiters.push(fn);
  }

  /** Starts committing what is held (after the running commit). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inflight !== undefined || this.count === 0) return;
    const groups = this.groups;
    const n = this.count;
    this.groups = new Map();
    this.count = 0;
    this.inflight = this.commit(groups, n).finally(() => {
      this.inflight = undefined;
      if (this.count >= this.maxEntries) this.flush();
      else if (this.count > 0) this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
      if (this.inflight === undefined) {
        const w = this.idleWaiters;
        this.idleWaiters = [];
        for (const fn of w) fn();
      }
    });
  }

  /** Commits everything held, waiting for running commits. */
  async drain(): Promise<void> {
    while (this.inflight !== undefined || this.count > 0) {
      this.flush();
      await this.inflight;
    }
  }

  private async commit(groups: Map<string, Group>, n: number): Promise<void> {
    const app = this.appendable.logAppender(this.tenant);
    let appended = 0;
    for (const g of groups.values()) {
      try {
        app.append(g.labels, g.entries);
        appended += g.entries.length;
      } catch (err) {
        this.stats.dropped += g.entries.length;
        this.logger.warn(
          { labels: g.labels.toString(), err: errorChain(err) },
          'cannot append syslog records',
        );
      }
    }
    try {
      const res = await app.commit();
      this.stats.committed += res.accepted;
      this.stats.dropped += appended - res.accepted;
    } catch (err) {
      this.stats.dropped += appended;
      this.logger.warn({ records: n, err: errorChain(err) }, 'cannot commit syslog records');
    }
  }
}
