import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Querier } from '../../storage/index.js';
import { BlockQuerier } from './block-querier.js';
import { ChunkReader } from './chunks-reader.js';
import { CorruptBlockError } from './errors.js';
import { IndexReader } from './index-reader.js';
import { CHUNKS_DIR, INDEX_FILE, META_FILE, readMeta, type BlockMeta } from './meta.js';
import type { SeriesChunks } from './writer.js';

export interface BlockOpenOptions {
  /**
   * Read every chunk segment and check each chunk's CRC at open (default true), so a damaged
   * block is quarantined at start rather than failing queries later. Costs one sequential read
   * of the chunk files.
   */
  verifyChunks?: boolean;
}

/**
 * One immutable on-disk block, open for reading. The index is held in memory; chunks are read
 * on demand with positional reads. `close()` waits for open queriers: file descriptors are
 * released when the last querier closes.
 */
export class Block {
  private readers = 0;
  private closing = false;
  private closed = false;

  private constructor(
    readonly dir: string,
    readonly meta: BlockMeta,
    private readonly index: IndexReader,
    private readonly chunks: ChunkReader,
    private readonly metaBytes: number,
  ) {}

  /** Opens and validates a block directory; any damage throws CorruptBlockError. */
  static open(dir: string, opts: BlockOpenOptions = {}): Block {
    const meta = readMeta(dir);
    if (basename(dir) !== meta.ulid) {
      throw new CorruptBlockError(
        `cannot open block ${dir}: meta.json ulid is ${meta.ulid}, want the directory name`,
      );
    }
    let buf: Buffer;
    try {
      buf = readFileSync(`${dir}/${INDEX_FILE}`);
    } catch (err) {
      throw new CorruptBlockError(`cannot open block index ${dir}/${INDEX_FILE}`, { cause: err });
    }
    const index = IndexReader.parse(buf, `${dir}/${INDEX_FILE}`);
    if (index.numSeries !== meta.stats.numSeries) {
      throw new CorruptBlockError(
        `cannot open block ${dir}: index has ${index.numSeries} series, meta.json says ${meta.stats.numSeries}`,
      );
    }
    const chunks = ChunkReader.open(`${dir}/${CHUNKS_DIR}`);
    try {
      if (opts.verifyChunks ?? true) {
        const n = chunks.verify();
        if (n !== meta.stats.numChunks) {
          throw new CorruptBlockError(
            `cannot open block ${dir}: chunk files hold ${n} chunks, meta.json says ${meta.stats.numChunks}`,
          );
        }
      }
    } catch (err) {
      chunks.close();
      throw err;
    }
    const metaBytes = statSync(`${dir}/${META_FILE}`).size;
    return new Block(dir, meta, index, chunks, metaBytes);
  }

  /** Bytes on disk: meta.json + index + chunk segments. */
  sizeBytes(): number {
    return this.metaBytes + this.index.sizeBytes + this.chunks.totalBytes;
  }

  /** A querier over [mint, maxt] (inclusive ms). MUST be closed. */
  querier(mint: number, maxt: number): Querier {
    if (this.closing)
      throw new CorruptBlockError(`cannot query block ${this.dir}: block is closed`);
    this.readers++;
    return new BlockQuerier(this.index, this.chunks, mint, maxt, () => this.release());
  }

  /** Every series with its chunks' bytes, in label order (for compaction). */
  *series(): Generator<SeriesChunks> {
    for (let id = 0; id < this.index.numSeries; id++) {
      const { labels, chunks } = this.index.series(id);
      const refs: number[] = [];
      for (let c = 2; c < chunks.length; c += 3) refs.push(chunks[c]);
      const data = this.chunks.read(refs, 0, refs.length);
      yield {
        labels,
        chunks: data.map((d, i) => ({
          minTime: chunks[3 * i],
          maxTime: chunks[3 * i + 1],
          data: d,
        })),
      };
    }
  }

  private release(): void {
    this.readers--;
    if (this.closing && this.readers === 0) this.doClose();
  }

  /** Number of queriers not yet closed. */
  get pendingReaders(): number {
    return this.readers;
  }

  close(): void {
    this.closing = true;
    if (this.readers === 0) this.doClose();
  }

  private doClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.chunks.close();
  }
}
