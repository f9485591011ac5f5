/**
 * Loading head chunk files at start-up. Everything here may only cost speed, never data: a
 * damaged record ends its file (the rest of it is ignored, later files are still read), and a
 * series only gets chunks that form an unbroken chain from its first chunk in the head, so
 * replay can take every WAL sample after the chain's end and skip the ones before it. A chain
 * may end in a partial chunk (an open chunk's prefix): replay continues it as the open chunk.
 * A later record of the same chunk (same prevMaxT) replaces it, as any record does.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../util/index.js';
import { ENCODING_XOR, chunkNumSamples } from '../chunkenc/index.js';
import {
  FILE_HEADER_SIZE,
  FILE_RE,
  checkFileHeader,
  parseRecord,
  type ChunkRecord,
  type PersistedChunk,
} from './format.js';

/** A head chunk file as found at load. */
export interface HeadChunkFile {
  seq: number;
  size: number;
  /** Newest maxT of its valid records (-Infinity when it has none). */
  maxT: number;
}

export interface LoadResult {
  files: HeadChunkFile[];
  /** Chunks per series ref, oldest first, each chain complete (see the module comment). */
  chains: Map<number, PersistedChunk[]>;
  /** Highest ref in any valid record (refs must not be reused for other series). */
  maxRef: number;
  records: number;
  /** Records dropped: older than minValidTime, or not linked to a chain. */
  dropped: number;
  /** Files that ended in a damaged record (or had a bad header). */
  damagedFiles: number;
  durationMs: number;
}

/**
 * Reads every head chunk file in `dir` (missing dir = none) in sequence order. `minValidTime`
 * is the newest block's end: chunks starting before it are dropped (a chunk that straddles it
 * drops its series' whole chain: replay then takes that series from the WAL).
 */
export async function loadHeadChunks(
  dir: string,
  minValidTime: number,
  logger: Logger,
): Promise<LoadResult> {
  const start = performance.now();
  const res: LoadResult = {
    files: [],
    chains: new Map(),
    maxRef: 0,
    records: 0,
    dropped: 0,
    damagedFiles: 0,
    durationMs: 0,
  };
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => FILE_RE.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return res;
    throw err;
  }
  const linker = new ChainLinker(res.chains, minValidTime);
  for (const name of names) {
    const file = path.join(dir, name);
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (err) {
      // Unreadable: treat as damaged at 0 (it is only an accelerator).
      logger.warn({ file, err: String(err) }, 'cannot read head chunk file; ignoring it');
      res.damagedFiles++;
      res.files.push({ seq: Number(name), size: 0, maxT: -Infinity });
      continue;
    }
    const info: HeadChunkFile = { seq: Number(name), size: buf.length, maxT: -Infinity };
    res.files.push(info);
    const bad = checkFileHeader(buf);
    if (bad !== null) {
      logger.warn({ file, reason: bad }, 'ignoring head chunk file with a bad header');
      res.damagedFiles++;
      continue;
    }
    let p = FILE_HEADER_SIZE;
    while (p < buf.length) {
      const r = parseRecord(buf, p);
      if ('err' in r) {
        logger.warn(
          { file, offset: p, droppedBytes: buf.length - p, reason: r.err },
          'head chunk file damaged; ignoring the rest of it (replay takes that data from the WAL)',
        );
        res.damagedFiles++;
        break;
      }
      const rec = r.rec;
      p = r.next;
      res.records++;
      if (rec.ref > res.maxRef) res.maxRef = rec.ref;
      if (rec.maxT > info.maxT) info.maxT = rec.maxT;
      linker.add(rec);
    }
  }
  let kept = 0;
  for (const c of res.chains.values()) kept += c.length;
  res.dropped = res.records - kept;
  res.durationMs = performance.now() - start;
  return res;
}

/**
 * Builds each series' chain from records in write order. A record with prevMaxT = p follows
 * the chunk ending at p (chunks after that one in the chain came from an older run that the
 * record's run superseded: they are cut off); p = -1 (the head held nothing before it) or
 * p < minValidTime (what came before is in blocks) starts a new chain. A record whose
 * predecessor is not in the chain was written after a chunk that is lost: it is dropped and the
 * chain stays as it was (complete up to its own end; replay takes the rest from the WAL).
 */
export class ChainLinker {
  constructor(
    private readonly chains: Map<number, PersistedChunk[]>,
    private readonly minValidTime: number,
  ) {}

  /** Adds a record; false when it is not part of a chain (stale, unlinked, bad encoding). */
  add(rec: ChunkRecord): boolean {
    const { ref, prevMaxT: p } = rec;
    const chain = this.chains.get(ref);
    let base: PersistedChunk[];
    if (p === -1 || p < this.minValidTime) base = [];
    else {
      if (chain === undefined) return false;
      let j = chain.length - 1;
      while (j >= 0 && chain[j].maxT !== p) j--;
      if (j < 0) return false;
      base = j === chain.length - 1 ? chain : chain.slice(0, j + 1);
      // A partial chunk followed by another chunk holds exactly (its prevMaxT, maxT], like the
      // closed record it stands in for (lost, or cut at that very sample): keep it as closed.
      const prev = base[j];
      if (prev.state !== undefined) base[j] = { data: prev.data, minT: prev.minT, maxT: prev.maxT };
    }
    const usable =
      rec.encoding === ENCODING_XOR &&
      rec.minT >= this.minValidTime &&
      chunkNumSamples(rec.data) > 0;
    if (usable) {
      base.push(
        rec.state === undefined
          ? { data: rec.data, minT: rec.minT, maxT: rec.maxT }
          : { data: rec.data, minT: rec.minT, maxT: rec.maxT, state: rec.state },
      );
    }
    if (base.length > 0) this.chains.set(ref, base);
    else this.chains.delete(ref);
    return usable;
  }
}
