/**
 * On-disk framing shared by WAL segments and checkpoint files (spec: docs/format/wal.md).
 *
 * File  = header(8) frame*
 * header = "AWAL" | version u8 (=1) | 3 reserved zero bytes
 * frame  = crc32 u32 LE | kind u8 | len u32 LE | payload[len]   (crc over kind, len and payload)
 *
 * `kind` places the record in its write() batch (FULL, or FIRST MIDDLE* LAST), so a batch is
 * replayed all-or-nothing: a torn tail never yields half of one write() call.
 */
import { crc32 } from 'node:zlib';

export const MAGIC = Buffer.from('AWAL', 'latin1');
export const VERSION = 1;
export const HEADER_SIZE = 8;
export const FRAME_HEADER_SIZE = 9;
/** Largest record payload accepted (and believed when reading a length). */
export const MAX_RECORD_SIZE = 64 * 2 ** 20;

export const FrameKind = { Full: 1, First: 2, Middle: 3, Last: 4 } as const;

/** The 8-byte file header. */
export function fileHeader(): Buffer {
  const h = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(h, 0);
  h[4] = VERSION;
  return h;
}

/** Bytes `records` take once framed. */
export function framedSize(records: readonly Uint8Array[]): number {
  let n = 0;
  for (const r of records) n += FRAME_HEADER_SIZE + r.length;
  return n;
}

/**
 * Frames `records` as one batch into a fresh buffer (copying them, so callers may reuse theirs).
 * Callers check sizes first (see checkRecord).
 */
export function encodeBatch(records: readonly Uint8Array[]): Buffer {
  const buf = Buffer.allocUnsafe(framedSize(records));
  let p = 0;
  const last = records.length - 1;
  for (let i = 0; i <= last; i++) {
    const r = records[i];
    const kind =
      last === 0
        ? FrameKind.Full
        : i === 0
          ? FrameKind.First
          : i === last
            ? FrameKind.Last
            : FrameKind.Middle;
    buf[p + 4] = kind;
    buf.writeUInt32LE(r.length, p + 5);
    buf.set(r, p + FRAME_HEADER_SIZE);
    buf.writeUInt32LE(crc32(buf.subarray(p + 4, p + FRAME_HEADER_SIZE + r.length)), p);
    p += FRAME_HEADER_SIZE + r.length;
  }
  return buf;
}

/** Why a record cannot be written, or null. */
export function checkRecord(r: Uint8Array): string | null {
  if (!(r instanceof Uint8Array)) return 'record is not a Uint8Array';
  if (r.length === 0) return 'record is empty';
  if (r.length > MAX_RECORD_SIZE) {
    return `record is ${r.length} bytes, want at most ${MAX_RECORD_SIZE}`;
  }
  return null;
}

/** What a scan of one file found. */
export interface ScanResult {
  /** End of the last complete, valid batch: everything from here on is dropped. */
  validEnd: number;
  records: number;
  /** Payload bytes delivered. */
  bytes: number;
  /** Why the scan stopped before the end of the buffer (or ended inside a batch), or null. */
  damage: string | null;
}

/**
 * Walks the frames of one file image and calls `fn` for each record of each complete, valid
 * batch, in order. Records are views into `buf` (no copy). Stops at the first damage; a batch
 * cut by the damage is not delivered at all. Exceptions from `fn` propagate.
 */
export function scanFile(buf: Buffer, fn: ((rec: Uint8Array) => void) | null): ScanResult {
  const res: ScanResult = { validEnd: 0, records: 0, bytes: 0, damage: null };
  if (buf.length < HEADER_SIZE) {
    res.damage = buf.length === 0 ? 'empty file' : `truncated header (${buf.length} bytes)`;
    return res;
  }
  if (buf.compare(MAGIC, 0, 4, 0, 4) !== 0) {
    res.damage = `bad magic ${buf.subarray(0, 4).toString('hex')}, want ${MAGIC.toString('hex')}`;
    return res;
  }
  if (buf[4] !== VERSION) {
    res.damage = `unsupported version ${buf[4]}, want ${VERSION}`;
    return res;
  }
  const end = buf.length;
  let p = HEADER_SIZE;
  let batchStart = p;
  let inBatch = false;
  while (p < end) {
    if (end - p < FRAME_HEADER_SIZE) {
      res.damage = `truncated frame header at offset ${p}`;
      break;
    }
    const kind = buf[p + 4];
    const len = buf.readUInt32LE(p + 5);
    if (kind === 0 && len === 0 && buf.readUInt32LE(p) === 0) {
      res.damage = `zero bytes at offset ${p}`;
      break;
    }
    if (kind < FrameKind.Full || kind > FrameKind.Last) {
      res.damage = `bad frame kind ${kind} at offset ${p}`;
      break;
    }
    if (len === 0 || len > MAX_RECORD_SIZE) {
      res.damage = `bad record length ${len} at offset ${p}`;
      break;
    }
    const next = p + FRAME_HEADER_SIZE + len;
    if (next > end) {
      res.damage = `truncated record at offset ${p}: want ${len} bytes, have ${end - p - FRAME_HEADER_SIZE}`;
      break;
    }
    const want = buf.readUInt32LE(p);
    const got = crc32(buf.subarray(p + 4, next));
    if (got !== want) {
      res.damage = `checksum mismatch at offset ${p}: got ${hex(got)}, want ${hex(want)}`;
      break;
    }
    const opens = kind === FrameKind.Full || kind === FrameKind.First;
    if (opens === inBatch) {
      res.damage = `frame kind ${kind} out of batch sequence at offset ${p}`;
      break;
    }
    p = next;
    if (kind === FrameKind.Full || kind === FrameKind.Last) {
      deliver(buf, batchStart, p, fn, res);
      batchStart = p;
      inBatch = false;
    } else {
      inBatch = true;
    }
  }
  if (res.damage === null && inBatch) res.damage = `incomplete batch at offset ${batchStart}`;
  res.validEnd = batchStart;
  return res;
}

function deliver(
  buf: Buffer,
  start: number,
  end: number,
  fn: ((rec: Uint8Array) => void) | null,
  res: ScanResult,
): void {
  for (let p = start; p < end;) {
    const len = buf.readUInt32LE(p + 5);
    const q = p + FRAME_HEADER_SIZE;
    if (fn !== null) fn(buf.subarray(q, q + len));
    res.records++;
    res.bytes += len;
    p = q + len;
  }
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/** `00000012` */
export function segmentName(index: number): string {
  return String(index).padStart(8, '0');
}

export const SEGMENT_RE = /^\d{8}$/;
export const CHECKPOINT_RE = /^checkpoint\.(\d{8})$/;
export const CHECKPOINT_TMP_RE = /^checkpoint\.\d{8}\.tmp$/;

export function checkpointName(index: number): string {
  return `checkpoint.${segmentName(index)}`;
}
