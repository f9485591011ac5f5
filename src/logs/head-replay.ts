/**
 * Rebuilding the head from the WAL: stream records name streams, entries records fill them in
 * arrival order, seal records cut the entries below their sequence number into a group of
 * pieces. Pieces the chunk store already holds are dropped (they were sealed before the crash);
 * the others are sealed again.
 */
import { Matcher, type Labels, type TenantId } from '../model/index.js';
import type { LogEntry } from '../storage/index.js';
import type { Logger } from '../util/index.js';
import { LogRecordType, type LogRecord, type PieceDesc } from './head-wal.js';
import { emptyChunk, insertEntries, OpenChunk, Piece, type Head, type HeadStream } from './head.js';
import type { ChunkStore } from './types.js';

interface Batch {
  firstSeq: number;
  entries: LogEntry[];
}

interface ReplayStream {
  id: number;
  tenant: TenantId;
  labels: Labels;
  nextSeq: number;
  pending: Batch[];
  /** By seqEnd; a later seal record of the same group replaces its pieces. */
  groups: Map<number, { seqStart: number; entries: LogEntry[]; pieces: PieceDesc[] }>;
}

export interface ReplayResult {
  streams: number;
  entries: number;
  /** Pieces found in the chunk store (already durable, dropped from the head). */
  durablePieces: number;
  /** Pieces sealed before the crash but not in the chunk store: sealed again. */
  resealPieces: number;
  /** Streams found under two ids, merged into one (the WAL must be checkpointed). */
  merged: number;
}

export class HeadReplay {
  private readonly streams = new Map<number, ReplayStream>();
  private entries = 0;

  constructor(private readonly log: Logger) {}

  add(r: LogRecord): void {
    switch (r.type) {
      case LogRecordType.Stream: {
        const s = this.streams.get(r.id);
        if (s) s.nextSeq = Math.max(s.nextSeq, r.nextSeq);
        else
          this.streams.set(r.id, {
            id: r.id,
            tenant: r.tenant,
            labels: r.labels,
            nextSeq: r.nextSeq,
            pending: [],
            groups: new Map(),
          });
        return;
      }
      case LogRecordType.Entries: {
        const s = this.stream(r.id);
        if (!s) return;
        s.pending.push({ firstSeq: r.firstSeq, entries: r.entries });
        s.nextSeq = Math.max(s.nextSeq, r.firstSeq + r.entries.length);
        this.entries += r.entries.length;
        return;
      }
      case LogRecordType.Seal: {
        const s = this.stream(r.id);
        if (!s) return;
        let g = s.groups.get(r.seqEnd);
        const taken = s.pending.filter((b) => b.firstSeq < r.seqEnd);
        s.pending = s.pending.filter((b) => b.firstSeq >= r.seqEnd);
        const seqStart = taken.length > 0 ? Math.min(...taken.map((b) => b.firstSeq)) : r.seqEnd;
        if (!g) s.groups.set(r.seqEnd, (g = { seqStart, entries: [], pieces: r.pieces }));
        for (const b of taken) for (const e of b.entries) g.entries.push(e);
        g.pieces = r.pieces;
        g.seqStart = Math.min(g.seqStart, seqStart);
        s.nextSeq = Math.max(s.nextSeq, r.seqEnd);
        return;
      }
    }
  }

  private stream(id: number): ReplayStream | undefined {
    const s = this.streams.get(id);
    if (!s) this.log.warn({ stream: id }, 'log WAL record for an unknown stream; skipped');
    return s;
  }

  /** Fills `head` (empty) with what is not durable in `store`. */
  build(head: Head, store: ChunkStore, nowMs: number, target: number): ReplayResult {
    const res: ReplayResult = {
      streams: 0,
      entries: this.entries,
      durablePieces: 0,
      resealPieces: 0,
      merged: 0,
    };
    for (const r of this.streams.values()) {
      const key = r.labels.toString();
      const existing = head.get(r.tenant, key);
      if (existing) {
        // The same stream under an older id (forgotten when idle, then back) still holds
        // entries: this id's entries join it as new arrivals (the caller checkpoints at once,
        // so no record of the old numbering is replayed again).
        if (this.mergeInto(head, existing, r, store, target, nowMs, res)) res.merged++;
        continue;
      }
      const hs = head.create(r.tenant, r.labels, key, r.id);
      hs.nextSeq = r.nextSeq;
      hs.lastAppendMs = nowMs;
      const groups = [...r.groups.entries()].sort((a, b) => a[0] - b[0]);
      for (const [seqEnd, g] of groups) {
        const pieces = rebuildPieces(g.entries, g.pieces, target);
        for (const p of pieces) {
          p.durable = isDurable(store, r.tenant, r.labels, p);
          if (p.durable) res.durablePieces++;
          else res.resealPieces++;
        }
        if (pieces.some((p) => !p.durable))
          head.addGroup(hs, { seqStart: g.seqStart, seqEnd, pieces, busy: false });
        for (const p of pieces) if (!p.durable) noteMax(hs, p.maxt);
      }
      if (r.pending.length > 0) {
        const c = new OpenChunk(r.pending[0].firstSeq, 0, nowMs);
        for (const b of r.pending) {
          insertEntries(c, b.entries);
          c.seqStart = Math.min(c.seqStart, b.firstSeq);
          c.seqEnd = Math.max(c.seqEnd, b.firstSeq + b.entries.length);
        }
        hs.open = c;
        if (c.n > 0) noteMax(hs, c.tsv[c.n - 1]);
      }
      if (hs.open === null && hs.sealing.length === 0) head.remove(hs);
      else res.streams++;
    }
    this.streams.clear();
    return res;
  }

  private mergeInto(
    head: Head,
    hs: HeadStream,
    r: ReplayStream,
    store: ChunkStore,
    target: number,
    nowMs: number,
    res: ReplayResult,
  ): boolean {
    const entries: LogEntry[] = [];
    for (const g of r.groups.values()) {
      for (const p of rebuildPieces(g.entries, g.pieces, target)) {
        if (isDurable(store, r.tenant, r.labels, p)) {
          res.durablePieces++;
          continue;
        }
        const fields = p.fields;
        for (let i = 0; i < p.n; i++) {
          const f = fields[i];
          const line = p.line(i);
          entries.push(f ? { ts: p.tsv[i], line, fields: f } : { ts: p.tsv[i], line });
        }
      }
    }
    for (const b of r.pending) for (const e of b.entries) entries.push(e);
    if (entries.length === 0) return false;
    head.apply(hs, hs.nextSeq, entries, nowMs);
    hs.nextSeq += entries.length;
    return true;
  }
}

function noteMax(hs: { maxTs: bigint | null }, t: bigint): void {
  if (hs.maxTs === null || t > hs.maxTs) hs.maxTs = t;
}

/**
 * The group's entries (arrival order) sorted as the head sorted them and cut as the seal
 * record says. If the counts disagree (they should not), one piece per target size.
 */
function rebuildPieces(entries: LogEntry[], descs: PieceDesc[], target: number): Piece[] {
  const c = emptyChunk();
  insertEntries(c, entries);
  const total = descs.reduce((n, d) => n + d.entries, 0);
  const out: Piece[] = [];
  if (total !== c.n || c.n === 0) {
    let from = 0;
    // Fallback: one piece per `target` bytes (never durable-matched, so re-sealed).
    let acc = 0;
    for (let i = 0; i < c.n; i++) {
      acc += c.len[i];
      if (acc >= target || i === c.n - 1) {
        out.push(Piece.of(c, from, i + 1));
        from = i + 1;
        acc = 0;
      }
    }
    return out;
  }
  let from = 0;
  for (const d of descs) {
    out.push(Piece.of(c, from, from + d.entries));
    from += d.entries;
  }
  return out;
}

/** Whether the chunk store holds a chunk of this stream with exactly this range and count. */
export function isDurable(store: ChunkStore, tenant: TenantId, labels: Labels, p: Piece): boolean {
  const ms: Matcher[] = [];
  for (let i = 0; i < labels.size; i++) ms.push(new Matcher('=', labels.name(i), labels.value(i)));
  const { chunks } = store.find(tenant, ms, p.mint, p.maxt + 1n, []);
  return chunks.some(
    (m) => m.mint === p.mint && m.maxt === p.maxt && m.entries === p.n && m.labels.equals(labels),
  );
}
