/**
 * Loki push as Promtail sends it: snappy-compressed protobuf `PushRequest`s of ~1 MiB of raw
 * lines each (Promtail's default batch size), built once before the server starts, then posted
 * by a few concurrent senders over keep-alive connections.
 *
 * Wire layout (Loki's push.proto): PushRequest{1: repeated StreamAdapter}, StreamAdapter{1:
 * labels string, 2: repeated EntryAdapter}, EntryAdapter{1: Timestamp{1: seconds, 2: nanos},
 * 2: line string}.
 */
import { readFileSync } from 'node:fs';
import snappy from 'snappy';
import { varintSize, writeVarint } from './encode.js';
import { BASE_MS, readLineMeta, streamSelector, type Corpus } from './logs-gen.js';

export interface PushBodies {
  bodies: Buffer[];
  /** Raw line bytes (no newlines) in all bodies. */
  lineBytes: number;
  entries: number;
}

/** Builds every push body of the corpus (lines in file order, grouped per stream per body). */
export function buildPushBodies(c: Corpus, batchBytes = 1 << 20): PushBodies {
  const raw = readFileSync(c.rawFile);
  const { streamOf, tsOf } = readLineMeta(c);
  const labels = c.streams.map((s) => Buffer.from(streamSelector(s)));
  const baseS = BASE_MS / 1000;
  const bodies: Buffer[] = [];
  // Per stream of the current batch: line start/end offsets and line indexes.
  const starts: number[][] = c.streams.map(() => []);
  const ends: number[][] = c.streams.map(() => []);
  const idx: number[][] = c.streams.map(() => []);
  let lineBytes = 0;
  let entries = 0;
  let off = 0;
  let line = 0;
  const emit = (): void => {
    let size = 0;
    const streamSizes: number[] = [];
    const entrySize = (i: number, len: number): [number, number] => {
      const ns = tsOf[i];
      const secs = baseS + Math.floor(ns / 1e9);
      const nanos = ns % 1e9;
      const tsLen = 1 + varintSize(secs) + (nanos > 0 ? 1 + varintSize(nanos) : 0);
      const body = 1 + varintSize(tsLen) + tsLen + 1 + varintSize(len) + len;
      return [body, tsLen];
    };
    for (let s = 0; s < starts.length; s++) {
      if (starts[s].length === 0) {
        streamSizes.push(0);
        continue;
      }
      let n = 1 + varintSize(labels[s].length) + labels[s].length;
      for (let k = 0; k < starts[s].length; k++) {
        const [e] = entrySize(idx[s][k], ends[s][k] - starts[s][k]);
        n += 1 + varintSize(e) + e;
      }
      streamSizes.push(n);
      size += 1 + varintSize(n) + n;
    }
    const buf = Buffer.allocUnsafe(size);
    let o = 0;
    for (let s = 0; s < starts.length; s++) {
      if (starts[s].length === 0) continue;
      buf[o++] = 0x0a;
      o = writeVarint(buf, o, streamSizes[s]);
      buf[o++] = 0x0a;
      o = writeVarint(buf, o, labels[s].length);
      o += labels[s].copy(buf, o);
      for (let k = 0; k < starts[s].length; k++) {
        const i = idx[s][k];
        const len = ends[s][k] - starts[s][k];
        const [e, tsLen] = entrySize(i, len);
        buf[o++] = 0x12;
        o = writeVarint(buf, o, e);
        buf[o++] = 0x0a;
        o = writeVarint(buf, o, tsLen);
        const ns = tsOf[i];
        buf[o++] = 0x08;
        o = writeVarint(buf, o, baseS + Math.floor(ns / 1e9));
        if (ns % 1e9 > 0) {
          buf[o++] = 0x10;
          o = writeVarint(buf, o, ns % 1e9);
        }
        buf[o++] = 0x12;
        o = writeVarint(buf, o, len);
        o += raw.copy(buf, o, starts[s][k], ends[s][k]);
      }
      starts[s].length = 0;
      ends[s].length = 0;
      idx[s].length = 0;
    }
    if (o !== size) throw new Error(`cannot encode push body: wrote ${o} bytes, want ${size}`);
    bodies.push(snappy.compressSync(buf));
  };
  let batch = 0;
  while (off < raw.length) {
    const e = raw.indexOf(10, off);
    const end = e < 0 ? raw.length : e;
    const s = streamOf[line];
    starts[s].push(off);
    ends[s].push(end);
    idx[s].push(line);
    batch += end - off;
    lineBytes += end - off;
    entries++;
    line++;
    off = end + 1;
    if (batch >= batchBytes) {
      emit();
      batch = 0;
    }
  }
  if (batch > 0) emit();
  if (entries !== c.lines)
    throw new Error(`cannot build push bodies: ${entries} lines in raw.log, want ${c.lines}`);
  return { bodies, lineBytes, entries };
}

export interface SendResult {
  wallS: number;
  requests: number;
  failed: number;
  firstError: string;
}

/** Posts every body with `senders` concurrent senders; wall time from first send to last answer. */
export async function sendAll(
  url: string,
  headers: Record<string, string>,
  bodies: Buffer[],
  senders: number,
): Promise<SendResult> {
  let next = 0;
  let failed = 0;
  let firstError = '';
  const h = { ...headers, 'Content-Type': 'application/x-protobuf' };
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await fetch(url, { method: 'POST', headers: h, body });
      const text = await res.text();
      if (res.status !== 204 && res.status !== 200) {
        failed++;
        if (firstError === '') firstError = `HTTP ${res.status}: ${text.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: senders }, worker));
  return { wallS: (performance.now() - t0) / 1000, requests: bodies.length, failed, firstError };
}
