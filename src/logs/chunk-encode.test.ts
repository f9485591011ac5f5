import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildBloom } from './bloom.js';
import { decodeChunk, encodeChunk } from './chunk.js';
import { encodeInput, encodeSealed } from './chunk-encode.js';
import type { ChunkData } from './types.js';

const text = fc.constantFrom(
  'GET /a',
  'level=info msg="x"',
  'é ü',
  '',
  'trace=4bf92f3577b34da6a3ce',
);
const rec = fc.record({
  ts: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
  line: fc.array(text, { maxLength: 4 }).map((a) => a.join(' ')),
  fields: fc.option(fc.array(fc.tuple(fc.constantFrom('k', 'trace'), text), { maxLength: 2 }), {
    nil: undefined,
  }),
});
const chunkOf = (rs: { ts: bigint; line: string; fields?: [string, string][] }[]): ChunkData => ({
  ts: BigInt64Array.from(rs.map((r) => r.ts)),
  lines: rs.map((r) => r.line),
  fields: rs.map((r) => r.fields),
});

describe('encodeInput / encodeSealed', () => {
  it('the joined path makes the bytes and bloom of encodeChunk and buildBloom', () => {
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 30 }), (rs) => {
        const c = chunkOf(rs);
        const input = encodeInput(c, 'q4');
        assert.ok('joined' in input);
        const got = encodeSealed(input);
        assert.deepEqual(got.data, new Uint8Array(encodeChunk(c, 'q4')));
        assert.deepEqual(got.bloom, buildBloom(c.lines));
      }),
      { numRuns: 300 },
    );
  });

  it('multi-line lines, columnar and bad shapes take the per-line path', () => {
    const c: ChunkData = {
      ts: BigInt64Array.from([1n, 2n]),
      lines: ['a\nb', 'c'],
      fields: [undefined, [['k', 'v']]],
    };
    const multi = encodeInput(c, 'q4');
    assert.ok('chunk' in multi);
    assert.deepEqual(decodeChunk(encodeSealed(multi).data), c);
    assert.ok('chunk' in encodeInput({ ...c, lines: ['a', 'b'] }, 'columnar'));
    const bad = encodeInput({ ts: new BigInt64Array(2), lines: ['a'], fields: [undefined] }, 'q4');
    assert.throws(() => encodeSealed(bad), /cannot encode log chunk/);
  });
});
