import type { BlockMeta } from '../block/index.js';

export interface RetentionOptions {
  /** Reference time (ms): the DB passes the head's max time or the wall clock. */
  now: number;
  /** Blocks whose data all lies more than this before `now` are deleted; 0 = no time limit. */
  retentionMs: number;
  /** Oldest blocks are deleted while the total exceeds this; 0 = no size limit. */
  retentionBytes: number;
  /** Size on disk of each block, by ulid. */
  sizes: ReadonlyMap<string, number>;
  /** Bytes outside blocks that count against retentionBytes (WAL, head); default 0. */
  reservedBytes?: number;
}

/**
 * Ulids of the blocks to delete, oldest last, per Prometheus's rules: by time, a block whose
 * maxTime (exclusive) is at or before `now - retentionMs`; by size, walking from the newest
 * block, the first block that takes the running total over the limit and every older one.
 * As in Prometheus, `reservedBytes` (head, WAL) counts first, so even the newest block goes
 * when it does not fit beside them.
 */
export function retentionVictims(metas: readonly BlockMeta[], opts: RetentionOptions): string[] {
  const newestFirst = [...metas].sort((a, b) => b.maxTime - a.maxTime || b.minTime - a.minTime);
  const victims = new Set<string>();
  if (opts.retentionMs > 0) {
    const cutoff = opts.now - opts.retentionMs;
    for (const m of newestFirst) if (m.maxTime <= cutoff) victims.add(m.ulid);
  }
  if (opts.retentionBytes > 0) {
    let total = opts.reservedBytes ?? 0;
    for (let i = 0; i < newestFirst.length; i++) {
      total += opts.sizes.get(newestFirst[i].ulid) ?? 0;
      if (total > opts.retentionBytes) {
        for (const m of newestFirst.slice(i)) victims.add(m.ulid);
        break;
      }
    }
  }
  return newestFirst.filter((m) => victims.has(m.ulid)).map((m) => m.ulid);
}
