import type { Labels, Matcher, TenantId } from '../model/index.js';
import type { LogEntry } from '../storage/index.js';
import type { Logger } from '../util/index.js';

type OnBatch = (labels: Labels, entries: readonly LogEntry[]) => void;

interface Subscriber {
  matchers: readonly Matcher[];
  onBatch: OnBatch;
}

/** Live-tail subscribers per tenant, called synchronously after each commit is visible. */
export class TailRegistry {
  private readonly subs = new Map<TenantId, Set<Subscriber>>();

  constructor(private readonly log: Logger) {}

  subscribe(tenant: TenantId, matchers: readonly Matcher[], onBatch: OnBatch): () => void {
    const sub: Subscriber = { matchers, onBatch };
    let set = this.subs.get(tenant);
    if (!set) this.subs.set(tenant, (set = new Set()));
    set.add(sub);
    return () => {
      const cur = this.subs.get(tenant);
      if (!cur) return;
      cur.delete(sub);
      if (cur.size === 0) this.subs.delete(tenant);
    };
  }

  /** True when `tenant` has subscribers (callers skip building batches otherwise). */
  has(tenant: TenantId): boolean {
    return this.subs.has(tenant);
  }

  publish(tenant: TenantId, labels: Labels, entries: readonly LogEntry[]): void {
    const set = this.subs.get(tenant);
    if (!set || entries.length === 0) return;
    for (const s of set) {
      let ok = true;
      for (const m of s.matchers) {
        if (!m.matches(labels.get(m.name))) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      try {
        s.onBatch(labels, entries);
      } catch (err) {
        // A subscriber must not throw; one that does must not fail the commit or others.
        this.log.warn({ err, stream: labels.toString() }, 'log tail subscriber threw; ignored');
      }
    }
  }

  get size(): number {
    let n = 0;
    for (const s of this.subs.values()) n += s.size;
    return n;
  }
}
