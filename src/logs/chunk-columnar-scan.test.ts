import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeChunk, encodeChunk, filterChunk, scanChunk } from './chunk.js';
import { scanColumnar } from './chunk-columnar-scan.js';
import type { ChunkData } from './types.js';

const chunk = (lines: string[]): ChunkData => ({
  ts: BigInt64Array.from(lines, (_, i) => 1_764_262_699_000_000_000n + BigInt(i * 997)),
  lines,
  fields: lines.map((_, i) => (i % 3 === 0 ? [['i', String(i)]] : undefined)),
});

/** scanColumnar must give exactly what decoding then filtering gives. */
function same(lines: string[], groups: string[][]): ChunkData {
  const c = chunk(lines);
  const data = encodeChunk(c, 'columnar');
  const pass = (l: string): boolean => groups.every((g) => g.some((x) => l.includes(x)));
  const got = scanColumnar(data, pass, groups);
  assert.deepEqual(got, filterChunk(decodeChunk(data), pass), JSON.stringify({ lines, groups }));
  return got;
}

const ID = 'a514f124b0b0f8f96c45ac8b693163c2';
const LINES = [
  `{"ts":"2026-01-15T10:00:00.014Z","level":"info","trace_id":"${ID}","status":200,"msg":"payment authorized"}`,
  `{"ts":"2026-01-15T10:00:00.030Z","level":"error","trace_id":"373df8f2720bc307a48f48b41a187adb","status":503,"msg":"upstream timeout"}`,
  `10.1.94.2 - - [15/Jan/2026:10:00:00 +0000] "GET /api/v1/users/33483 HTTP/1.1" 200 31723 rt=0.046 trace_id=${ID}`,
  `10.1.9.7 - - [15/Jan/2026:10:00:01 +0000] "POST /login HTTP/1.1" 502 17 rt=1.046 trace_id=04f9cea6d7c61d2233c0858110b44a94`,
  'multi\nline raw',
  '{"a": 1}',
  '123 456 789',
];

describe('scanColumnar', () => {
  it('finds literals inside values, across values and in templates', () => {
    assert.equal(same(LINES, [[ID]]).lines.length, 2);
    assert.equal(same(LINES, [['upstream timeout']]).lines.length, 1);
    assert.equal(same(LINES, [['"status":503']]).lines.length, 1); // spans key and value
    assert.equal(same(LINES, [['level']]).lines.length, 2); // a JSON key (template)
    assert.equal(same(LINES, [['" 502 17 rt']]).lines.length, 1); // spans fields
    assert.equal(same(LINES, [['raw']]).lines.length, 1);
    assert.equal(same(LINES, [['456 7']]).lines.length, 1);
    assert.equal(same(LINES, [['4567']]).lines.length, 0); // straddles two int values only
    assert.equal(same(LINES, [['2c2a5']]).lines.length, 0); // straddles two hex ids
    assert.equal(same(LINES, [['nothing here']]).lines.length, 0);
    assert.equal(same(LINES, [['timeout', 'authorized'], ['error']]).lines.length, 1);
    assert.equal(same(LINES, [[':'], [' ']]).lines.length, 5); // boundary characters only
    assert.equal(same(LINES, [['']]).lines.length, LINES.length);
    assert.equal(same(LINES, []).lines.length, LINES.length);
  });

  it('is what scanChunk gives for columnar chunks', () => {
    const data = encodeChunk(chunk(LINES), 'columnar');
    const got = scanChunk(data, (l) => l.includes('trace_id'), ['trace_id']);
    let all: BigInt64Array | undefined;
    scanColumnar(
      data,
      () => false,
      [['no such text']],
      (ts) => (all = ts),
    );
    assert.deepEqual(all, chunk(LINES).ts);
    assert.equal(got.lines.length, 4);
    assert.deepEqual(got.fields, [[['i', '0']], undefined, undefined, [['i', '3']]]);
  });

  it('matches decode + filter on arbitrary lines and literals (property)', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('{', '}', '"', ':', ',', ' ', '\\', '\n', '-1', '07', 'null', 'deadbeef'),
      fc.integer().map(String),
    );
    const line = fc.array(piece, { maxLength: 10 }).map((a) => a.join(''));
    const jsonish = fc
      .array(
        fc.tuple(
          fc.constantFrom('a', 'b', 'id', 'msg'),
          fc.oneof(
            fc.string({ maxLength: 6 }),
            fc.integer({ min: -50, max: 50 }),
            fc.constantFrom('c0ffee00', 'c0ffee01', 'deadbeef'),
          ),
        ),
        { maxLength: 4 },
      )
      .map((kv) => JSON.stringify(Object.fromEntries(kv)));
    const fields = fc
      .array(
        fc.oneof(fc.constantFrom('GET', 'ab12', 'cd34', '200', '-'), fc.nat(999).map(String)),
        {
          minLength: 1,
          maxLength: 5,
        },
      )
      .map((a) => a.join(' '));
    const lines = fc.array(fc.oneof(line, jsonish, fields), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(
        lines,
        fc.array(fc.array(fc.tuple(fc.nat(), fc.nat(8), fc.nat(12)), { maxLength: 2 }), {
          maxLength: 2,
        }),
        fc.array(piece, { maxLength: 2 }),
        (ls, picks, extra) => {
          // Literals cut from the lines (so most hit), plus a few arbitrary ones.
          const groups = picks.map((g) =>
            g.map(([li, a, len]) => ls[li % ls.length].slice(a, a + len)),
          );
          if (extra.length > 0) groups.push(extra);
          same(ls, groups);
        },
      ),
      { numRuns: 600 },
    );
  });
});
