import { crc32 } from 'node:zlib';
import { Labels } from '../../model/index.js';
import { ByteReader } from './encoding.js';
import { CorruptBlockError } from './errors.js';
import { INDEX_HEADER_SIZE, INDEX_MAGIC, INDEX_TOC_SIZE, INDEX_VERSION } from './index-writer.js';

const SECTION_NAMES = ['symbols', 'series', 'series offsets', 'postings', 'postings offset table'];

interface PostingsTableEntry {
  values: string[];
  offs: Uint32Array;
}

/** A section's body: `[start, end)` in the file buffer. */
interface Span {
  start: number;
  end: number;
}

/**
 * The in-memory index of one block. The whole file is read once; section CRCs, the symbol
 * table and the postings offset table are checked and parsed at open, series entries and
 * postings lists are decoded on demand.
 */
export class IndexReader {
  private constructor(
    private readonly buf: Buffer,
    private readonly path: string,
    readonly symbols: string[],
    private readonly seriesSpan: Span,
    private readonly seriesOffsetsAt: number,
    readonly numSeries: number,
    private readonly postingsAt: number,
    private readonly table: Map<string, PostingsTableEntry>,
    private readonly names: string[],
  ) {}

  get sizeBytes(): number {
    return this.buf.length;
  }

  /** Validates and parses an index file's bytes; throws CorruptBlockError on any damage. */
  static parse(buf: Buffer, path: string): IndexReader {
    const bad = (what: string, cause?: unknown): CorruptBlockError =>
      new CorruptBlockError(
        `cannot open block index ${path}: ${what}`,
        cause === undefined ? undefined : { cause },
      );
    if (buf.length < INDEX_HEADER_SIZE + INDEX_TOC_SIZE) {
      throw bad(
        `file too short: got ${buf.length} bytes, want at least ${INDEX_HEADER_SIZE + INDEX_TOC_SIZE}`,
      );
    }
    if (buf.readUInt32BE(0) !== INDEX_MAGIC) {
      throw bad(
        `bad magic: got 0x${buf.readUInt32BE(0).toString(16)}, want 0x${INDEX_MAGIC.toString(16)}`,
      );
    }
    if (buf[4] !== INDEX_VERSION) throw bad(`version: got ${buf[4]}, want ${INDEX_VERSION}`);
    const tocAt = buf.length - INDEX_TOC_SIZE;
    const tocCrc = crc32(buf.subarray(tocAt, buf.length - 4));
    if (tocCrc !== buf.readUInt32BE(buf.length - 4)) {
      throw bad(
        `TOC CRC32 mismatch: got 0x${tocCrc.toString(16)}, want 0x${buf.readUInt32BE(buf.length - 4).toString(16)}`,
      );
    }
    try {
      const tr = new ByteReader(buf, tocAt);
      const spans: Span[] = [];
      let expect = INDEX_HEADER_SIZE;
      for (let i = 0; i < SECTION_NAMES.length; i++) {
        const at = tr.u64();
        if (at !== expect)
          throw bad(`${SECTION_NAMES[i]} section: got offset ${at}, want ${expect}`);
        if (at + 8 > tocAt)
          throw bad(`${SECTION_NAMES[i]} section at ${at} runs past the TOC at ${tocAt}`);
        const len = buf.readUInt32BE(at);
        const end = at + 4 + len;
        if (end + 4 > tocAt)
          throw bad(
            `${SECTION_NAMES[i]} section of ${len} bytes at ${at} runs past the TOC at ${tocAt}`,
          );
        const got = crc32(buf.subarray(at + 4, end));
        const want = buf.readUInt32BE(end);
        if (got !== want) {
          throw bad(
            `${SECTION_NAMES[i]} section CRC32 mismatch: got 0x${got.toString(16)}, want 0x${want.toString(16)}`,
          );
        }
        spans.push({ start: at + 4, end });
        expect = end + 4;
      }
      if (expect !== tocAt) throw bad(`${tocAt - expect} unexpected bytes before the TOC`);
      const [symSpan, seriesSpan, offSpan, postSpan, tableSpan] = spans as [
        Span,
        Span,
        Span,
        Span,
        Span,
      ];

      const sr = new ByteReader(buf, symSpan.start, symSpan.end);
      const nsym = sr.uvarint();
      if (nsym > sr.remaining) throw bad(`symbol count ${nsym} exceeds section size`);
      const symbols = new Array<string>(nsym);
      for (let i = 0; i < nsym; i++) symbols[i] = sr.str();

      const numSeries = buf.readUInt32BE(offSpan.start);
      if (offSpan.end - offSpan.start !== 4 + 4 * numSeries) {
        throw bad(
          `series offsets section: got ${offSpan.end - offSpan.start} bytes, want ${4 + 4 * numSeries} for ${numSeries} series`,
        );
      }

      const sym = (r: ByteReader): string => {
        const id = r.uvarint();
        const s = symbols[id];
        if (s === undefined) throw bad(`symbol ref ${id} out of range (${nsym} symbols)`);
        return s;
      };
      const table = new Map<string, PostingsTableEntry>();
      const names: string[] = [];
      const tr2 = new ByteReader(buf, tableSpan.start, tableSpan.end);
      const nnames = tr2.uvarint();
      const postLen = postSpan.end - postSpan.start;
      for (let i = 0; i < nnames; i++) {
        const name = sym(tr2);
        const nv = tr2.uvarint();
        if (nv > tr2.remaining)
          throw bad(`postings table: ${nv} values for "${name}" exceed section size`);
        const values = new Array<string>(nv);
        const offs = new Uint32Array(nv);
        for (let j = 0; j < nv; j++) {
          values[j] = sym(tr2);
          const o = tr2.uvarint();
          if (o >= postLen)
            throw bad(
              `postings offset ${o} for ${name}="${values[j]}" outside section (${postLen} bytes)`,
            );
          offs[j] = o;
        }
        table.set(name, { values, offs });
        names.push(name);
      }
      return new IndexReader(
        buf,
        path,
        symbols,
        seriesSpan,
        offSpan.start + 4,
        numSeries,
        postSpan.start,
        table,
        names,
      );
    } catch (err) {
      if (err instanceof CorruptBlockError) throw err;
      throw bad('malformed section', err);
    }
  }

  /** Sorted label names present in the block. */
  labelNames(): string[] {
    return this.names;
  }

  /** Sorted values of `name` (empty when absent). */
  labelValues(name: string): string[] {
    return this.table.get(name)?.values ?? [];
  }

  /** Postings of `name="value"` (empty when absent). */
  postings(name: string, value: string): Uint32Array {
    const e = this.table.get(name);
    if (e === undefined) return EMPTY;
    const i = bsearch(e.values, value);
    return i < 0 ? EMPTY : this.decodePostings(e.offs[i]);
  }

  /** Postings lists of every value of `name` for which `pred` holds. */
  postingsWhere(name: string, pred: (v: string) => boolean): Uint32Array[] {
    const e = this.table.get(name);
    if (e === undefined) return [];
    const out: Uint32Array[] = [];
    for (let i = 0; i < e.values.length; i++)
      if (pred(e.values[i])) out.push(this.decodePostings(e.offs[i]));
    return out;
  }

  private decodePostings(off: number): Uint32Array {
    try {
      const r = new ByteReader(this.buf, this.postingsAt + off);
      const n = r.uvarint();
      const out = new Uint32Array(n);
      let prev = 0;
      for (let i = 0; i < n; i++) {
        prev = i === 0 ? r.uvarint() : prev + r.uvarint();
        if (prev >= this.numSeries)
          throw new Error(`series id ${prev} out of range (${this.numSeries} series)`);
        out[i] = prev;
      }
      return out;
    } catch (err) {
      throw new CorruptBlockError(`cannot read postings at ${off} in ${this.path}`, { cause: err });
    }
  }

  private entry(id: number): ByteReader {
    if (id >= this.numSeries) {
      throw new CorruptBlockError(
        `cannot read series ${id} in ${this.path}: out of range (${this.numSeries} series)`,
      );
    }
    const start = this.seriesSpan.start + this.buf.readUInt32BE(this.seriesOffsetsAt + 4 * id);
    return new ByteReader(this.buf, start, this.seriesSpan.end);
  }

  /** The labels of series `id`. */
  labels(id: number): Labels {
    return this.decode(id, false).labels;
  }

  /** Labels and chunk metas (flat `[minTime, maxTime, ref, …]`) of series `id`. */
  series(id: number): { labels: Labels; chunks: number[] } {
    return this.decode(id, true);
  }

  private decode(id: number, withChunks: boolean): { labels: Labels; chunks: number[] } {
    try {
      const r = this.entry(id);
      const n = r.uvarint();
      const flat = new Array<string>(2 * n);
      for (let i = 0; i < 2 * n; i++) {
        const s = this.symbols[r.uvarint()];
        if (s === undefined) throw new Error('symbol ref out of range');
        flat[i] = s;
      }
      const labels = Labels.fromSortedFlat(flat);
      const chunks: number[] = [];
      if (withChunks) {
        const nc = r.uvarint();
        let prevMax = 0;
        let prevRef = 0;
        for (let c = 0; c < nc; c++) {
          const mint = c === 0 ? r.varint() : prevMax + r.varint();
          const maxt = mint + r.uvarint();
          const ref = c === 0 ? r.uvarint() : prevRef + r.varint();
          chunks.push(mint, maxt, ref);
          prevMax = maxt;
          prevRef = ref;
        }
      }
      return { labels, chunks };
    } catch (err) {
      if (err instanceof CorruptBlockError) throw err;
      throw new CorruptBlockError(`cannot read series ${id} in ${this.path}`, { cause: err });
    }
  }
}

const EMPTY = new Uint32Array(0);

function bsearch(a: readonly string[], v: string): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = a[mid];
    if (x === v) return mid;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
