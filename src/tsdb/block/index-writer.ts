import { crc32 } from 'node:zlib';
import { cmpStr, Labels } from '../../model/index.js';
import { ByteReader, ByteWriter } from './encoding.js';
import { BlockWriteError } from './errors.js';

/** "ARGX": first 4 bytes of an index file. */
export const INDEX_MAGIC = 0x41524758;
export const INDEX_VERSION = 1;
/** Magic (4) + version (1). */
export const INDEX_HEADER_SIZE = 5;
/** Five u64 section offsets + CRC32. */
export const INDEX_TOC_SIZE = 5 * 8 + 4;

/**
 * Builds an index file in memory (docs/format/index.md). Series MUST be added in
 * `Labels.compare` order; their sequence number is their series id (postings hold ids).
 *
 * Labels are encoded at once with provisional symbol ids (first-seen order) and rewritten with
 * the final sorted ids in `finish()`, so memory stays proportional to the encoded index rather
 * than to retained objects.
 */
export class IndexBuilder {
  private readonly tmpSyms = new Map<string, number>();
  private readonly tmpNames: string[] = [];
  private readonly series = new ByteWriter(1 << 16);
  private readonly offsets: number[] = [];
  /** tmp name id -> (tmp value id -> ids) */
  private readonly postings = new Map<number, Map<number, number[]>>();
  private last: Labels | undefined;

  get numSeries(): number {
    return this.offsets.length;
  }

  private sym(s: string): number {
    let id = this.tmpSyms.get(s);
    if (id === undefined) {
      id = this.tmpNames.length;
      this.tmpSyms.set(s, id);
      this.tmpNames.push(s);
    }
    return id;
  }

  /** `chunks` is flat `[minTime, maxTime, ref, …]`, time-ordered. */
  add(labels: Labels, chunks: ArrayLike<number>, numChunks: number): void {
    if (this.last !== undefined && Labels.compare(this.last, labels) >= 0) {
      throw new BlockWriteError(
        `cannot write block index: series not sorted: ${labels.toString()} after ${this.last.toString()}`,
      );
    }
    if (labels.size === 0)
      throw new BlockWriteError('cannot write block index: series with no labels');
    this.last = labels;
    const id = this.offsets.length;
    const w = this.series;
    this.offsets.push(w.len);
    w.uvarint(labels.size);
    for (let i = 0; i < labels.size; i++) {
      const n = this.sym(labels.name(i));
      const v = this.sym(labels.value(i));
      w.uvarint(n);
      w.uvarint(v);
      let byValue = this.postings.get(n);
      if (byValue === undefined) this.postings.set(n, (byValue = new Map<number, number[]>()));
      const list = byValue.get(v);
      if (list === undefined) byValue.set(v, [id]);
      else list.push(id);
    }
    w.uvarint(numChunks);
    let prevMax = 0;
    let prevRef = 0;
    for (let c = 0; c < numChunks; c++) {
      const mint = chunks[3 * c];
      const maxt = chunks[3 * c + 1];
      const ref = chunks[3 * c + 2];
      if (c === 0) {
        w.varint(mint);
        w.uvarint(maxt - mint);
        w.uvarint(ref);
      } else {
        w.varint(mint - prevMax);
        w.uvarint(maxt - mint);
        w.varint(ref - prevRef);
      }
      prevMax = maxt;
      prevRef = ref;
    }
  }

  /** The complete index file. */
  finish(): Uint8Array {
    const names = this.tmpNames;
    const order = names.map((_, i) => i).sort((a, b) => cmpStr(names[a], names[b]));
    const remap = new Uint32Array(names.length);
    for (let i = 0; i < order.length; i++) remap[order[i]] = i;

    const out = new ByteWriter(this.series.len + 1024 + names.length * 16);
    out.u32(INDEX_MAGIC);
    out.u8(INDEX_VERSION);
    const toc: number[] = [];
    const section = (body: (w: ByteWriter) => void): void => {
      toc.push(out.len);
      const lenAt = out.len;
      out.u32(0);
      body(out);
      const bodyLen = out.len - lenAt - 4;
      if (bodyLen > 0xffffffff)
        throw new BlockWriteError(
          `cannot write block index: section of ${bodyLen} bytes exceeds 4 GiB`,
        );
      out.buf[lenAt] = bodyLen >>> 24;
      out.buf[lenAt + 1] = (bodyLen >>> 16) & 0xff;
      out.buf[lenAt + 2] = (bodyLen >>> 8) & 0xff;
      out.buf[lenAt + 3] = bodyLen & 0xff;
      out.u32(crc32(out.buf.subarray(lenAt + 4, out.len)));
    };

    // Symbols, sorted.
    section((w) => {
      w.uvarint(order.length);
      for (const i of order) w.str(names[i]);
    });

    // Series entries, label refs rewritten to sorted symbol ids; chunk metas copied verbatim.
    const newOffsets = new Uint32Array(this.offsets.length);
    section((w) => {
      const src = Buffer.from(this.series.buf.buffer, this.series.buf.byteOffset, this.series.len);
      const start = w.len;
      for (let s = 0; s < this.offsets.length; s++) {
        const from = this.offsets[s];
        const to = s + 1 < this.offsets.length ? this.offsets[s + 1] : this.series.len;
        newOffsets[s] = w.len - start;
        const r = new ByteReader(src, from, to);
        const n = r.uvarint();
        w.uvarint(n);
        for (let i = 0; i < 2 * n; i++) w.uvarint(remap[r.uvarint()]);
        w.bytes(src.subarray(r.pos, to));
      }
      if (w.len - start > 0xffffffff)
        throw new BlockWriteError('cannot write block index: series section exceeds 4 GiB');
    });

    // Series offsets: count + fixed-width u32 offsets for O(1) lookup by id.
    section((w) => {
      w.u32(newOffsets.length);
      for (const o of newOffsets) w.u32(o);
    });

    // Postings lists, and the table mapping (name, value) -> list offset, both sorted.
    const nameIds = [...this.postings.keys()].sort((a, b) => remap[a] - remap[b]);
    const table: { name: number; values: number[]; offs: number[] }[] = [];
    section((w) => {
      const start = w.len;
      for (const n of nameIds) {
        const byValue = this.postings.get(n)!;
        const valueIds = [...byValue.keys()].sort((a, b) => remap[a] - remap[b]);
        const entry = { name: remap[n], values: [] as number[], offs: [] as number[] };
        for (const v of valueIds) {
          const ids = byValue.get(v)!;
          entry.values.push(remap[v]);
          entry.offs.push(w.len - start);
          w.uvarint(ids.length);
          let prev = 0;
          for (let i = 0; i < ids.length; i++) {
            w.uvarint(i === 0 ? ids[0] : ids[i] - prev);
            prev = ids[i]!;
          }
        }
        table.push(entry);
      }
    });
    section((w) => {
      w.uvarint(table.length);
      for (const e of table) {
        w.uvarint(e.name);
        w.uvarint(e.values.length);
        for (let i = 0; i < e.values.length; i++) {
          w.uvarint(e.values[i]);
          w.uvarint(e.offs[i]);
        }
      }
    });

    const tocAt = out.len;
    for (const o of toc) out.u64(o);
    out.u32(crc32(out.buf.subarray(tocAt, out.len)));
    return out.view();
  }
}
