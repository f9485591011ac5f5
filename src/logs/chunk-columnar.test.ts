import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ChunkCorruptionError, chunkFormatOf, decodeChunk, encodeChunk } from './chunk.js';
import {
  COL_HEX,
  COL_INT,
  COL_DEC,
  COL_INT_PLAIN,
  COL_PREFIX,
  COL_TEXT,
  COL_TIME,
  COL_TIME_REL,
} from './chunk-columnar-cols.js';
import { parseColumnar } from './chunk-columnar.js';
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

  it('v2: prefixes, ISO times, plain integers and fields counted from the end', () => {
    const rnd = (i: number): number => ((i * 2654435761) >>> 0) % 1_000_000;
    const lines = Array.from({ length: 300 }, (_, i) => {
      const id = (BigInt(i + 1) * 0x9e3779b97f4a7c15n).toString(16).padStart(32, '0').slice(-32);
      return i % 2
        ? `{"ts":"${new Date(1_764_255_600_000 + i * 7).toISOString()}","user_id":${rnd(i)},"n":${i},"rt":"rt=0.${i % 10}x"}`
        : `GET /x ${'ua '.repeat(i % 4)}rt=0.1 trace_id=${id}`;
    });
    const data = roundTrip(lines);
    const types = new Map(parseColumnar(data).cols.map((c) => [c.name, [c.type, c.prefix]]));
    assert.deepEqual(types.get('j:ts'), [COL_TIME, '']);
    assert.deepEqual(types.get('j:user_id'), [COL_INT_PLAIN, '']);
    assert.deepEqual(types.get('j:n'), [COL_INT, '']);
    assert.deepEqual(types.get('j:rt'), [COL_TEXT, 'rt=0.']);
    // The id is the last field whatever the count: one hex column after its prefix.
    const [type, prefix] = types.get('f:-1')!;
    assert.equal(type, COL_HEX);
    assert.match(String(prefix), /^trace_id=0*$/); // these ids share leading zeros
    assert.deepEqual(types.get('f:0'), [COL_TEXT, 'GET']);
    assert.equal(COL_PREFIX, 0x80);
  });

  it('v2: timestamps in units of their greatest common step, any order', () => {
    for (const ts of [
      [5n, 5n, 5n],
      [1_764_255_600_000_000_000n, 1_764_255_600_001_000_000n, 1_764_255_599_000_000_000n],
      [-3n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 0n],
      [7n],
    ]) {
      const lines = ts.map((_, i) => `{"i":${i}}`);
      const c = { ts: BigInt64Array.from(ts), lines, fields: lines.map(() => undefined) };
      assert.deepEqual(decodeChunk(encodeChunk(c, 'columnar')), c);
    }
  });

  it('v2: times equal to their record time (in ms) cost almost nothing', () => {
    const ts = Array.from(
      { length: 2000 },
      (_, i) => 1_764_255_600_000_000_000n + BigInt(i) * 1_237_111n,
    );
    const lines = ts.map(
      (t, i) =>
        `{"ts":"${new Date(Number(t / 1_000_000n) + (i === 7 ? -5 : 0)).toISOString()}","k":"v"}`,
    );
    const c = { ts: BigInt64Array.from(ts), lines, fields: lines.map(() => undefined) };
    const data = encodeChunk(c, 'columnar');
    assert.deepEqual(decodeChunk(data), c);
    const col = parseColumnar(data).cols.find((x) => x.name === 'j:ts')!;
    assert.equal(col.type, COL_TIME_REL);
    assert.ok(data.length < 2000 * 2, `${data.length} bytes for 2000 records`);
  });

  it('v2: canonical decimals as scaled integers, anything else as text', () => {
    const dec = ['106.63', '3.5', '0', '-0.25', '7', '0.001', '-12.1'];
    const data = roundTrip(dec.map((d) => `{"d":${d}}`));
    assert.equal(parseColumnar(data).cols[0].type, COL_DEC);
    for (const odd of [
      ['1.50', '2'],
      ['-0', '1.5'],
      ['1.', '2'],
      ['.5', '1'],
      ['1e5', '1.5'],
      ['0.0000000001', '1.5'],
      ['12345678901234567.5', '1.5'],
    ]) {
      const d = roundTrip(odd.map((x) => `{"d":${x}}`));
      assert.notEqual(parseColumnar(d).cols[0].type, COL_DEC, odd.join());
    }
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), {
          minLength: 1,
          maxLength: 20,
        }),
        (xs) => {
          roundTrip(xs.map((x) => `{"d":${JSON.stringify(x)}}`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('v2: ISO times round-trip, same second or not, before 1970 too (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5_000_000, max: 5_000_000 }),
        fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: 1, maxLength: 30 }),
        (base, steps) => {
          let ms = base;
          roundTrip(steps.map((d) => `{"t":"${new Date((ms += d)).toISOString()}"}`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('v1 chunks may not use v2 column types', () => {
    // A v1 chunk of one int column, its type byte changed to v2's plain integers.
    const v1 = new Uint8Array(
      readFileSync(join(process.cwd(), 'src/logs/testdata/codec/v1.columnar.bin')),
    );
    const c = parseColumnar(v1).cols.find((col) => col.type === COL_INT)!;
    const at = Buffer.from(v1).indexOf(Buffer.from(`${c.name}\u0002`, 'latin1'));
    assert.ok(at > 0);
    v1[at + c.name.length] = COL_INT_PLAIN;
    assert.throws(() => decodeChunk(v1), ChunkCorruptionError);
  });
});

describe('columnar golden files (testdata/codec)', () => {
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
  for (const v of [1, 2])
    it(`decodes v${v} columnar chunks written by earlier code`, () => {
      const data = new Uint8Array(readFileSync(join(dir, `v${v}.columnar.bin`)));
      assert.equal(chunkFormatOf(data), 'columnar');
      assert.equal(data[1], v);
      assert.deepEqual(decodeChunk(data), chunk);
    });
  it('writes version 2', () => {
    assert.equal(encodeChunk(chunk, 'columnar')[1], 2);
  });
});
