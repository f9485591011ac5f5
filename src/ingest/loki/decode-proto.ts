import type { LogEntry } from '../../storage/index.js';
import { WIRE_LEN, WIRE_VARINT } from '../../util/index.js';
import {
  LogBatchBuilder,
  LogInputError,
  LogProtoReader,
  sanitizeLabelName,
  uniqueFields,
  type LogBatch,
} from '../logs-common/index.js';
import { parseStreamSelector } from './selector.js';

/** Loki's cursor: the shared log reader, its errors naming the Loki push request. */
class LokiReader extends LogProtoReader {
  constructor(buf: Uint8Array) {
    super(buf, 'Loki push request');
  }
}

/**
 * Decodes a binary (already snappy-decompressed) Loki `PushRequest` by walking its bytes:
 * streams' label selector strings parsed, entries' Timestamp as ns, structured metadata as
 * fields. Unknown fields are skipped; wrong wire types and truncations are 400s.
 */
export function decodeLokiProto(buf: Uint8Array): LogBatch {
  const r = new LokiReader(buf);
  const b = new LogBatchBuilder();
  const end = buf.length;
  let si = 0;
  while (r.pos < end) {
    const [f, w] = r.tag(end);
    if (f !== 1) {
      r.skip(w, end);
      continue;
    }
    r.expect('PushRequest.streams', w, WIRE_LEN);
    const se = r.lenEnd(end);
    stream(r, se, b, si++);
    r.pos = se;
  }
  return b.build();
}

function stream(r: LokiReader, end: number, b: LogBatchBuilder, si: number): void {
  let labels: string | undefined;
  const entries: LogEntry[] = [];
  while (r.pos < end) {
    const t = r.varint(end);
    const f = t >>> 3;
    const w = t & 7;
    if (f === 1) {
      r.expect('Stream.labels', w, WIRE_LEN);
      labels = r.text(end);
    } else if (f === 2) {
      r.expect('Stream.entries', w, WIRE_LEN);
      const ee = r.lenEnd(end);
      entries.push(entry(r, ee));
      r.pos = ee;
    } else r.skip(w, end);
  }
  const what = `stream ${si}`;
  if (labels === undefined)
    throw new LogInputError(400, `cannot read Loki push request: ${what} has no labels`);
  const s = b.stream(parseStreamSelector(labels, what), `${what} ${labels}`);
  for (const e of entries) b.add(s, e);
}

// Entries of a push mostly share their second: its ns as a bigint is made once per second.
let lastSecs = 0;
let lastSecsNs = 0n;

function entry(r: LokiReader, end: number): LogEntry {
  let ts = 0n;
  let line = '';
  let fields: [string, string][] | undefined;
  // Hot path (one call per line): tags read as plain varints, no tuple allocations, and the
  // Timestamp's seconds as a number (exact far beyond any real date) — BigInt only once.
  while (r.pos < end) {
    const t = r.varint(end);
    const f = t >>> 3;
    const w = t & 7;
    if (f === 1) {
      r.expect('Entry.timestamp', w, WIRE_LEN);
      const te = r.lenEnd(end);
      let secs = 0;
      let nanos = 0;
      while (r.pos < te) {
        const t2 = r.varint(te);
        const g = t2 >>> 3;
        const w2 = t2 & 7;
        if (g === 1) {
          r.expect('Timestamp.seconds', w2, WIRE_VARINT);
          secs = r.varint(te);
          // Negative seconds (before 1970) are 10-byte two's complement varints.
          if (secs >= 2 ** 63) secs -= 2 ** 64;
        } else if (g === 2) {
          r.expect('Timestamp.nanos', w2, WIRE_VARINT);
          nanos = (r.varint(te) % 2 ** 32) | 0;
        } else r.skip(w2, te);
      }
      if (secs !== lastSecs) {
        lastSecs = secs;
        lastSecsNs = BigInt(secs) * 1_000_000_000n;
      }
      ts = lastSecsNs + BigInt(nanos);
    } else if (f === 2) {
      r.expect('Entry.line', w, WIRE_LEN);
      line = r.text(end);
    } else if (f === 3) {
      r.expect('Entry.structured_metadata', w, WIRE_LEN);
      const pe = r.lenEnd(end);
      let name = '';
      let value = '';
      while (r.pos < pe) {
        const [g, w2] = r.tag(pe);
        if (g === 1 || g === 2) {
          r.expect(g === 1 ? 'LabelPair.name' : 'LabelPair.value', w2, WIRE_LEN);
          if (g === 1) name = r.text(pe);
          else value = r.text(pe);
        } else r.skip(w2, pe);
      }
      if (value !== '') (fields ??= []).push([sanitizeLabelName(name), value]);
    } else r.skip(w, end);
  }
  const uf = fields && uniqueFields(fields);
  return uf ? { ts, line, fields: uf } : { ts, line };
}
