import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { Labels, type Matcher, type TenantId, tenantId } from '../model/index.js';
import { ArgusError } from '../util/index.js';
import { bloomMayContain } from './bloom.js';
import { decodeChunk } from './chunk.js';
import {
  BlockCorruptError,
  loadBlock,
  newBlockId,
  removeBlock,
  syncDir,
  writeBlock,
  writeTombstones,
  type BlockChunkInput,
  type LoadedBlock,
  type WrittenBlock,
} from './block.js';
import { TenantIndex, type BlockState, type ChunkEntry } from './chunk-store-index.js';
import { runCompaction } from './compact.js';
import { planRetention } from './retention.js';
import type { ChunkData, ChunkMeta, ChunkStore, RetentionPolicy, SealedChunk } from './types.js';

/**
 * The durable chunk store (ADR 0005 §6; layout in docs/format/logs-blocks.md): each `add` writes
 * one block per tenant, compaction merges a tenant's small blocks of one time window and
 * re-encodes q4 chunks as columnar, retention drops whole chunks (tombstones, then whole
 * blocks). Every block index, blooms included, is loaded into memory on open; chunk bytes are
 * read with one positioned read each.
 */

/** A chunk ref is unknown, or its chunk is gone (dropped and its block deleted). */
export class ChunkNotFoundError extends ArgusError {}
/** A chunk could not be read back (I/O error, checksum mismatch, undecodable bytes). */
export class ChunkReadError extends ArgusError {}
/** `add` got a chunk that cannot be stored as given. */
export class InvalidChunkError extends ArgusError {}
/** The store is closed. */
export class ChunkStoreClosedError extends ArgusError {}

export interface FileChunkStoreOptions {
  dir: string;
  logger?: { info(o: object, m: string): void; warn(o: object, m: string): void };
  now?: () => number;
  /** Compaction merges blocks whose oldest chunk falls in the same window (default 2 h). */
  compactWindowMs?: number;
  /** Compaction's output block size bound (default 64 MiB; a unit is held in memory). */
  maxBlockBytes?: number;
  /** Open chunk file handles kept for reads (default 64; least recently used close first). */
  maxOpenFiles?: number;
}

const TENANTS_DIR = 'tenants';
const QUARANTINE_DIR = 'quarantine';
/** How long a compacted chunk's old ref keeps resolving to its new copy. */
const FORWARD_TTL_MS = 10 * 60_000;
const OPEN_CONCURRENCY = 16;

export class FileChunkStore implements ChunkStore {
  private readonly tenants = new Map<TenantId, TenantIndex>();
  private readonly refs = new Map<number, ChunkEntry>();
  /** Old ref → new ref and when, for chunks moved by compaction while a query held the old one. */
  private readonly forwards = new Map<number, { to: number; at: number }>();
  /** Blocks with an open handle, least recently used first. */
  private readonly handles = new Map<BlockState, true>();
  private readonly pending = new Set<Promise<unknown>>();
  private maintenance: Promise<unknown> = Promise.resolve();
  private nextRef = 1;
  private closed = false;
  private readonly now: () => number;
  private readonly log: NonNullable<FileChunkStoreOptions['logger']>;
  private readonly windowNs: bigint;
  private readonly maxBlockBytes: number;
  private readonly maxOpenFiles: number;

  private constructor(private readonly opts: FileChunkStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.logger ?? { info() {}, warn() {} };
    this.windowNs = BigInt(opts.compactWindowMs ?? 2 * 3600_000) * 1_000_000n;
    this.maxBlockBytes = opts.maxBlockBytes ?? 64 * 1024 * 1024;
    this.maxOpenFiles = Math.max(1, opts.maxOpenFiles ?? 64);
  }

  private get tenantsDir(): string {
    return `${this.opts.dir}/${TENANTS_DIR}`;
  }

  /**
   * Opens (creating) the store under `opts.dir`: loads every block's index, removes debris of
   * interrupted writes, deletions and compactions, and moves damaged blocks to `quarantine/`.
   */
  static async open(opts: FileChunkStoreOptions): Promise<FileChunkStore> {
    const s = new FileChunkStore(opts);
    await mkdir(s.tenantsDir, { recursive: true });
    for (const name of (await readdir(s.tenantsDir)).sort()) {
      let tenant: TenantId;
      try {
        tenant = tenantId(name);
      } catch {
        s.log.warn({ dir: `${s.tenantsDir}/${name}` }, 'log store: not a tenant dir, ignored');
        continue;
      }
      await s.openTenant(tenant);
    }
    return s;
  }

  private async openTenant(tenant: TenantId): Promise<void> {
    const tdir = `${this.tenantsDir}/${tenant}`;
    const names = (await readdir(tdir)).sort();
    const loaded: { id: string; dir: string; block: LoadedBlock }[] = [];
    const loadOne = async (id: string): Promise<void> => {
      const dir = `${tdir}/${id}`;
      if (id.endsWith('.tmp')) {
        this.log.info({ dir }, 'log store: removing an unfinished block write');
        await rm(dir, { recursive: true, force: true });
        return;
      }
      try {
        const block = await loadBlock(dir);
        if (!block) {
          this.log.info({ dir }, 'log store: removing a partly deleted block');
          await rm(dir, { recursive: true, force: true });
          return;
        }
        if (block.index.tenant !== tenant) {
          throw new BlockCorruptError(
            `cannot open log block ${dir}: tenant ${JSON.stringify(block.index.tenant)}, want ${JSON.stringify(tenant)}`,
          );
        }
        loaded.push({ id, dir, block });
      } catch (err) {
        if (!(err instanceof BlockCorruptError)) throw err;
        await this.quarantine(tenant, id, dir, err);
      }
    };
    for (let i = 0; i < names.length; i += OPEN_CONCURRENCY) {
      await Promise.all(names.slice(i, i + OPEN_CONCURRENCY).map(loadOne));
    }
    // A block named as a source by another is the leftover of a compaction that crashed
    // before deleting its inputs: its chunks are in the newer block.
    const replaced = new Set(loaded.flatMap((l) => l.block.index.sources));
    for (const l of loaded.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const all = l.block.tombstones.length >= l.block.index.chunks.length;
      if (replaced.has(l.id) || all) {
        this.log.info(
          { dir: l.dir },
          all
            ? 'log store: removing a fully dropped block'
            : 'log store: removing a compacted block',
        );
        await removeBlock(l.dir);
        continue;
      }
      this.register(tenant, l.id, l.dir, l.block.index, l.block.tombstones, l.block.bytes);
    }
  }

  private async quarantine(tenant: string, id: string, dir: string, err: Error): Promise<void> {
    const qdir = `${this.opts.dir}/${QUARANTINE_DIR}`;
    await mkdir(qdir, { recursive: true });
    const to = `${qdir}/${tenant}-${id}-${this.now()}`;
    this.log.warn({ dir, to, err: err.message }, 'log store: damaged block moved to quarantine');
    await rename(dir, to);
    await syncDir(qdir);
  }

  private tenant(t: TenantId): TenantIndex {
    let ti = this.tenants.get(t);
    if (!ti) this.tenants.set(t, (ti = new TenantIndex(t)));
    return ti;
  }

  /** Makes a durable block visible. */
  private register(
    tenant: TenantId,
    id: string,
    dir: string,
    index: WrittenBlock['index'],
    tombstones: readonly number[],
    bytes: number,
  ): BlockState {
    const ti = this.tenant(tenant);
    const b: BlockState = {
      tenant,
      id,
      dir,
      chunks: new Array<ChunkEntry>(index.chunks.length),
      tombstones: new Set(tombstones),
      bytes,
      minT: index.chunks.reduce((m, c) => (c.mint < m ? c.mint : m), index.chunks[0].mint),
      readers: 0,
      retired: false,
      fh: undefined,
    };
    for (let i = 0; i < index.chunks.length; i++) {
      const ic = index.chunks[i];
      const c = ti.addChunk({
        ref: this.nextRef++,
        block: b,
        index: i,
        labels: index.streams[ic.stream],
        mint: ic.mint,
        maxt: ic.maxt,
        entries: ic.entries,
        rawBytes: ic.rawBytes,
        sizeBytes: ic.size,
        format: ic.format,
        offset: ic.offset,
        crc: ic.crc,
        bloom: ic.bloom,
        settled: ic.settled,
      });
      b.chunks[i] = c;
      this.refs.set(c.ref, c);
    }
    if (b.tombstones.size > 0) ti.unlinkChunks([...b.tombstones].map((i) => b.chunks[i]));
    ti.blocks.set(id, b);
    return b;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    const done = (): void => {
      this.pending.delete(p);
    };
    p.then(done, done);
    return p;
  }

  private checkOpen(what: string): void {
    if (this.closed)
      throw new ChunkStoreClosedError(`cannot ${what}: the log chunk store is closed`);
  }

  /** Writes one block per tenant; resolves once every block is durable and visible. */
  async add(chunks: readonly SealedChunk[]): Promise<void> {
    this.checkOpen('add log chunks');
    const byTenant = new Map<TenantId, SealedChunk[]>();
    for (const c of chunks) {
      validate(c);
      const list = byTenant.get(c.tenant);
      if (list) list.push(c);
      else byTenant.set(c.tenant, [c]);
    }
    await this.track(
      Promise.all([...byTenant].map(([t, list]) => this.writeNewBlock(t, sortChunks(list)))),
    );
  }

  private async ensureTenantDir(tenant: TenantId): Promise<string> {
    const tdir = `${this.tenantsDir}/${tenant}`;
    if (!(await exists(tdir))) {
      await mkdir(tdir, { recursive: true });
      await syncDir(this.tenantsDir);
    }
    return tdir;
  }

  /** Writes `chunks` as a new block and swaps it in for `sources` (compaction), atomically. */
  private async writeNewBlock(
    tenant: TenantId,
    chunks: readonly BlockChunkInput[],
    sources: readonly BlockState[] = [],
    moved: readonly ChunkEntry[] = [],
  ): Promise<WrittenBlock> {
    const tdir = await this.ensureTenantDir(tenant);
    const w = await writeBlock(
      tdir,
      tenant,
      newBlockId(this.now()),
      chunks,
      sources.map((b) => b.id),
    );
    const b = this.register(tenant, w.id, w.dir, w.index, [], w.bytes);
    const at = this.now();
    for (let i = 0; i < moved.length; i++) {
      this.forwards.set(moved[i].ref, { to: b.chunks[i].ref, at });
    }
    // Index first for all (synchronously), then wait for the files that can go now.
    await Promise.all(sources.map((s) => this.retire(s)));
    return w;
  }

  find(
    tenant: TenantId,
    matchers: readonly Matcher[],
    start: bigint,
    end: bigint,
    tokens: readonly string[],
  ): { chunks: ChunkMeta[]; skipped: number } {
    const ti = this.tenants.get(tenant);
    const out: ChunkMeta[] = [];
    let skipped = 0;
    if (!ti) return { chunks: out, skipped };
    for (const s of ti.select(matchers)) {
      for (const c of s.chunks) {
        if (c.mint >= end) break;
        if (c.maxt < start) continue;
        let may = true;
        for (const t of tokens) {
          if (!bloomMayContain(c.bloom, t)) {
            may = false;
            break;
          }
        }
        if (may) out.push(c);
        else skipped++;
      }
    }
    return { chunks: out, skipped };
  }

  streams(
    tenant: TenantId,
    start: bigint,
    end: bigint,
    matchers: readonly Matcher[] = [],
  ): Labels[] {
    const ti = this.tenants.get(tenant);
    if (!ti) return [];
    const out: Labels[] = [];
    for (const s of ti.select(matchers)) {
      if (s.chunks.some((c) => c.mint < end && c.maxt >= start)) out.push(s.labels);
    }
    return out;
  }

  private resolve(ref: number): ChunkEntry {
    let c = this.refs.get(ref);
    for (let hops = 0; !c && hops < 16; hops++) {
      const f = this.forwards.get(ref);
      if (!f) break;
      ref = f.to;
      c = this.refs.get(ref);
    }
    if (!c)
      throw new ChunkNotFoundError(`cannot read log chunk ${ref}: unknown ref or chunk deleted`);
    return c;
  }

  /** The chunk's encoded bytes (for `scanChunk`'s literal prefilter), CRC-checked. */
  async readBytes(ref: number): Promise<Uint8Array> {
    this.checkOpen('read a log chunk');
    // Tracked so that close waits for it before closing file handles.
    return this.track(this.readEntry(this.resolve(ref)));
  }

  async read(ref: number): Promise<ChunkData> {
    const c = this.resolve(ref);
    const data = await this.readBytes(c.ref);
    try {
      return decodeChunk(data);
    } catch (err) {
      throw new ChunkReadError(
        `cannot read log chunk ${ref} of block ${c.block.dir}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /** @internal Positioned read of one chunk; holds the block so it is not deleted meanwhile. */
  async readEntry(c: ChunkEntry): Promise<Uint8Array> {
    const b = c.block;
    b.readers++;
    try {
      const fh = await this.handle(b);
      const buf = Buffer.allocUnsafe(c.sizeBytes);
      const { bytesRead } = await fh.read(buf, 0, c.sizeBytes, c.offset);
      if (bytesRead !== c.sizeBytes) {
        throw new ChunkReadError(`short read: got ${bytesRead} bytes, want ${c.sizeBytes}`);
      }
      const got = crc32(buf);
      if (got !== c.crc) {
        throw new ChunkReadError(
          `checksum mismatch: got ${got.toString(16)}, want ${c.crc.toString(16)}`,
        );
      }
      return buf;
    } catch (err) {
      throw new ChunkReadError(
        `cannot read log chunk ${c.ref} at ${c.offset}+${c.sizeBytes} of ${b.dir}: ${(err as Error).message}`,
        { cause: err },
      );
    } finally {
      b.readers--;
      if (b.retired && b.readers === 0) void this.reap(b);
      else this.trimHandles();
    }
  }

  private handle(b: BlockState): Promise<FileHandle> {
    this.handles.delete(b);
    this.handles.set(b, true);
    if (!b.fh) {
      const p = open(`${b.dir}/chunks`, 'r');
      b.fh = p;
      p.catch(() => {
        if (b.fh === p) b.fh = undefined;
        this.handles.delete(b);
      });
    }
    return b.fh;
  }

  private closeHandle(b: BlockState): void {
    this.handles.delete(b);
    const p = b.fh;
    b.fh = undefined;
    if (p) void p.then((fh) => fh.close()).catch(() => undefined);
  }

  private trimHandles(): void {
    if (this.handles.size <= this.maxOpenFiles) return;
    for (const b of this.handles.keys()) {
      if (this.handles.size <= this.maxOpenFiles) break;
      if (b.readers === 0) this.closeHandle(b);
    }
  }

  /** Takes a block out of the index; its files go once no read holds it. */
  private retire(b: BlockState): Promise<void> {
    if (b.retired) return Promise.resolve();
    b.retired = true;
    const ti = this.tenant(b.tenant);
    ti.blocks.delete(b.id);
    ti.unlinkChunks(b.chunks);
    return b.readers === 0 ? this.reap(b) : Promise.resolve();
  }

  /** Deletes a retired block's files (the last read out, or retire itself, calls this). */
  private reap(b: BlockState): Promise<void> {
    for (const c of b.chunks) this.refs.delete(c.ref);
    this.closeHandle(b);
    return this.track(
      removeBlock(b.dir).catch((err: Error) => {
        this.log.warn({ dir: b.dir, err: err.message }, 'log store: cannot delete a block');
      }),
    );
  }

  /** Runs `fn` after every earlier retention/compaction run (they never interleave). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.maintenance.then(fn, fn);
    this.maintenance = run.catch(() => undefined);
    return this.track(run);
  }

  async applyRetention(
    policy: RetentionPolicy,
    nowMs: number,
  ): Promise<{ droppedChunks: number; droppedBytes: number }> {
    this.checkOpen('apply log retention');
    return this.exclusive(async () => {
      const drop = planRetention(this.tenants.values(), policy, nowMs);
      let droppedBytes = 0;
      const byBlock = new Map<BlockState, ChunkEntry[]>();
      // Gone from find at once; durable below.
      const byTenant = new Map<TenantId, ChunkEntry[]>();
      for (const c of drop) {
        const list = byTenant.get(c.tenant);
        if (list) list.push(c);
        else byTenant.set(c.tenant, [c]);
      }
      for (const [t, list] of byTenant) this.tenant(t).unlinkChunks(list);
      for (const c of drop) {
        droppedBytes += c.sizeBytes;
        const list = byBlock.get(c.block);
        if (list) list.push(c);
        else byBlock.set(c.block, [c]);
      }
      await Promise.all(
        [...byBlock].map(async ([b, list]) => {
          for (const c of list) b.tombstones.add(c.index);
          await writeTombstones(b.dir, b.tombstones);
          if (b.tombstones.size === b.chunks.length) await this.retire(b);
        }),
      );
      return { droppedChunks: drop.length, droppedBytes };
    });
  }

  async compact(signal?: AbortSignal): Promise<{ rewrittenChunks: number; savedBytes: number }> {
    this.checkOpen('compact log blocks');
    return this.exclusive(() => {
      const now = this.now();
      for (const [ref, f] of this.forwards)
        if (now - f.at > FORWARD_TTL_MS) this.forwards.delete(ref);
      return runCompaction(
        {
          tenants: () => this.tenants.values(),
          readEntry: (c) => this.readEntry(c),
          swap: (tenant, chunks, sources, moved) =>
            this.writeNewBlock(tenant, chunks, sources, moved).then((w) => w.bytes),
        },
        { windowNs: this.windowNs, maxBlockBytes: this.maxBlockBytes },
        signal,
      );
    });
  }

  stats(): { tenants: number; chunks: number; bytes: number; rawBytes: number; entries: number } {
    const st = { tenants: 0, chunks: 0, bytes: 0, rawBytes: 0, entries: 0 };
    for (const ti of this.tenants.values()) {
      if (ti.liveChunks === 0) continue;
      st.tenants++;
      st.chunks += ti.liveChunks;
      st.bytes += ti.liveBytes;
      st.rawBytes += ti.liveRaw;
      st.entries += ti.liveEntries;
    }
    return st;
  }

  /** Waits for writes, maintenance and deletions in flight, then closes file handles. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    for (const b of [...this.handles.keys()]) this.closeHandle(b);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function validate(c: SealedChunk): void {
  tenantId(c.tenant); // the tenant names a directory: never trust a cast
  if (
    c.mint > c.maxt ||
    c.data.length === 0 ||
    (c.format !== 'q4' && c.format !== 'columnar') ||
    !Number.isSafeInteger(c.entries) ||
    !Number.isSafeInteger(c.rawBytes)
  ) {
    throw new InvalidChunkError(
      `cannot add log chunk of ${c.labels.toString()}: [${c.mint}, ${c.maxt}], ${c.data.length} bytes, format ${JSON.stringify(c.format)} (want mint <= maxt, data, format q4 or columnar)`,
    );
  }
}

/** Stream then mint order: a block's chunks of one stream sit together on disk. */
export function sortChunks<T extends { labels: Labels; mint: bigint }>(list: T[]): T[] {
  return list.sort(
    (a, b) =>
      Labels.compare(a.labels, b.labels) || (a.mint < b.mint ? -1 : a.mint > b.mint ? 1 : 0),
  );
}
