/** Helpers for this folder's tests (not exported from the module). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WalLogger } from './wal-files.js';
import { Wal, type WalOptions } from './wal.js';

export interface LogLine {
  level: 'info' | 'warn';
  obj: object;
  msg: string;
}

/** A logger that keeps every line for assertions. */
export function recordingLogger(): WalLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
  };
}

export async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'argus-wal-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Record i: `rec-<i>` padded with `pad` zero bytes, so sizes are predictable. */
export function rec(i: number, pad = 0): Uint8Array {
  return Buffer.concat([Buffer.from(`rec-${i}`), Buffer.alloc(pad)]);
}

/** The record's text without its zero padding. */
export function str(r: Uint8Array): string {
  return Buffer.from(r).toString('latin1').replace(/\0+$/, '');
}

/** Opens the WAL at `dir`, replays it, closes it; returns the records as strings and the stats. */
export async function replayAll(opts: WalOptions) {
  const wal = await Wal.open(opts);
  const got: string[] = [];
  const stats = await wal.replay((r) => got.push(str(r)));
  await wal.close();
  return { got, stats };
}

export function range(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `rec-${from + i}`);
}
