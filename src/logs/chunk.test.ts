import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { bloomMayContain } from './bloom.js';
import { ChunkCorruptionError, chunkFormatOf, decodeChunk, encodeChunk } from './chunk.js';
import { assertDamageReported } from './chunk-test-helpers.js';
import { planScan, scanChunkBytes } from './chunk-scan.js';
import type { LineFilter } from '../storage/index.js';
import { queryTokens } from './tokenize.js';
import type { ChunkData, ChunkFormat } from './types.js';

export function chunkOf(lines: string[], ts?: bigint[], fields?: ChunkData['fields']): ChunkData {
  const base = 1_764_262_699_123_456_789n;
  return {
    ts: BigInt64Array.from(ts ?? lines.map((_, i) => base + BigInt(i) * 1_000_003n)),
    lines,
    fields: fields ?? lines.map(() => undefined),
  };
}

const FORMATS: ChunkFormat[] = ['q4', 'columnar'];

for (const format of FORMATS) {
  describe(`chunk codec ${format}`, () => {
    const roundTrip = (c: ChunkData): void => {
      const data = encodeChunk(c, format);
      assert.equal(chunkFormatOf(data), format);
      assert.deepEqual(decodeChunk(data), c);
    };

    it('round-trips edge cases', () => {
      roundTrip(chunkOf([]));
      roundTrip(chunkOf(['']));
      roundTrip(chunkOf(['', '', 'x', '']));
      roundTrip(chunkOf(['a\nb', '\n', 'c', '\n\n', 'd\r\n']));
      roundTrip(chunkOf(['ünï 😀', '{"a":1}'], [-5n, 9_223_372_036_854_775_807n]));
      roundTrip(
        chunkOf(['x', 'y', 'z'], [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n, 0n]),
      );
      roundTrip(
        chunkOf(
          ['a', 'b', 'c'],
          [5n, 5n, 5n],
          [
            [
              ['trace_id', 'abc'],
              ['level', ''],
            ],
            undefined,
            [['k', 'ü\n']],
          ],
        ),
      );
    });

    it('round-trips arbitrary chunks (property)', () => {
      const line = fc.string({ unit: 'grapheme', maxLength: 40 });
      const rec = fc.tuple(
        line,
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.option(
          fc.array(fc.tuple(fc.string({ maxLength: 5 }), line), { minLength: 1, maxLength: 3 }),
          { nil: undefined },
        ),
      );
      fc.assert(
        fc.property(fc.array(rec, { maxLength: 30 }), (recs) => {
          roundTrip(
            chunkOf(
              recs.map((r) => r[0]),
              recs.map((r) => r[1]),
              recs.map((r) => r[2]),
            ),
          );
        }),
        { numRuns: 300 },
      );
    });

    it('scans with a literal prefilter, returning exactly the passing records', () => {
      const c = chunkOf(['level=info a', 'level=error b', 'x\nerror', 'error c'], undefined, [
        undefined,
        [['k', 'v']],
        undefined,
        undefined,
      ]);
      const data = encodeChunk(c, format);
      const scan = (filters: LineFilter[]): ChunkData =>
        scanChunkBytes(data, planScan(filters), 0n, 1n << 62n, true).data as ChunkData;
      const got = scan([{ op: '|=', value: 'error' }]);
      assert.deepEqual(got.lines, ['level=error b', 'x\nerror', 'error c']);
      assert.deepEqual(got.fields, [[['k', 'v']], undefined, undefined]);
      assert.deepEqual([...got.ts], [c.ts[1], c.ts[2], c.ts[3]]);
      assert.deepEqual(scan([{ op: '|=', value: 'absent' }]).lines, []);
      assert.deepEqual(scan([]).lines, c.lines);
      assert.deepEqual(scan([{ op: '|=', value: 'x\ne' }]).lines, ['x\nerror']);
      assert.deepEqual(scan([{ op: '|~', value: 'level=(error|warn) b' }]).lines, [
        'level=error b',
      ]);
    });

    it('reports damaged data as ChunkCorruptionError, never a crash', () => {
      const c = chunkOf(
        Array.from({ length: 60 }, (_, i) =>
          i % 3 === 0
            ? `line ${i} trace=${i * 7919}`
            : i % 3 === 1
              ? `{"id":"${(i * 0x9e3779b1).toString(16).padStart(12, '0')}","n":${i * 37},"msg":"m ${i}"}`
              : `raw\nline ${i}`,
        ),
      );
      assertDamageReported(encodeChunk(c, format), decodeChunk, { flipStep: 3 });
    });
  });
}

describe('decodeChunk on damaged bytes (property)', () => {
  const good = (['q4', 'columnar'] as const).map((f) =>
    encodeChunk(
      chunkOf([
        '{"a":"0123456789abcdef","n":5}',
        'x y z',
        'multi\nline',
        '',
        '{"a":"fedcba9876543210","n":-7}',
      ]),
      f,
    ),
  );
  it('throws only ChunkCorruptionError, whatever the bytes', () => {
    fc.assert(
      fc.property(
        fc.nat(1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(),
        (which, edits, cut) => {
          const bad = Uint8Array.from(good[which]);
          for (const [at, v] of edits) bad[2 + (at % (bad.length - 2))] = v;
          try {
            decodeChunk(bad.subarray(0, bad.length - (cut % 4)));
          } catch (err) {
            assert.ok(err instanceof ChunkCorruptionError, String(err));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('decodeChunk header', () => {
  it('names an unknown format or version', () => {
    assert.throws(
      () => decodeChunk(new Uint8Array([])),
      /want at least a format and a version byte/,
    );
    assert.throws(() => decodeChunk(new Uint8Array([9, 1])), /unknown format byte 9/);
    assert.throws(() => decodeChunk(new Uint8Array([1, 7])), /format 1 version 7 \(want 1\)/);
  });
  it('refuses absurd counts without allocating them', () => {
    for (const fmt of [1, 2])
      assert.throws(
        () => decodeChunk(new Uint8Array([fmt, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 0])),
        /records with 1 timestamp bytes/,
      );
  });
  it('refuses mismatched columns', () => {
    assert.throws(
      () => encodeChunk({ ts: new BigInt64Array(1), lines: [], fields: [] }, 'q4'),
      /1 timestamps, 0 lines/,
    );
  });
});

describe('version 1 golden files (testdata/codec)', () => {
  const dir = join(process.cwd(), 'src/logs/testdata/codec');
  const want = JSON.parse(readFileSync(join(dir, 'v1.json'), 'utf8')) as {
    ts: string[];
    lines: string[];
    fields: ([string, string][] | null)[];
  };
  const chunk: ChunkData = {
    ts: BigInt64Array.from(want.ts, BigInt),
    lines: want.lines,
    fields: want.fields.map((f) => f ?? undefined),
  };
  for (const format of ['q4', 'columnar'] as const)
    it(`decodes v1 ${format} chunks written by earlier code`, () => {
      const data = new Uint8Array(readFileSync(join(dir, `v1.${format}.bin`)));
      assert.equal(chunkFormatOf(data), format);
      assert.deepEqual(decodeChunk(data), chunk);
    });
  it('reads the v1 bloom written beside them (v2 golden bytes: bloom.test.ts)', () => {
    const bloom = new Uint8Array(readFileSync(join(dir, 'v1.bloom.bin')));
    for (const k of queryTokens([{ op: '|=', value: '768c6416d128dbbc0f5de400eb22b33c' }]))
      assert.equal(bloomMayContain(bloom, k), true);
    assert.equal(bloomMayContain(bloom, 'warning'), false);
  });
});
