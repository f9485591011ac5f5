import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Labels, type TenantId } from '../model/index.js';
import { buildBloom } from './bloom.js';
import { encodeChunk } from './chunk.js';
import { FileChunkStore, type FileChunkStoreOptions } from './chunk-store.js';
import type { ChunkData, ChunkFormat, SealedChunk } from './types.js';

/** Test helpers for the chunk store: real chunks (real codecs, real blooms) in temp dirs. */

export const MS = 1_000_000n;

export function chunkData(startMs: number, lines: readonly string[], stepMs = 1): ChunkData {
  const ts = new BigInt64Array(lines.length);
  for (let i = 0; i < lines.length; i++) ts[i] = BigInt(startMs + i * stepMs) * MS + BigInt(i);
  return {
    ts,
    lines: [...lines],
    fields: lines.map((_, i) => (i % 3 === 0 ? [['trace_id', `t${i}`] as const] : undefined)),
  };
}

export function sealed(
  tenant: TenantId,
  labels: Record<string, string>,
  data: ChunkData,
  format: ChunkFormat = 'q4',
): SealedChunk {
  return {
    tenant,
    labels: Labels.fromObject(labels),
    mint: data.ts[0],
    maxt: data.ts[data.ts.length - 1],
    entries: data.lines.length,
    rawBytes: data.lines.reduce((n, l) => n + Buffer.byteLength(l), 0),
    format,
    data: encodeChunk(data, format),
    bloom: buildBloom(data.lines),
  };
}

/** `n` lines of a stream, each unique (a request id) so every chunk has its own tokens. */
export function lines(prefix: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`${prefix} GET /api/v1/items/${i} status=200 request_id=req${prefix}x${i}abcd`);
  }
  return out;
}

export interface Recorded {
  level: 'info' | 'warn';
  obj: object;
  msg: string;
}

export async function withStoreDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(`${tmpdir()}/argus-logblocks-`);
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function openStore(
  dir: string,
  logs: Recorded[] = [],
  extra: Partial<FileChunkStoreOptions> = {},
): Promise<FileChunkStore> {
  return FileChunkStore.open({
    dir,
    logger: {
      info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    },
    ...extra,
  });
}
