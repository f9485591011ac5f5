import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { LineFilter } from '../storage/index.js';
import { decodeChunk, encodeChunk } from './chunk.js';
import { bloomFilters, filterRange, pickTs, planScan, scanChunkBytes } from './chunk-scan.js';
import type { ChunkData, ChunkFormat } from './types.js';

const WORDS = ['status=500', 'status=200', 'timeout', 'ok', 'é', '😀', 'GET', 'x', ' ', '\n'];
const lineArb = fc.array(fc.constantFrom(...WORDS), { maxLength: 8 }).map((ws) => ws.join(''));
const filterArb: fc.Arbitrary<LineFilter> = fc.oneof(
  fc.record({
    op: fc.constantFrom<LineFilter['op']>('|=', '!='),
    value: fc.constantFrom(...WORDS, 'status=5', 'time', ''),
  }),
  fc.record({
    op: fc.constantFrom<LineFilter['op']>('|~', '!~'),
    value: fc.constantFrom(
      'status=5[0-9]{2}.*timeout',
      'timeout|GET',
      '(?i)TIMEOUT',
      'o+k',
      '^GET',
      '😀?é',
      '.',
    ),
  }),
);

const chunkArb = fc
  .array(
    fc.tuple(
      lineArb,
      fc.nat(5),
      fc.option(fc.constant([['trace_id', 'abc']] as const), { nil: undefined }),
    ),
    { maxLength: 60 },
  )
  .map((recs) => {
    let t = 1_700_000_000_000_000_000n;
    const c: ChunkData = { ts: new BigInt64Array(recs.length), lines: [], fields: [] };
    recs.forEach(([line, gap, f], i) => {
      t += BigInt(gap) * 1_000_003n;
      c.ts[i] = t;
      c.lines.push(line);
      c.fields.push(f);
    });
    return c;
  });

test('scanChunkBytes returns what decoding every line and filtering returns', () => {
  fc.assert(
    fc.property(
      chunkArb,
      fc.array(filterArb, { maxLength: 3 }),
      fc.constantFrom<ChunkFormat>('q4', 'q4', 'columnar'),
      fc.nat(6),
      fc.nat(6),
      (c, filters, format, a, b) => {
        const bytes = encodeChunk(c, format);
        const plan = planScan(filters);
        const base = c.ts.length > 0 ? c.ts[0] : 0n;
        const start = a === 6 ? 0n : base + BigInt(a) * 2_000_006n;
        const end = b === 6 ? 1n << 62n : start + BigInt(b) * 3_000_009n;
        const inRange = c.ts.length > 0 && c.ts[0] >= start && c.ts[c.ts.length - 1] < end;
        const got = scanChunkBytes(bytes, plan, start, end, inRange || c.ts.length === 0);
        const want = filterRange(decodeChunk(bytes), plan, start, end);
        assert.deepEqual(Array.from(got.data.ts), Array.from(want.data.ts));
        assert.deepEqual(got.data.lines, want.data.lines);
        assert.deepEqual(got.data.fields, want.data.fields);
        assert.equal(got.entries, want.entries);
      },
    ),
    { numRuns: 1500 },
  );
});

test('pickTs gives the same timestamps as decoding them all', () => {
  const c: ChunkData = {
    ts: BigInt64Array.from([5n, 5n, 1_000_000_000_000_000_000n, 1_000_000_000_000_000_001n, 7n]),
    lines: ['a', 'b', 'c', 'd', 'e'],
    fields: [undefined, undefined, undefined, undefined, undefined],
  };
  const bytes = encodeChunk(c, 'q4');
  // The column starts after the format, version, count and column length bytes.
  const col = bytes.subarray(4, 4 + bytes[3]);
  // Offsets past 2^53 ns do not fit a double: the caller falls back to BigInts.
  assert.equal(pickTs(col, 5, [0, 4]), null);
  const small = encodeChunk({ ...c, ts: BigInt64Array.from([5n, 5n, 9n, 20n, 21n]) }, 'q4');
  const col2 = small.subarray(4, 4 + small[3]);
  assert.deepEqual([...pickTs(col2, 5, [0, 2, 4])!], [5n, 9n, 21n]);
  assert.deepEqual([...pickTs(col2, 5, [3])!], [20n]);
  assert.deepEqual([...pickTs(col2, 0, [])!], []);
});

test('planScan: literals of |= and |~ for the bloom, not of negations', () => {
  const plan = planScan([
    { op: '|=', value: 'trace' },
    { op: '|~', value: 'status=5[0-9]{2}.*timeout' },
    { op: '!=', value: 'debug' },
    { op: '!~', value: 'never' },
  ]);
  assert.deepEqual(plan.groups, [['trace'], ['status=5'], ['timeout']]);
  assert.equal(plan.anchor?.toString(), 'status=5');
  assert.deepEqual(
    plan.needles.map((g) => g.map((x) => x.toString())),
    [['trace'], ['timeout']],
  );
  assert.deepEqual(bloomFilters(plan), [
    { op: '|=', value: 'trace' },
    { op: '|=', value: 'status=5' },
    { op: '|=', value: 'timeout' },
  ]);
  assert.equal(planScan([]).all, true);
});
