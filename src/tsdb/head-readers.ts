/**
 * The head's open readers. Queries now pause between series (PromQL evaluation is
 * cooperative), so a head compaction can run while a query holds a head querier; truncating
 * the head under it would make the rest of that query miss the persisted window (the query's
 * querier predates the new block). Compaction waits, bounded, until no open reader still
 * reads before the truncation point — Prometheus's "wait for pending readers".
 */
export interface HeadReader {
  readonly mint: number;
}

export class HeadReaders {
  private readonly open = new Set<HeadReader>();

  /** Registers a reader of [mint, …]; pass it to `close` exactly when done (idempotent). */
  add(mint: number): HeadReader {
    const r = { mint };
    this.open.add(r);
    return r;
  }

  close(r: HeadReader): void {
    this.open.delete(r);
  }

  /** How many readers are open now. */
  get size(): number {
    return this.open.size;
  }

  private blocking(before: number): boolean {
    for (const r of this.open) if (r.mint < before) return true;
    return false;
  }

  /**
   * Resolves true once no open reader reads data before `before`, or false after `limitMs`
   * (a reader that is never closed must not stop compaction for ever).
   */
  async drained(before: number, limitMs: number, pollMs = 20): Promise<boolean> {
    const until = performance.now() + limitMs;
    while (this.blocking(before)) {
      if (performance.now() >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return true;
  }
}
