import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeChunk, encodeChunk } from './chunk.js';
import type { ChunkData } from './types.js';

const chunk = (lines: string[]): ChunkData => ({
  ts: BigInt64Array.from(lines, (_, i) => 1_764_262_699_000_000_000n + BigInt(i * 997)),
  lines,
  fields: lines.map(() => undefined),
});

const roundTrip = (lines: string[]): Uint8Array => {
  const data = encodeChunk(chunk(lines), 'columnar');
  assert.deepEqual(decodeChunk(data).lines, lines);
  return data;
};

describe('columnar codec', () => {
  it('round-trips odd JSON and field lines byte for byte', () => {
    roundTrip([
      '{}',
      '{"a":1}',
      '{"a":"x","a":"y"}',
      '{"n":007,"z":-0,"e":1e5,"big":123456789012345678901234567890}',
      '{"s":"q\\"uo\\\\te","u":"ünï😀","nul":null,"t":true}',
      '{"a":1,"b":{"nested":1}}',
      '{"a": 1}',
      '{"a":1',
      '{"a":1,}',
      '{"":""}',
      '{"a":"unterminated}',
      '',
      ' ',
      '  double  spaces ',
      'x'.repeat(5000),
      Array.from({ length: 40 }, (_, i) => `f${i}`).join(' '),
      'multi\nline {"a":1}',
      '0 00 -0 1 -1 999999999999999 9999999999999999',
    ]);
  });

  it('types columns: hex ids, integers, text', () => {
    const ids = Array.from({ length: 500 }, (_, i) =>
      (BigInt(i + 1) * 0x9e3779b97f4a7c15n).toString(16).padStart(32, '0').slice(-32),
    );
    const lines = ids.map(
      (id, i) =>
        `{"trace_id":"${id}","status":${200 + (i % 5)},"bytes":${i * 37},"msg":"done ${i}"}`,
    );
    const data = roundTrip(lines);
    // 16 bytes of id per line at most, plus small ints: far below the text size.
    assert.ok(data.length < lines.join('\n').length / 3, `${data.length} bytes`);
  });

  it('stores lines past the shape limit raw', () => {
    roundTrip(Array.from({ length: 4200 }, (_, i) => `{"k${i}":${i}}`));
  });

  it('round-trips arbitrary lines (property)', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom(
        '{',
        '}',
        '"',
        ':',
        ',',
        ' ',
        '\\',
        '\n',
        '-0',
        '007',
        '1e5',
        'null',
        'deadbeef',
      ),
      fc.bigInt().map(String),
    );
    const line = fc.array(piece, { maxLength: 12 }).map((a) => a.join(''));
    const jsonish = fc
      .array(
        fc.tuple(
          fc.string({ maxLength: 4 }),
          fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null)),
        ),
        { maxLength: 5 },
      )
      .map((kv) => JSON.stringify(Object.fromEntries(kv)));
    fc.assert(
      fc.property(fc.array(fc.oneof(line, jsonish), { maxLength: 40 }), (lines) => {
        roundTrip(lines);
      }),
      { numRuns: 400 },
    );
  });
});
