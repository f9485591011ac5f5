import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Labels } from '../model/index.js';
import {
  Block,
  type BlockMeta,
  type ChunkMeta,
  type SeriesChunks,
  writeBlock,
} from './block/index.js';
import {
  compactBlocks,
  compactionRanges,
  planCompaction,
  retentionVictims,
} from './compact/index.js';
import type { TenantDb } from './db.js';
import type { Head } from './head.js';
import type { MemSeries } from './head-series.js';
import {
  RecordType,
  decodeSamplesInto,
  decodeSeries,
  encodeMetadata,
  encodeSamples,
  encodeSeries,
  recordType,
  sampleCount,
  type SeriesEntry,
} from './wal/index.js';

/** Retention and planning settings, read from the live config at each run. */
export interface CompactSettings {
  blockDuration: number;
  retentionMs: number;
  retentionBytes: number;
}

/** What one compaction pass did (for logs, metrics and tests). */
export interface CompactResult {
  headBlocks: BlockMeta[];
  merged: BlockMeta[];
  deleted: string[];
}

/** Max merges per pass: a pass must end (a backlog is worked off by later passes). */
const MAX_MERGES = 16;

/**
 * One pass over a tenant: persist the head's oldest block-duration windows while the head
 * spans more than 1.5 block durations, then merge blocks per the leveled plan, then delete
 * blocks beyond retention. The caller guarantees passes never overlap.
 */
export async function compactTenant(db: TenantDb, cfg: CompactSettings): Promise<CompactResult> {
  const res: CompactResult = { headBlocks: [], merged: [], deleted: [] };
  while (headCompactable(db.head)) {
    res.headBlocks.push(await persistHeadWindow(db));
  }
  const ranges = compactionRanges(cfg.blockDuration, cfg.retentionMs);
  for (let i = 0; i < MAX_MERGES; i++) {
    const plan = planCompaction(
      db.blocks.map((b) => b.meta),
      ranges,
    );
    if (plan === null) break;
    const inputs = db.blocks.filter((b) => plan.includes(b.meta.ulid));
    const meta = await compactBlocks(inputs, db.dir);
    const merged = Block.open(path.join(db.dir, meta.ulid));
    db.blocks = sortBlocks([...db.blocks.filter((b) => !plan.includes(b.meta.ulid)), merged]);
    await dropBlocks(inputs);
    res.merged.push(meta);
  }
  res.deleted = await applyRetention(db, cfg);
  return res;
}

/** Prometheus's rule: the head is cut when it spans more than 1.5 block durations. */
export function headCompactable(head: Head): boolean {
  if (head.maxT === -Infinity) return false;
  return head.maxT - head.minT > head.chunkRange * 1.5;
}

/** Longest a head truncation waits for open queries reading the window (the query timeout's order). */
const READER_WAIT_MS = 120_000;

/**
 * Writes the head's oldest aligned window [mint, mint + blockDuration) as a block, truncates
 * the head to after it and checkpoints the WAL (keeping live series and newer samples).
 */
async function persistHeadWindow(db: TenantDb): Promise<BlockMeta> {
  const head = db.head;
  const bd = head.chunkRange;
  const mint = Math.floor(head.minT / bd) * bd;
  const maxt = mint + bd;
  // From here on nothing may land in the window being persisted.
  head.minValidTime = Math.max(head.minValidTime, maxt);
  const meta = await writeBlock(
    db.dir,
    { minTime: mint, maxTime: maxt },
    headSeries(head, mint, maxt),
  );
  const block = Block.open(path.join(db.dir, meta.ulid));
  db.blocks = sortBlocks([...db.blocks, block]);
  // Queries opened before the block existed read this window from the head: let them finish.
  await head.readers.drained(maxt, READER_WAIT_MS);
  head.truncate(maxt);
  await checkpointWal(db, maxt);
  await db.chunkWriter?.truncate(maxt);
  return meta;
}

/**
 * The head's series with data in [mint, maxt), sorted by labels, each with its chunks there.
 * Chunks are taken lazily, series by series, as the block writer consumes them; chunks never
 * span a block boundary, so a window's chunks no longer change once appends before `maxt` stop.
 */
export function* headSeries(head: Head, mint: number, maxt: number): Generator<SeriesChunks> {
  const list: MemSeries[] = [];
  for (const s of head.byRef.values()) {
    if (!s.logged || s.empty) continue;
    if (s.minT < maxt && s.lastT >= mint) list.push(s);
  }
  list.sort((a, b) => Labels.compare(a.labels, b.labels));
  for (const s of list) {
    const chunks: ChunkMeta[] = [];
    for (const c of s.closed) {
      if (c.maxT >= mint && c.minT < maxt)
        chunks.push({ minTime: c.minT, maxTime: c.maxT, data: c.data });
    }
    const e = s.enc;
    if (e !== null && e.numSamples > 0 && e.maxTime >= mint && e.minTime < maxt) {
      chunks.push({ minTime: e.minTime, maxTime: e.maxTime, data: e.finish() });
    }
    if (chunks.length > 0) yield { labels: s.labels, chunks };
  }
}

/**
 * Cuts the WAL and rewrites everything before the new segment as a checkpoint holding the
 * series records of live series, samples at or after `mint`, and the current metadata.
 */
async function checkpointWal(db: TenantDb, mint: number): Promise<void> {
  const wal = db.openWal;
  if (wal === null) return;
  const head = db.head;
  const seg = await wal.cut();
  const live = (ref: number): boolean => head.byRef.has(ref) || head.aliases.has(ref);
  let refs = new Float64Array(1024);
  let ts = new Float64Array(1024);
  let vs = new Float64Array(1024);
  const filter = (rec: Uint8Array): Uint8Array | null => {
    switch (recordType(rec)) {
      case RecordType.Series: {
        const keep: SeriesEntry[] = [];
        decodeSeries(rec, (ref, labels) => {
          if (live(ref)) keep.push({ ref, labels });
        });
        return keep.length > 0 ? encodeSeries(keep) : null;
      }
      case RecordType.Samples: {
        const n = sampleCount(rec);
        if (n > refs.length) {
          refs = new Float64Array(n);
          ts = new Float64Array(n);
          vs = new Float64Array(n);
        }
        decodeSamplesInto(rec, refs, ts, vs);
        let m = 0;
        for (let i = 0; i < n; i++) {
          if (ts[i] < mint || !live(refs[i])) continue;
          refs[m] = refs[i];
          ts[m] = ts[i];
          vs[m] = vs[i];
          m++;
        }
        if (m === n) return rec;
        return m > 0 ? encodeSamples(refs, ts, vs, m) : null;
      }
      default:
        // Metadata is rewritten whole below (`extra`); unknown records are dropped.
        return null;
    }
  };
  const md = [...head.metadata].map(([metric, m]) => ({
    metric,
    type: m.type,
    help: m.help,
    unit: m.unit,
  }));
  await wal.checkpoint(seg - 1, filter, md.length > 0 ? [encodeMetadata(md)] : []);
}

/** Deletes blocks beyond the retention time/size; the time reference is the newest data. */
async function applyRetention(db: TenantDb, cfg: CompactSettings): Promise<string[]> {
  if (db.blocks.length === 0 || (cfg.retentionMs <= 0 && cfg.retentionBytes <= 0)) return [];
  const newest = Math.max(db.head.maxT, ...db.blocks.map((b) => b.meta.maxTime - 1));
  const sizes = new Map(db.blocks.map((b) => [b.meta.ulid, b.sizeBytes()]));
  const victims = retentionVictims(
    db.blocks.map((b) => b.meta),
    {
      now: newest,
      retentionMs: cfg.retentionMs,
      retentionBytes: cfg.retentionBytes,
      sizes,
      reservedBytes: (db.openWal?.stats().bytes ?? 0) + (db.chunkWriter?.stats().bytes ?? 0),
    },
  );
  if (victims.length === 0) return [];
  const gone = db.blocks.filter((b) => victims.includes(b.meta.ulid));
  db.blocks = db.blocks.filter((b) => !victims.includes(b.meta.ulid));
  await dropBlocks(gone);
  return victims;
}

/** Closes blocks (open queriers keep their file descriptors) and deletes their directories. */
async function dropBlocks(blocks: readonly Block[]): Promise<void> {
  for (const b of blocks) {
    b.close();
    await rm(b.dir, { recursive: true, force: true });
  }
}

function sortBlocks(blocks: Block[]): Block[] {
  return blocks.sort(
    (a, b) => a.meta.minTime - b.meta.minTime || (a.meta.ulid < b.meta.ulid ? -1 : 1),
  );
}
