import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyChunk, insertEntries, splitPieces } from './head.js';

const chunkOf = (lines: string[]) => {
  const c = emptyChunk();
  const entries = lines.map((line, i) => ({ ts: BigInt(i), line }));
  insertEntries(c, entries);
  return c;
};

describe('splitPieces', () => {
  it('cuts round(raw / target) pieces of about equal size, keeping every entry in order', () => {
    const lines = Array.from(
      { length: 105 },
      (_, i) => `${'x'.repeat(97)}${String(i).padStart(3, '0')}`,
    );
    const sizes = (target: number) => splitPieces(chunkOf(lines), target).map((p) => p.ts.length);
    assert.deepEqual(sizes(10_000), [105]); // 5% past the target: one piece, no sliver
    assert.deepEqual(sizes(3_500), [35, 35, 35]);
    assert.deepEqual(sizes(4_000), [35, 35, 35]); // 2.6 targets → 3 pieces
    const pieces = splitPieces(chunkOf(lines), 1_000);
    assert.equal(pieces.length, 11);
    assert.deepEqual(
      pieces.flatMap((p) => p.lines),
      lines,
    );
    assert.equal(
      pieces.reduce((n, p) => n + p.rawBytes, 0),
      105 * 100,
    );
    for (const p of pieces) assert.equal(p.mint, p.ts[0]);
    assert.deepEqual(splitPieces(emptyChunk(), 1_000), []);
  });

  it('an entry past the target ends its piece; fewer pieces than round(raw / target) then', () => {
    const pieces = splitPieces(chunkOf(['a', 'é'.repeat(5_000), 'b']), 1_000);
    assert.deepEqual(
      pieces.map((p) => p.lines.length),
      [2, 1],
    );
  });
});
