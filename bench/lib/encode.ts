/**
 * Minimal remote_write 1.0 protobuf writer specialised for the load generator: each series'
 * Label messages are encoded once and copied per sample, so pre-generating 24M samples stays
 * cheap. Wire layout (prompb): WriteRequest{1: repeated TimeSeries}, TimeSeries{1: repeated
 * Label, 2: repeated Sample}, Label{1: name, 2: value}, Sample{1: double value, 2: int64 ts}.
 */

/** Bytes needed for `v` (a non-negative integer below 2^53) as a protobuf varint. */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes `v` (non-negative, below 2^53) as a varint at `off`; returns the next offset. */
export function writeVarint(buf: Buffer, off: number, v: number): number {
  while (v >= 0x80) {
    buf[off++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[off++] = v;
  return off;
}

function field(tag: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(1 + varintSize(payload.length));
  head[0] = tag;
  writeVarint(head, 1, payload.length);
  return Buffer.concat([head, payload]);
}

/** Encodes the repeated Label fields of one TimeSeries from flat [name, value, ...] pairs. */
export function encodeLabels(labels: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < labels.length; i += 2) {
    const label = Buffer.concat([
      field(0x0a, Buffer.from(labels[i])),
      field(0x12, Buffer.from(labels[i + 1])),
    ]);
    parts.push(field(0x0a, label));
  }
  return Buffer.concat(parts);
}

/** Upper bound of one TimeSeries entry with a single sample, for sizing request buffers. */
export function maxEntrySize(labelBytes: number): number {
  return 1 + 5 + labelBytes + 1 + 1 + 1 + 8 + 1 + 10;
}

/**
 * Appends one WriteRequest.timeseries entry holding `labels` (from encodeLabels) and a single
 * sample at `off`; returns the next offset. `ts` is milliseconds since the epoch (positive).
 */
export function writeSeriesSample(
  buf: Buffer,
  off: number,
  labels: Buffer,
  value: number,
  ts: number,
): number {
  const sampleLen = 1 + 8 + 1 + varintSize(ts);
  const seriesLen = labels.length + 1 + varintSize(sampleLen) + sampleLen;
  buf[off++] = 0x0a;
  off = writeVarint(buf, off, seriesLen);
  off += labels.copy(buf, off);
  buf[off++] = 0x12;
  off = writeVarint(buf, off, sampleLen);
  buf[off++] = 0x09;
  buf.writeDoubleLE(value, off);
  off += 8;
  buf[off++] = 0x10;
  return writeVarint(buf, off, ts);
}
