/** Test helpers for the chunk codecs' tests (not production code). */
import assert from 'node:assert/strict';
import { ChunkCorruptionError } from './chunk-q4.js';

export interface DamageOptions {
  /** First cut length tried (bytes kept), and the step between cuts. */
  cutFrom?: number;
  cutStep?: number;
  /** Step between flipped bytes (from byte 2: the format and version bytes are checked apart). */
  flipStep?: number;
  /** The XOR mask of a flipped byte. */
  mask?: number;
}

/**
 * Cuts `data` short and flips its bytes one at a time: `read` must throw a ChunkCorruptionError
 * for every cut, and nothing but a ChunkCorruptionError for a flip (a flip it cannot notice may
 * read fine). Never a crash, never another error.
 */
export function assertDamageReported(
  data: Uint8Array,
  read: (bytes: Uint8Array) => unknown,
  o: DamageOptions = {},
): void {
  const step = o.cutStep ?? Math.max(1, data.length >> 5);
  for (let cut = o.cutFrom ?? 0; cut < data.length; cut += step)
    assert.throws(() => read(data.subarray(0, cut)), ChunkCorruptionError, `cut ${cut}`);
  for (let i = 2; i < data.length; i += o.flipStep ?? 1) {
    const bad = Uint8Array.from(data);
    bad[i] ^= o.mask ?? 0x5a;
    try {
      read(bad);
    } catch (err) {
      assert.ok(err instanceof ChunkCorruptionError, `flip ${i}: ${String(err)}`);
    }
  }
}
